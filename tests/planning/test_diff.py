"""What changed between two plan revisions: one row per kind of edit a person makes."""

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import pytest

from recovery.planning.diff import Change, Labels, changed_sections, diff_drafts
from recovery.planning.draft import Action, Contact, Line, Meeting, PlanDraft, Trigger
from recovery.planning.serialize import draft_from_dict

Edit = Callable[[PlanDraft], PlanDraft]
ALONE = "Being alone with ketamine within reach"
HIDING = "Hiding things or telling small lies again"


@pytest.fixture(scope="module")
def base(draft_for: Any) -> PlanDraft:
    """A draft with suggestions (at-home ketamine therapy with doses beyond the prescription,
    using alone, cravings, a suicide-risk flag) and a few of the person's own entries."""
    draft = draft_for(prescribed="at_home", outside_prescription="yes", w_alone_secret="yes",
                      c_craving="yes", s_wish_dead="yes", s_now="no")
    return dataclasses.replace(
        draft,
        reasons=(Line("My health"), Line("My kids")),
        contacts=(Contact("Sam", "sister", "0123 456"),),
        meetings=(Meeting("smart", "SMART Recovery", "Tuesday", "19:00", "Church hall"),),
    )


def test_base_has_what_the_rows_edit(base: PlanDraft) -> None:
    assert base.triggers[0].text == ALONE and base.triggers[0].actions[0].kind == "avoid"
    assert [s.text for s in base.warning_signs] == [HIDING]
    assert base.goal == "stop" and base.display_name == "" and base.crisis_locale == "US"
    assert base.therapy is not None and base.safety_steps and base.harm_reduction
    assert base.review_date == "2026-03-02" and base.urge_plan.delay_minutes == 20


def test_no_changes(base: PlanDraft) -> None:
    assert diff_drafts(base, base) == []
    assert diff_drafts(base, draft_from_dict(base.to_dict())) == []


def replace_first_action(draft: PlanDraft, text: str) -> PlanDraft:
    trigger = draft.triggers[0]
    actions = (Action("avoid", text),) + trigger.actions[1:]
    return dataclasses.replace(
        draft, triggers=(dataclasses.replace(trigger, actions=actions),) + draft.triggers[1:])


def with_safety_response(draft: PlanDraft, response: str) -> PlanDraft:
    first = dataclasses.replace(draft.safety_steps[0], response=response)
    return dataclasses.replace(draft, safety_steps=(first,) + draft.safety_steps[1:])


FIRST_PROMPT = "My warning signs"
FIRST_HARM_REDUCTION = ("Never use alone. Have someone sober with you who knows what you took "
                        "and will call for help if you need it.")
KETAMINE_RED_FLAG = ("Needing to pee often or urgently, or pain when peeing · "
                     "See your primary care doctor within a week or two and say you use ketamine.")


