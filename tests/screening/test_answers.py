"""clean_answers: strict checking of a whole answer set, and dropping answers the skip logic hides.

Every bad answer set must fail with a Problem that names the item, so the form can point at it.
"""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from recovery.content.model import Content
from recovery.screening.answers import MAX_ITEMS, AnswerError, Problem, clean_answers

CHECKLIST_ITEMS = (
    "c_more_than_meant", "c_cut_down", "c_time_spent", "c_craving", "c_duties",
    "c_relationships", "c_gave_up", "c_hazard", "c_despite_harm", "c_tolerance", "c_withdrawal",
    "w_alone_secret", "w_mood_memory",
)
LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))


def valid_answers(**overrides: Any) -> dict[str, Any]:
    """A complete, valid answer set for a low-risk ketamine user, with `overrides` applied."""
    answers: dict[str, Any] = copy.deepcopy(LOW_RISK_KETAMINE)
    answers.update(overrides)
    return answers


def without(*items: str, **overrides: Any) -> dict[str, Any]:
    answers = valid_answers(**overrides)
    for item in items:
        del answers[item]
    return answers


def problems_of(raw: Any, content: Content) -> list[Problem]:
    with pytest.raises(AnswerError) as excinfo:
        clean_answers(raw, content.questionnaire)
    assert str(excinfo.value)  # the message joins every problem
    return excinfo.value.problems


def test_a_complete_answer_set_is_returned_unchanged(content: Content) -> None:
    answers = valid_answers()

    assert clean_answers(answers, content.questionnaire) == answers


@pytest.mark.parametrize(
    ("raw", "item", "message"),
    [
        pytest.param(valid_answers(bogus="yes"), "bogus", "unknown question id",
                     id="unknown-id"),
        pytest.param(valid_answers(amount=2), "amount", "expected an option id", id="int"),
        pytest.param(valid_answers(amount=True), "amount", "expected an option id", id="bool"),
        pytest.param(valid_answers(amount={"id": "mild"}), "amount", "expected an option id",
                     id="dict-for-single"),
        pytest.param(valid_answers(amount=["mild"]), "amount", "expected an option id",
                     id="list-for-single"),
        pytest.param(valid_answers(seizures=["no"]), "seizures", "expected an option id",
                     id="list-for-yes-no"),
        pytest.param(valid_answers(route="snort"), "route", "expected a list of option ids",
                     id="str-for-multi"),
        pytest.param(valid_answers(route=["snort", 3]), "route", "expected a list of option ids",
                     id="int-inside-multi"),
        pytest.param(valid_answers(route={"snort": True}), "route",
                     "expected a list of option ids", id="dict-for-multi"),
        pytest.param(valid_answers(amount="extreme"), "amount", "not an option here: extreme",
                     id="option-not-in-list"),
        pytest.param(valid_answers(seizures="maybe"), "seizures", "not an option here: maybe",
                     id="yes-no-not-in-list"),
        pytest.param(valid_answers(s_wish_dead="True"), "s_wish_dead", "not an option here",
                     id="safety-not-in-list"),
        pytest.param(valid_answers(m_down="3"), "m_down", "not an option here: 3",
                     id="scale-score-instead-of-option"),
        pytest.param(valid_answers(route=["snort", "teleport"]), "route",
                     "not an option here: teleport", id="multi-option-not-in-list"),
        # Options hidden by their own show_if
        pytest.param(valid_answers(substance="opioids", depressant_daily="no",
                                   prescribed="esketamine"),
                     "prescribed", "not an option here: esketamine",
                     id="esketamine-for-opioids"),
        pytest.param(valid_answers(prescribed="prescribed_other"), "prescribed",
                     "not an option here: prescribed_other",
                     id="generic-prescription-for-ketamine"),
        pytest.param(valid_answers(co_use=["ketamine"]), "co_use", "not an option here: ketamine",
                     id="co-use-of-the-substance-itself"),
        # Exclusive choices
        pytest.param(valid_answers(co_use=["none_of_these", "alcohol"]), "co_use",
                     "'None of these' can't be combined", id="none-of-these-plus-another"),
        pytest.param(valid_answers(medicines=["antidepressant", "not_sure"]), "medicines",
                     "can't be combined", id="not-sure-plus-a-medicine"),
        pytest.param(valid_answers(symptoms=["fever", "none_of_these"]), "symptoms",
                     "can't be combined", id="symptom-plus-none"),
        pytest.param(valid_answers(route=["snort", "snort"]), "route",
                     "an option is chosen twice", id="duplicate-choice"),
        # Missing answers to visible, required questions
        pytest.param(without("amount"), "amount", "an answer is required", id="missing"),
        pytest.param(valid_answers(amount=""), "amount", "an answer is required",
                     id="empty-string"),
        pytest.param(valid_answers(amount=None), "amount", "an answer is required", id="none"),
        pytest.param(valid_answers(route=[]), "route", "an answer is required",
                     id="empty-list"),
        pytest.param(without("s_attempt_ever"), "s_attempt_ever", "an answer is required",
                     id="missing-safety-answer"),
        pytest.param(valid_answers(substance="alcohol"), "depressant_daily",
                     "an answer is required", id="follow-up-opened-by-substance"),
        pytest.param(valid_answers(t_event="yes"), "t_intrusion", "an answer is required",
                     id="follow-up-page-opened-by-answer"),
        pytest.param(valid_answers(s_wish_dead="declined"), "s_now", "an answer is required",
                     id="safety-follow-up-opened-by-declining"),
        pytest.param(valid_answers(prescribed="at_home"), "outside_prescription",
                     "an answer is required", id="prescription-follow-up"),
    ],
)
def test_bad_answer_names_the_item(content: Content, raw: dict[str, Any], item: str,
                                   message: str) -> None:
    problems = problems_of(raw, content)

    assert item in [p.item for p in problems]
    problem = next(p for p in problems if p.item == item)
    assert message in problem.message


