"""The safety plan's draft (recovery/planning/safety.py): a round trip through a dict is exact,
answers replace each other by step, and anything that is not exactly a safety plan within its
limits is refused (it comes back from a cookie and from the database)."""

import copy
from collections.abc import Callable
from typing import Any

import pytest

from recovery.planning.safety import (
    MAX_CONTACTS,
    MAX_LINE,
    MAX_LINES,
    MAX_NAME,
    SafetyContact,
    SafetyPlanDraft,
    SafetyPlanError,
    StepAnswer,
    draft_from_dict,
)

FULL = SafetyPlanDraft("2026.11-1", "GB", (
    StepAnswer("warning_signs", lines=("Not sleeping", "Staying in my room")),
    StepAnswer("people", contacts=(SafetyContact("Sam", "+44 (0)7700 900123"),
                                   SafetyContact("Aunt Jo"))),
))


def test_a_round_trip_is_exact() -> None:
    assert draft_from_dict(FULL.to_dict()) == FULL
    assert draft_from_dict(copy.deepcopy(FULL.to_dict())).to_dict() == FULL.to_dict()


def test_an_answer_replaces_the_steps_earlier_one_and_an_empty_one_drops_it() -> None:
    changed = FULL.with_answer(StepAnswer("warning_signs", lines=("Drinking alone",)))
    assert changed.answer("warning_signs").lines == ("Drinking alone",)
    assert changed.answer("people") == FULL.answer("people")

    cleared = changed.with_answer(StepAnswer("warning_signs"))
    assert [a.step_id for a in cleared.answers] == ["people"]
    assert cleared.answer("warning_signs").is_empty
    assert SafetyPlanDraft("v", "US").is_empty and not FULL.is_empty


@pytest.mark.parametrize(("phone", "tel"), [
    ("+44 (0)7700 900123", "+447700900123"), ("555-0100", "5550100"), ("", ""),
])
def test_a_phone_number_becomes_a_tel_link(phone: str, tel: str) -> None:
    assert SafetyContact("Sam", phone).tel == tel


def changed(edit: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = copy.deepcopy(FULL.to_dict())
    edit(data)
    return data


def lines(data: dict[str, Any]) -> list[Any]:
    result: list[Any] = data["answers"][0]["lines"]
    return result


def contacts(data: dict[str, Any]) -> list[Any]:
    result: list[Any] = data["answers"][1]["contacts"]
    return result


@pytest.mark.parametrize("data", [
    pytest.param(None, id="not-a-dict"),
    pytest.param(changed(lambda d: d.update(extra=1)), id="unknown-key"),
    pytest.param(changed(lambda d: d.pop("crisis_locale")), id="missing-key"),
    pytest.param(changed(lambda d: d.update(schema="recovery-plan")), id="a-relapse-plan"),
    pytest.param(changed(lambda d: d.update(schema_version=2)), id="a-later-version"),
    pytest.param(changed(lambda d: lines(d).extend(["a", "b"])), id="too-many-lines"),
    pytest.param(changed(lambda d: lines(d).__setitem__(0, "x" * (MAX_LINE + 1))),
                 id="line-too-long"),
    pytest.param(changed(lambda d: lines(d).__setitem__(0, "two\nlines")), id="line-break"),
    pytest.param(changed(lambda d: lines(d).__setitem__(0, "bell\x07")), id="control-char"),
    pytest.param(changed(lambda d: lines(d).__setitem__(0, "")), id="empty-line"),
    pytest.param(changed(lambda d: lines(d).__setitem__(0, 7)), id="line-not-text"),
    pytest.param(changed(lambda d: contacts(d).extend([{"name": "A", "phone": ""}] * 2)),
                 id="too-many-contacts"),
    pytest.param(changed(lambda d: contacts(d)[0].update(name="")), id="contact-without-name"),
    pytest.param(changed(lambda d: contacts(d)[0].update(name="n" * (MAX_NAME + 1))),
                 id="name-too-long"),
    pytest.param(changed(lambda d: contacts(d)[0].update(phone="call me")), id="bad-phone"),
    pytest.param(changed(lambda d: d["answers"].append(d["answers"][0])), id="step-twice"),
    pytest.param(changed(lambda d: d["answers"].append(
        {"step_id": "reasons", "lines": [], "contacts": []})), id="empty-answer"),
    pytest.param(changed(lambda d: d.update(crisis_locale="")), id="no-country"),
])
def test_anything_else_is_refused(data: Any) -> None:
    with pytest.raises(SafetyPlanError):
        draft_from_dict(data)


def test_the_limits_hold_what_a_full_plan_needs() -> None:
    full = SafetyPlanDraft("v", "US", (
        StepAnswer("a", lines=("x" * MAX_LINE,) * MAX_LINES),
        StepAnswer("b", contacts=(SafetyContact("n" * MAX_NAME, "+1 (555) 010-0000"),)
                   * MAX_CONTACTS)))
    assert draft_from_dict(full.to_dict()) == full