@pytest.mark.parametrize(
    ("edit", "changes"),
    [
        pytest.param(lambda d: dataclasses.replace(d, reasons=d.reasons + (Line("Money"),)),
                     [Change("My reasons", "added", "Money")], id="reason-added"),
        pytest.param(lambda d: dataclasses.replace(d, reasons=d.reasons[:1]),
                     [Change("My reasons", "removed", "My kids")], id="reason-removed"),
        pytest.param(lambda d: dataclasses.replace(
                         d, reasons=(Line("My health"), Line("My children"))),
                     [Change("My reasons", "removed", "My kids"),
                      Change("My reasons", "added", "My children")],
                     id="reason-reworded"),
        pytest.param(lambda d: dataclasses.replace(d, reasons=d.reasons[::-1]),
                     [Change("My reasons", "changed", "The order changed.")],
                     id="reasons-reordered"),
        pytest.param(lambda d: dataclasses.replace(d, triggers=d.triggers[::-1]),
                     [Change("My triggers and what I will do", "changed", "The order changed.")],
                     id="triggers-reordered"),
        pytest.param(lambda d: dataclasses.replace(d, warning_signs=()),
                     [Change("Early warning signs", "removed", HIDING)],
                     id="suggested-warning-sign-removed"),
        pytest.param(lambda d: dataclasses.replace(
                         d, contacts=(Contact("Sam", "sister", "0123 999"),)),
                     [Change("Support contacts", "changed", "Sam · sister · 0123 999",
                             "Sam · sister · 0123 456")], id="contact-phone-changed"),
        pytest.param(lambda d: dataclasses.replace(
                         d, contacts=d.contacts + (Contact("Dr Okafor", "GP"),)),
                     [Change("Support contacts", "added", "Dr Okafor · GP")],
                     id="contact-added"),
        pytest.param(lambda d: dataclasses.replace(d, meetings=()),
                     [Change("Meetings", "removed",
                             "SMART Recovery · SMART Recovery · Tuesday · 19:00 · Church hall")],
                     id="meeting-removed"),
        pytest.param(lambda d: dataclasses.replace(d, next_steps=d.next_steps[1:]),
                     [Change("Treatment next steps", "removed",
                             "Ask for a service that treats mood, anxiety or trauma together "
                             "with substance use.")], id="next-step-removed"),
        pytest.param(lambda d: dataclasses.replace(d, medical=d.medical[1:]),
                     [Change("When to get medical help", "removed", KETAMINE_RED_FLAG)],
                     id="red-flag-removed"),
        pytest.param(lambda d: dataclasses.replace(d, harm_reduction=d.harm_reduction[1:]),
                     [Change("Staying safer if I use", "removed", FIRST_HARM_REDUCTION)],
                     id="harm-reduction-line-removed"),
        pytest.param(lambda d: with_safety_response(d, "I stop answering my phone"),
                     [Change("My safety plan", "changed",
                             f"{FIRST_PROMPT} · I stop answering my phone", FIRST_PROMPT)],
                     id="safety-step-answered"),
        pytest.param(lambda d: dataclasses.replace(d, goal="cut_down"),
                     [Change("My goal", "changed", "Cut down", "Stop completely")],
                     id="goal-stop-to-cut-down"),
        pytest.param(lambda d: dataclasses.replace(d, goal="undecided"),
                     [Change("My goal", "changed", "Not decided yet", "Stop completely")],
                     id="goal-stop-to-undecided"),
        pytest.param(lambda d: dataclasses.replace(d, review_date="2026-04-15"),
                     [Change("Review date", "changed", "2026-04-15", "2026-03-02")],
                     id="review-date"),
        pytest.param(lambda d: dataclasses.replace(d, display_name="Sam"),
                     [Change("Name on the plan", "changed", "Sam", "")], id="name-added"),
        pytest.param(lambda d: dataclasses.replace(d, crisis_locale="GB"),
                     [Change("Crisis lines country", "changed", "GB", "US")],
                     id="crisis-locale"),
    ],
)
def test_changes_by_section(base: PlanDraft, edit: Edit, changes: list[Change]) -> None:
    assert diff_drafts(base, edit(base)) == changes


def test_changed_trigger_action_shows_before_and_after(base: PlanDraft) -> None:
    old_action = base.triggers[0].actions[0].text
    new = replace_first_action(base, "Give what's left to my brother to get rid of.")

    (change,) = diff_drafts(base, new)

    assert (change.section, change.kind) == ("My triggers and what I will do", "changed")
    assert ALONE in change.text and ALONE in change.before
    assert "Give what's left to my brother to get rid of." in change.text
    assert old_action not in change.text
    assert old_action in change.before
    assert "Give what's left" not in change.before
    # The reason for the suggestion is not part of what the person reads as a change.
    assert base.triggers[0].because not in change.text + change.before


def test_changed_urge_plan_shows_before_and_after(base: PlanDraft) -> None:
    new = dataclasses.replace(base, urge_plan=dataclasses.replace(
        base.urge_plan, delay_minutes=30, text_person="Sam"))

    (change,) = diff_drafts(base, new)

    assert (change.section, change.kind) == ("My urge plan", "changed")
    assert change.text.startswith("Wait 30 minutes · Distract myself: ")
    assert change.before.startswith("Wait 20 minutes · ")
    assert change.text.endswith(" · Text or call: Sam") and "Sam" not in change.before


def test_changes_come_in_plan_order(base: PlanDraft) -> None:
    new = dataclasses.replace(base, review_date="2026-04-15", reasons=(Line("Money"),),
                              goal="cut_down", display_name="Sam")

    assert [(c.section, c.kind) for c in diff_drafts(base, new)] == [
        ("Name on the plan", "changed"),
        ("My goal", "changed"),
        ("My reasons", "removed"),
        ("My reasons", "removed"),
        ("My reasons", "added"),
        ("Review date", "changed"),
    ]


def test_diff_in_the_other_direction_mirrors(base: PlanDraft) -> None:
    new = dataclasses.replace(base, reasons=base.reasons + (Line("Money"),), goal="cut_down")

    assert diff_drafts(new, base) == [
        Change("My goal", "changed", "Stop completely", "Cut down"),
        Change("My reasons", "removed", "Money"),
    ]