def test_every_problem_is_reported_at_once(content: Content) -> None:
    raw = without("readiness", bogus=1, amount="extreme", route="snort")

    problems = problems_of(raw, content)

    assert [p.item for p in problems] == ["bogus", "amount", "route", "readiness"]


def test_a_bad_early_answer_does_not_open_later_questions(content: Content) -> None:
    # An invalid substance is not used for skip logic: the ketamine-only medicines question
    # stays hidden, so only the substance itself is reported.
    problems = problems_of(valid_answers(substance="ketamines"), content)

    assert problems == [Problem("substance", "not an option here: ketamines")]


def test_long_bad_values_are_cut_short_in_messages(content: Content) -> None:
    problems = problems_of(valid_answers(**{"amount": "x" * 5000, "y" * 5000: "no"}), content)

    assert all(len(p.item) <= 60 and len(p.message) <= 300 for p in problems)
    assert {p.item for p in problems} == {"y" * 60, "amount"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(["substance", "ketamine"], "answers must be an object", id="list"),
        pytest.param("substance=ketamine", "answers must be an object", id="str"),
        pytest.param(None, "answers must be an object", id="none"),
        pytest.param({f"item_{i}": "no" for i in range(MAX_ITEMS + 1)},
                     f"too many answers ({MAX_ITEMS + 1})", id="too-many-keys"),
    ],
)
def test_answer_set_problems_name_no_item(content: Content, raw: Any, message: str) -> None:
    problems = problems_of(raw, content)

    assert len(problems) == 1
    assert problems[0].item == ""
    assert message in problems[0].message


# --- answers the skip logic hides are dropped, not errors ----------------------------------


@pytest.mark.parametrize(
    ("raw", "dropped"),
    [
        pytest.param(valid_answers(substance="alcohol", depressant_daily="no"),
                     ["prescribed", "medicines"], id="alcohol-is-not-prescribed-nor-asked-meds"),
        pytest.param(valid_answers(t_intrusion="yes", t_avoid="yes"), ["t_intrusion", "t_avoid"],
                     id="trauma-page-without-event"),
        pytest.param(valid_answers(s_now="yes", s_attempt_recent="yes"),
                     ["s_now", "s_attempt_recent"], id="safety-follow-up-without-risk"),
        pytest.param(valid_answers(outside_prescription="yes"), ["outside_prescription"],
                     id="outside-prescription-when-not-prescribed"),
        pytest.param(valid_answers(co_use_together="yes", depressant_daily="yes"),
                     ["co_use_together", "depressant_daily"], id="mixing-without-co-use"),
        pytest.param(valid_answers(last_use="over_year"),
                     ["prescribed", "frequency", "amount", "duration", "route",
                      *CHECKLIST_ITEMS],
                     id="pattern-and-checklist-after-a-year"),
        # Hidden answers are dropped even when they would be invalid where shown.
        pytest.param(valid_answers(t_intrusion="banana", s_now=["x"]), ["t_intrusion", "s_now"],
                     id="invalid-hidden-answers"),
    ],
)
def test_answers_to_hidden_questions_are_dropped(content: Content, raw: dict[str, Any],
                                                 dropped: list[str]) -> None:
    clean = clean_answers(raw, content.questionnaire)

    for item in dropped:
        assert item in raw
        assert item not in clean
    assert clean == {k: v for k, v in raw.items() if k not in dropped}


def test_changing_an_early_answer_drops_stale_follow_ups(content: Content) -> None:
    with_trauma = valid_answers(t_event="yes", t_intrusion="yes", t_avoid="no", t_guard="no",
                                t_numb="no", t_guilt="no")
    assert clean_answers(with_trauma, content.questionnaire)["t_intrusion"] == "yes"

    changed = {**with_trauma, "t_event": "no"}

    assert "t_intrusion" not in clean_answers(changed, content.questionnaire)


def test_multiple_choice_answers_come_back_as_new_lists(content: Content) -> None:
    raw = valid_answers(route=("snort", "smoke"))  # a tuple is not a list

    assert problems_of(raw, content) == [Problem("route", "expected a list of option ids")]

    route = ["snort", "smoke"]
    clean = clean_answers(valid_answers(route=route), content.questionnaire)
    assert clean["route"] == route and clean["route"] is not route
