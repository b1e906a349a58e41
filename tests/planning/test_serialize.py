"""Plans as JSON: built drafts round-trip exactly, and every malformed or hostile file is refused
with a PlanFormatError whose `place` points at the bad spot."""

import copy
import dataclasses
import json
from typing import Any

import pytest

from recovery.planning.draft import (
    Action,
    Contact,
    Line,
    Meeting,
    PlanDraft,
    Trigger,
)
from recovery.planning.serialize import PlanFormatError, draft_from_dict

AT_HOME_THERAPY_WITH_RISK: dict[str, Any] = {
    "prescribed": "at_home", "outside_prescription": "yes", "s_wish_dead": "yes",
    "s_now": "no", "w_alone_secret": "yes", "c_craving": "yes", "co_use": ["alcohol"],
    "co_use_together": "yes", "depressant_daily": "no", "symptoms": ["pee_pain"],
}
ALCOHOL: dict[str, Any] = {
    "substance": "alcohol", "depressant_daily": "yes", "seizures": "yes",
    "c_duties": "yes", "support_person": "no", "readiness": "unsure",
}
OVER_A_YEAR: dict[str, Any] = {"last_use": "over_year"}


def edited(draft: PlanDraft) -> PlanDraft:
    """`draft` after the person has worked on it: every section has entries of their own."""
    own = Trigger(kind="own", text="Sunday evenings\twith nothing on", rank="medium",
                  actions=(Action("call", "Ring Mum"), Action("leave", "Go for a walk")))
    return dataclasses.replace(
        draft,
        display_name="Zoë",
        goal="cut_down",
        reasons=(Line("My health"), Line("My kids,\nwho need me")),
        triggers=draft.triggers + (own,),
        urge_plan=dataclasses.replace(draft.urge_plan, delay_minutes=30, text_person="Sam"),
        contacts=(Contact("Sam", "sister", "+44 (0)20 7946-0958"), Contact("Dr Okafor")),
        meetings=(Meeting("smart", "SMART Tuesday", "Tuesday", "19:00", "https://example.org/m"),
                  Meeting("na")),
        safety_steps=tuple(dataclasses.replace(s, response=f"Answer {i} — ☎")
                           for i, s in enumerate(draft.safety_steps)),
    )


@pytest.fixture(scope="module")
def drafts(draft_for: Any) -> dict[str, PlanDraft]:
    at_home = draft_for(**AT_HOME_THERAPY_WITH_RISK)
    return {
        "at-home-therapy-with-risk": at_home,
        "alcohol": draft_for(**ALCOHOL),
        "over-a-year": draft_for(**OVER_A_YEAR),
        "edited-by-the-person": edited(at_home),
    }


@pytest.fixture
def valid(drafts: dict[str, PlanDraft]) -> dict[str, Any]:
    """A valid plan dict with something in every section, to break."""
    return copy.deepcopy(drafts["edited-by-the-person"].to_dict())


# --- round trip ------------------------------------------------------------------------------


def test_the_drafts_cover_every_optional_section(drafts: dict[str, PlanDraft]) -> None:
    # The round-trip rows are only worth something if they hold what could be lost.
    at_home, alcohol, old = (drafts["at-home-therapy-with-risk"], drafts["alcohol"],
                             drafts["over-a-year"])
    assert at_home.therapy is not None and at_home.therapy.at_home_rules
    assert at_home.safety_steps and at_home.safety_credit and at_home.harm_reduction
    assert at_home.triggers and at_home.warning_signs and len(at_home.medical) > 3
    assert alcohol.substance == "alcohol" and alcohol.goal == "undecided"
    assert alcohol.therapy is None and alcohol.next_steps[0].because
    assert old.therapy is None and old.harm_reduction == () and old.triggers == ()
    person = drafts["edited-by-the-person"]
    assert person.contacts and person.meetings and person.reasons and person.display_name


@pytest.mark.parametrize(
    "name", ["at-home-therapy-with-risk", "alcohol", "over-a-year", "edited-by-the-person"])