# --- entries that share their main text ------------------------------------------------------


def test_second_meeting_of_the_same_group_reads_as_added(base: PlanDraft) -> None:
    thursday = Meeting("smart", "SMART Recovery", "Thursday", "19:00", "Church hall")
    new = dataclasses.replace(base, meetings=base.meetings + (thursday,))

    assert diff_drafts(base, new) == [
        Change("Meetings", "added",
               "SMART Recovery · SMART Recovery · Thursday · 19:00 · Church hall")]


def test_second_unnamed_meeting_reads_as_added(base: PlanDraft) -> None:
    # A meeting's name is optional, so two meetings may both have none.
    monday = Meeting("na", day="Monday", place="Library")
    friday = Meeting("smart", day="Friday", place="https://example.org/smart")
    old = dataclasses.replace(base, meetings=(monday,))
    new = dataclasses.replace(base, meetings=(monday, friday))

    assert diff_drafts(old, new) == [
        Change("Meetings", "added", "SMART Recovery · Friday · https://example.org/smart")]


def test_repeated_line_reads_as_added(base: PlanDraft) -> None:
    new = dataclasses.replace(base, reasons=base.reasons + (Line("My health"),))

    assert diff_drafts(base, new) == [Change("My reasons", "added", "My health")]


# --- a section that comes or goes ------------------------------------------------------------


def test_removed_therapy_section_reads_as_removed(base: PlanDraft) -> None:
    new = dataclasses.replace(base, therapy=None)

    (change,) = diff_drafts(base, new)

    assert (change.section, change.kind) == ("Ketamine treatment aftercare", "removed")
    assert "Mild dizziness or nausea" in change.text
    assert "None" not in change.text + change.before


def test_added_therapy_section_reads_as_added(base: PlanDraft) -> None:
    old = dataclasses.replace(base, therapy=None)

    (change,) = diff_drafts(old, base)

    assert (change.section, change.kind) == ("Ketamine treatment aftercare", "added")
    assert "Mild dizziness or nausea" in change.text
    assert "None" not in change.text + change.before


# --- labels, never codes ---------------------------------------------------------------------

LABELS = Labels(trigger_kinds={"places": "Places, things and times", "own": "My own"},
                countries={"US": "United States", "GB": "United Kingdom"})


def test_codes_read_as_their_labels(base: PlanDraft) -> None:
    pub = Trigger("own", "Friday nights at the pub", "medium", (Action("leave", "Go home"),))
    new = dataclasses.replace(base, triggers=base.triggers + (pub,), crisis_locale="GB",
                              meetings=base.meetings + (Meeting("na", "Thursday group"),))

    changes = diff_drafts(base, new, LABELS)

    assert [(c.section, c.kind, c.text, c.before) for c in changes] == [
        ("My triggers and what I will do", "added",
         "Friday nights at the pub · My own · Medium risk · Leave: Go home", ""),
        ("Meetings", "added", "Narcotics Anonymous (NA) · Thursday group", ""),
        ("Crisis lines country", "changed", "United Kingdom", "United States"),
    ]
    parts = {part for c in diff_drafts(new, base, LABELS) + changes
             for text in (c.text, c.before) for part in re.split(r" · |: ", text)}
    assert not parts & {"own", "medium", "na", "leave", "GB", "US"}


def test_changed_sections_names_each_section_once_in_plan_order(base: PlanDraft) -> None:
    new = dataclasses.replace(base, reasons=(Line("Money"),), goal="cut_down",
                              contacts=base.contacts + (Contact("Jo"),))

    assert changed_sections(base, new) == ["My goal", "My reasons", "Support contacts"]
    assert changed_sections(base, base) == []


def test_at_risk_the_safety_plan_comes_first_as_on_the_plan_s_page(base: PlanDraft) -> None:
    """A plan with safety steps (suicide risk was screened) reads them first, so the list of
    changes follows the page and the PDF."""
    assert base.safety_steps
    first = dataclasses.replace(base.safety_steps[0], response="Not sleeping")
    new = dataclasses.replace(base, goal="cut_down",
                              safety_steps=(first, *base.safety_steps[1:]))

    assert [c.section for c in diff_drafts(base, new)] == ["My safety plan", "My goal"]
    assert changed_sections(base, new) == ["My safety plan", "My goal"]
    without = dataclasses.replace(base, safety_steps=())
    assert changed_sections(without, dataclasses.replace(without, goal="cut_down",
                                                         reasons=())) == ["My goal", "My reasons"]