def test_round_trip_is_exact(drafts: dict[str, PlanDraft], name: str) -> None:
    draft = drafts[name]
    data = draft.to_dict()
    text = json.dumps(data)

    back = draft_from_dict(json.loads(text))

    assert back == draft
    assert back.to_dict() == data
    assert json.dumps(back.to_dict()) == text
    assert data["schema"] == "recovery-plan" and data["schema_version"] == 1


def test_reading_does_not_change_its_input(valid: dict[str, Any]) -> None:
    before = copy.deepcopy(valid)
    draft_from_dict(valid)
    assert valid == before

    valid["reasons"][0]["text"] = "x" * 501
    broken = copy.deepcopy(valid)
    with pytest.raises(PlanFormatError):
        draft_from_dict(valid)
    assert valid == broken


def test_limits_themselves_are_allowed(valid: dict[str, Any]) -> None:
    valid["reasons"] = [{"text": "r" * 500, "because": "b" * 500}] * 50
    valid["harm_reduction"] = ["Never alone."] * 50
    valid["display_name"] = "n" * 40
    valid["contacts"][0] = {"name": "c" * 80, "role": "r" * 80, "phone": "0" * 40}
    valid["meetings"][0]["place"] = "p" * 200
    valid["urge_plan"]["delay_minutes"] = 240
    valid["review_date"] = "2028-02-29"
    valid["substance"] = "a" + "_" * 39
    valid["lapse_plan"]["reminder"] = "Line one.\nLine two,\tindented.\r\nThree."

    draft = draft_from_dict(valid)

    assert len(draft.reasons) == 50 and len(draft.harm_reduction) == 50
    assert draft.urge_plan.delay_minutes == 240
    assert draft.lapse_plan.reminder == "Line one.\nLine two,\tindented.\r\nThree."
    assert draft_from_dict(draft.to_dict()) == draft
    valid["urge_plan"]["delay_minutes"] = 1
    assert draft_from_dict(valid).urge_plan.delay_minutes == 1


# --- malformed and hostile files -------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param([], id="list"),
        pytest.param(None, id="null"),
        pytest.param("recovery-plan", id="string"),
        pytest.param(42, id="number"),
    ],
)
def test_not_an_object(data: Any) -> None:
    with pytest.raises(PlanFormatError) as excinfo:
        draft_from_dict(data)

    assert (excinfo.value.place, excinfo.value.message) == ("", "expected an object")
    assert str(excinfo.value) == "expected an object"


DELETE = object()
LONG = "x" * 501
REASON = {"text": "My health", "because": ""}

HOSTILE = [
    # The file itself
    pytest.param(("schema",), "recovery-notes", "schema", "this is not a plan file",
                 id="wrong-schema-name"),
    pytest.param(("schema",), DELETE, "", "missing field 'schema'", id="no-schema"),
    pytest.param(("schema_version",), 2, "schema_version", "unsupported version",
                 id="newer-schema-version"),
    pytest.param(("schema_version",), "1", "schema_version", "unsupported version",
                 id="schema-version-as-text"),
    pytest.param(("schema_version",), True, "schema_version", "unsupported version",
                 id="schema-version-as-bool"),
    pytest.param(("extra",), "x", "", "unknown field 'extra'", id="unknown-top-level-field"),
    pytest.param(("__proto__",), {}, "", "unknown field '__proto__'", id="proto-field"),
    pytest.param(("goal",), DELETE, "", "missing field 'goal'", id="missing-field"),
    pytest.param(("therapy",), DELETE, "", "missing field 'therapy'",
                 id="missing-nullable-field"),
    # Nested objects
    pytest.param(("urge_plan", "colour"), "red", "urge_plan", "unknown field 'colour'",
                 id="unknown-field-in-urge-plan"),
    pytest.param(("triggers", 0, "actions", 0, "url"), "https://example.org",
                 "triggers[0].actions[0]", "unknown field 'url'",
                 id="unknown-field-in-action"),
    pytest.param(("therapy", "notes"), [], "therapy", "unknown field 'notes'",
                 id="unknown-field-in-therapy"),
    pytest.param(("contacts", 0, "phone"), DELETE, "contacts[0]", "missing field 'phone'",
                 id="missing-nested-field"),
    pytest.param(("lapse_plan", "reminder"), DELETE, "lapse_plan", "missing field 'reminder'",
                 id="missing-field-in-lapse-plan"),
    # Wrong types
    pytest.param(("display_name",), 5, "display_name", "expected text", id="int-for-text"),
    pytest.param(("reasons", 0, "text"), 7, "reasons[0].text", "expected text",
                 id="int-for-line-text"),
    pytest.param(("safety_steps", 0, "response"), None, "safety_steps[0].response",
                 "expected text", id="null-for-text"),
    pytest.param(("therapy", "common", 0), ["a"], "therapy.common[0]", "expected text",
                 id="list-for-text-in-therapy"),
    pytest.param(("reasons",), "my health", "reasons", "expected a list", id="str-for-list"),
    pytest.param(("harm_reduction",), {"0": "x"}, "harm_reduction", "expected a list",
                 id="object-for-list"),
    pytest.param(("meetings",), None, "meetings", "expected a list", id="null-for-list"),
    pytest.param(("urge_plan",), [], "urge_plan", "expected an object", id="list-for-object"),
    pytest.param(("therapy",), [], "therapy", "expected an object", id="list-for-therapy"),
    pytest.param(("contacts", 0), "Sam", "contacts[0]", "expected an object",
                 id="str-for-contact"),
    pytest.param(("urge_plan", "delay_minutes"), True, "urge_plan.delay_minutes",
                 "expected a whole number", id="bool-for-delay"),
    pytest.param(("urge_plan", "delay_minutes"), "20", "urge_plan.delay_minutes",
                 "expected a whole number", id="str-for-delay"),
    pytest.param(("urge_plan", "delay_minutes"), 20.5, "urge_plan.delay_minutes",
                 "expected a whole number", id="float-for-delay"),
    # Too long
    pytest.param(("reasons", 0, "text"), LONG, "reasons[0].text",
                 "longer than 500 characters", id="text-too-long"),
    pytest.param(("lapse_plan", "first_day", 0), LONG, "lapse_plan.first_day[0]",
                 "longer than 500 characters", id="lapse-line-too-long"),
    pytest.param(("contacts", 0, "name"), "x" * 81, "contacts[0].name",
                 "longer than 80 characters", id="contact-name-too-long"),
    pytest.param(("display_name",), "x" * 41, "display_name", "longer than 40 characters",
                 id="display-name-too-long"),
    pytest.param(("meetings", 0, "place"), "https://" + "x" * 200, "meetings[0].place",
                 "longer than 200 characters", id="meeting-place-too-long"),
    pytest.param(("reasons",), [REASON] * 51, "reasons", "at most 50 entries",
                 id="list-too-long"),
    pytest.param(("harm_reduction",), ["Never alone."] * 51, "harm_reduction",
                 "at most 50 entries", id="text-list-too-long"),
    pytest.param(("triggers", 0, "actions"), [{"kind": "cope", "text": "t"}] * 51,
                 "triggers[0].actions", "at most 50 entries", id="actions-too-long"),
    pytest.param(("urge_plan", "distractions"), ["Walk"] * 51, "urge_plan.distractions",
                 "at most 50 entries", id="distractions-too-long"),
    # Control characters (newline and tab are fine: see test_limits_themselves_are_allowed)
    pytest.param(("reasons", 0, "text"), "My\x00health", "reasons[0].text",
                 "contains control characters", id="nul"),
    pytest.param(("contacts", 0, "name"), "\x1b[31mSam", "contacts[0].name",
                 "contains control characters", id="escape"),
    pytest.param(("urge_plan", "grounding"), "breathe\x7f", "urge_plan.grounding",
                 "contains control characters", id="delete"),
    pytest.param(("meetings", 0, "place"), "Hall\x0bB", "meetings[0].place",
                 "contains control characters", id="vertical-tab"),
    pytest.param(("safety_steps", 0, "response"), "back\x08space", "safety_steps[0].response",
                 "contains control characters", id="backspace"),
    pytest.param(("reasons", 0, "text"), "red\x9b31m", "reasons[0].text",
                 "contains control characters", id="c1-control-csi"),
    pytest.param(("reasons", 0, "text"), "My\x85health", "reasons[0].text",
                 "contains control characters", id="c1-control-next-line"),
    # Phone numbers
    pytest.param(("contacts", 0, "phone"), "call me", "contacts[0].phone",
                 "a phone number may hold digits, spaces, + ( ) - and . only",
                 id="phone-words"),
    pytest.param(("contacts", 0, "phone"), "javascript:alert(1)", "contacts[0].phone",
                 "a phone number may hold", id="phone-script"),
    pytest.param(("contacts", 0, "phone"), "555 0100; ext 2", "contacts[0].phone",
                 "a phone number may hold", id="phone-extension"),
    pytest.param(("contacts", 0, "phone"), "0" * 41, "contacts[0].phone",
                 "longer than 40 characters", id="phone-too-long"),
    # Line breaks in what the plan forms keep to one line ("$" once let a phone end in one)
    pytest.param(("contacts", 0, "phone"), "555 0100\n", "contacts[0].phone",
                 "must be a single line", id="phone-ending-in-a-newline"),
    pytest.param(("contacts", 0, "phone"), "555\r\n0100", "contacts[0].phone",
                 "must be a single line", id="phone-with-a-line-break"),
    pytest.param(("contacts", 0, "name"), "Sam\nthe sister", "contacts[0].name",
                 "must be a single line", id="contact-name-on-two-lines"),
    pytest.param(("contacts", 0, "role"), "sister\r", "contacts[0].role",
                 "must be a single line", id="contact-role-carriage-return"),
    pytest.param(("display_name",), "Zo\u2028\u00eb", "display_name",
                 "must be a single line", id="display-name-line-separator"),
    pytest.param(("urge_plan", "text_person"), "Sam\n", "urge_plan.text_person",
                 "must be a single line", id="text-person-newline"),
    pytest.param(("meetings", 0, "place"), "Hall B\nRoom 2", "meetings[0].place",
                 "must be a single line", id="meeting-place-newline"),
    pytest.param(("meetings", 0, "time"), "19:00\u2029", "meetings[0].time",
                 "must be a single line", id="meeting-time-paragraph-separator"),
    pytest.param(("triggers", 0, "text"), "Payday\n", "triggers[0].text",
                 "must be a single line", id="trigger-newline"),
    pytest.param(("triggers", 0, "actions", 0, "text"), "Ring\nMum",
                 "triggers[0].actions[0].text", "must be a single line",
                 id="action-newline"),
    pytest.param(("substance_text",), "ketamine\n", "substance_text",
                 "must be a single line", id="substance-text-newline"),
    # Dates
    pytest.param(("review_date",), "2026-02-30", "review_date",
                 "expected a date such as 2026-12-31", id="date-impossible"),
    pytest.param(("review_date",), "2027-02-29", "review_date",
                 "expected a date such as 2026-12-31", id="date-not-leap-year"),
    pytest.param(("review_date",), "tomorrow", "review_date",
                 "expected a date such as 2026-12-31", id="date-words"),
    pytest.param(("review_date",), "2026-1-1", "review_date",
                 "expected a date such as 2026-12-31", id="date-unpadded"),
    pytest.param(("review_date",), "20260101", "review_date",
                 "expected a date such as 2026-12-31", id="date-basic-format"),
    pytest.param(("review_date",), "2026-W05-1", "review_date",
                 "expected a date such as 2026-12-31", id="date-week-format"),
    pytest.param(("review_date",), "2026-03-02T00:00", "review_date",
                 "longer than 10 characters", id="date-with-time"),
    pytest.param(("review_date",), 20260302, "review_date", "expected text",
                 id="date-as-number"),
    # Choices
    pytest.param(("goal",), "quit", "goal", "must be one of stop, cut_down, undecided",
                 id="bad-goal"),
    pytest.param(("goal",), "Stop completely", "goal", "must be one of", id="goal-label"),
    pytest.param(("goal",), ["stop"], "goal", "must be one of", id="goal-list"),
    pytest.param(("triggers", 0, "rank"), "urgent", "triggers[0].rank",
                 "must be one of high, medium, low", id="bad-rank"),
    pytest.param(("triggers", 0, "actions", 0, "kind"), "pray", "triggers[0].actions[0].kind",
                 "must be one of avoid, leave, cope, call", id="bad-action-kind"),
    pytest.param(("meetings", 0, "kind"), "aa", "meetings[0].kind",
                 "must be one of na, smart, other", id="bad-meeting-kind"),
    pytest.param(("crisis_locale",), "usa", "crisis_locale", "longer than 2 characters",
                 id="locale-three-letters"),
    pytest.param(("crisis_locale",), "U1", "crisis_locale",
                 "expected a two-letter country code", id="locale-digit"),
    pytest.param(("crisis_locale",), "us", "crisis_locale",
                 "expected a two-letter country code", id="locale-lowercase"),
    pytest.param(("crisis_locale",), "", "crisis_locale",
                 "expected a two-letter country code", id="locale-empty"),
    pytest.param(("urge_plan", "delay_minutes"), 0, "urge_plan.delay_minutes",
                 "must be between 1 and 240", id="delay-zero"),
    pytest.param(("urge_plan", "delay_minutes"), 241, "urge_plan.delay_minutes",
                 "must be between 1 and 240", id="delay-241"),
    pytest.param(("urge_plan", "delay_minutes"), -20, "urge_plan.delay_minutes",
                 "must be between 1 and 240", id="delay-negative"),
    # Required text
    pytest.param(("reasons", 0, "text"), "  ", "reasons[0].text", "must not be empty",
                 id="empty-reason"),
    pytest.param(("contacts", 0, "name"), "", "contacts[0].name", "must not be empty",
                 id="empty-contact-name"),
    pytest.param(("triggers", 0, "text"), "\n\t", "triggers[0].text", "must not be empty",
                 id="empty-trigger"),
    pytest.param(("triggers", 0, "actions", 0, "text"), " ", "triggers[0].actions[0].text",
                 "must not be empty", id="empty-action"),
    pytest.param(("urge_plan", "distractions", 0), "  ", "urge_plan.distractions[0]",
                 "must not be empty", id="empty-distraction"),
    pytest.param(("lapse_plan", "step_up", 0), "  ", "lapse_plan.step_up[0]",
                 "must not be empty", id="empty-step-up"),
    pytest.param(("medical", 0, "text"), "  ", "medical[0].text", "must not be empty",
                 id="empty-red-flag"),
    pytest.param(("therapy", "call_provider", 0), "  ", "therapy.call_provider[0]",
                 "must not be empty", id="empty-therapy-line"),
    pytest.param(("safety_steps", 0, "prompt"), "  ", "safety_steps[0].prompt",
                 "must not be empty", id="empty-safety-prompt"),
    pytest.param(("substance_text",), "  ", "substance_text", "must not be empty",
                 id="empty-substance-text"),
    pytest.param(("content_version",), "  ", "content_version", "must not be empty",
                 id="empty-content-version"),
    pytest.param(("review_date",), "  ", "review_date", "must not be empty",
                 id="empty-date"),
    # Ids
    pytest.param(("substance",), "Ketamine", "substance", "expected an id",
                 id="substance-capitals"),
    pytest.param(("substance",), "../ketamine", "substance", "expected an id",
                 id="substance-path"),
    pytest.param(("substance",), "", "substance", "expected an id", id="substance-empty"),
    pytest.param(("substance",), 5, "substance", "expected an id", id="substance-number"),
    pytest.param(("substance",), "k" * 41, "substance", "expected an id",
                 id="substance-too-long"),
    pytest.param(("triggers", 0, "kind"), "people & places", "triggers[0].kind",
                 "expected an id", id="trigger-kind-not-an-id"),
]


def changed(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(("path", "value", "place", "message"), HOSTILE)
def test_malformed_plan_is_refused_with_its_place(
        valid: dict[str, Any], path: tuple[str | int, ...], value: Any, place: str,
        message: str) -> None:
    data = changed(valid, path, value)

    with pytest.raises(PlanFormatError) as excinfo:
        draft_from_dict(data)

    error = excinfo.value
    assert error.place == place
    assert message in error.message
    assert str(error) == (f"{place}: {error.message}" if place else error.message)
