"""The screening engine against the real seeds: bands, caveats, flags, paths and explanations.

Each table row is one clinically meaningful case. Answer sets start from `base_answers()`, a
complete, valid set for a low-risk ketamine user (tests/data/low_risk_ketamine.json), and change
only what the row is about.
"""

import copy
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from recovery.content.conditions import Always
from recovery.content.model import Content
from recovery.screening.answers import AnswerError
from recovery.screening.engine import screen
from recovery.screening.result import EvidenceView, ScreeningResult

# The use checklist in content order; c_withdrawal is last, so "the first n" is the same n items
# for every substance (ketamine never counts c_withdrawal).
CHECKLIST = (
    "c_more_than_meant", "c_cut_down", "c_time_spent", "c_craving", "c_duties",
    "c_relationships", "c_gave_up", "c_hazard", "c_despite_harm", "c_tolerance", "c_withdrawal",
)
CUTOFFS = [(0, 1), (2, 3), (4, 5), (6, None)]
LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))


def base_answers(*, omit: Iterable[str] = (), **overrides: Any) -> dict[str, Any]:
    """A complete, valid answer set for a low-risk ketamine user, with `overrides` applied and
    the items in `omit` removed."""
    answers: dict[str, Any] = copy.deepcopy(LOW_RISK_KETAMINE)
    answers.update(overrides)
    for item in omit:
        answers.pop(item, None)
    return answers


def alcohol_answers(**overrides: Any) -> dict[str, Any]:
    """Alcohol also asks whether depressants are used daily (the mixing step shows)."""
    return base_answers(**{"substance": "alcohol", "depressant_daily": "no", **overrides})


def opioid_answers(**overrides: Any) -> dict[str, Any]:
    return base_answers(**{"substance": "opioids", "depressant_daily": "no", **overrides})


def no_use_answers(**overrides: Any) -> dict[str, Any]:
    """Someone who doesn't use any: only the mood, safety and situation questions remain."""
    kept = ("m_interest", "m_down", "a_nervous", "a_worry", "t_event", "s_wish_dead",
            "s_better_off", "s_thoughts_week", "s_attempt_ever", "housing", "support_person")
    return {"substance": "no_use", **{k: LOW_RISK_KETAMINE[k] for k in kept}, **overrides}


def yes_to(count: int) -> dict[str, str]:
    """'Yes' to the first `count` checklist items."""
    return {item: "yes" for item in CHECKLIST[:count]}


MILD, MODERATE, SEVERE = yes_to(2), yes_to(4), yes_to(6)


def flag_ids(result: ScreeningResult) -> list[str]:
    return [f.id for f in result.flags]


def path_ids(result: ScreeningResult) -> list[str]:
    return [p.id for p in result.paths]


def reasons_for(result: ScreeningResult, path_id: str) -> list[str]:
    path = next((p for p in result.paths if p.id == path_id), None)
    return [r.because for r in path.reasons] if path else []


def rule_text(content: Content, path_id: str, index: int) -> str:
    path = next(p for p in content.paths if p.id == path_id)
    return path.rules[index].because


def test_checklist_order_matches_content(content: Content) -> None:
    # The tables below rely on this order; fail loudly if the seeds change it.
    assert content.scale(content.severity_scale).items == CHECKLIST


def test_base_answers_are_a_low_risk_result(content: Content) -> None:
    result = screen(base_answers(), content)

    assert result.severity.level == "none"
    assert result.flags == ()
    assert path_ids(result) == ["brief_advice", "exercise_nutrition"]
    assert result.crisis_level == "none"


def test_invalid_answers_are_refused(content: Content) -> None:
    with pytest.raises(AnswerError) as excinfo:
        screen(base_answers(omit=["amount"]), content)
    assert [p.item for p in excinfo.value.problems] == ["amount"]


# --- severity bands --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "score", "maximum", "level"),
    [
        pytest.param(base_answers(**yes_to(0)), 0, 10, "none", id="ketamine-0-none"),
        pytest.param(base_answers(**yes_to(1)), 1, 10, "none", id="ketamine-1-none"),
        pytest.param(base_answers(**yes_to(2)), 2, 10, "mild", id="ketamine-2-mild"),
        pytest.param(base_answers(**yes_to(3)), 3, 10, "mild", id="ketamine-3-mild"),
        pytest.param(base_answers(**yes_to(4)), 4, 10, "moderate", id="ketamine-4-moderate"),
        pytest.param(base_answers(**yes_to(5)), 5, 10, "moderate", id="ketamine-5-moderate"),
        pytest.param(base_answers(**yes_to(6)), 6, 10, "severe", id="ketamine-6-severe"),
        # Every item yes, withdrawal included: still 10 of 10, withdrawal is not counted.
        pytest.param(base_answers(**yes_to(11)), 10, 10, "severe", id="ketamine-max-severe"),
        pytest.param(alcohol_answers(**yes_to(0)), 0, 11, "none", id="alcohol-0-none"),
        pytest.param(alcohol_answers(**yes_to(1)), 1, 11, "none", id="alcohol-1-none"),
        pytest.param(alcohol_answers(**yes_to(2)), 2, 11, "mild", id="alcohol-2-mild"),
        pytest.param(alcohol_answers(**yes_to(3)), 3, 11, "mild", id="alcohol-3-mild"),
        pytest.param(alcohol_answers(**yes_to(4)), 4, 11, "moderate", id="alcohol-4-moderate"),
        pytest.param(alcohol_answers(**yes_to(5)), 5, 11, "moderate", id="alcohol-5-moderate"),
        pytest.param(alcohol_answers(**yes_to(6)), 6, 11, "severe", id="alcohol-6-severe"),
        pytest.param(alcohol_answers(**yes_to(11)), 11, 11, "severe", id="alcohol-max-severe"),
        # Withdrawal alone: counted for alcohol, not for ketamine.
        pytest.param(alcohol_answers(c_withdrawal="yes"), 1, 11, "none",
                     id="alcohol-withdrawal-only-counts"),
        pytest.param(base_answers(c_withdrawal="yes"), 0, 10, "none",
                     id="ketamine-withdrawal-only-not-counted"),
    ],
)
def test_severity_bands(content: Content, answers: dict[str, Any], score: int, maximum: int,
                        level: str) -> None:
    severity = screen(answers, content).severity

    assert severity.is_applicable
    assert (severity.score, severity.max, severity.level) == (score, maximum, level)
    assert [(c.min, c.max) for c in severity.cutoffs] == CUTOFFS
    # Each counted point is explained by the answer that earned it.
    assert len(severity.counted) == score
    assert all(e.kind == "answer" and e.values == ("Yes",) for e in severity.counted)


def test_ketamine_checklist_explains_the_missing_withdrawal_item(content: Content) -> None:
    severity = screen(base_answers(), content).severity

    assert [e.items for e in severity.excluded] == [("c_withdrawal",)]
    assert "ketamine" in severity.excluded[0].reason.lower()


def test_counted_answers_read_with_the_substance_filled_in(content: Content) -> None:
    severity = screen(base_answers(c_time_spent="yes"), content).severity

    (counted,) = severity.counted
    assert counted.ref == "c_time_spent"
    assert "getting ketamine" in counted.label
    assert counted.area == "Losing control of use"


# --- prescribed use --------------------------------------------------------------------------

PRESCRIBED_REASON, KETAMINE_REASON = 0, 1  # index into the use checklist's exclusions
BOTH_YES = {"c_tolerance": "yes", "c_withdrawal": "yes"}


@pytest.mark.parametrize(
    ("answers", "score", "maximum", "excluded"),
    [
        pytest.param(base_answers(prescribed="infusion_clinic", outside_prescription="no",
                                  **BOTH_YES),
                     0, 9, [(("c_tolerance", "c_withdrawal"), PRESCRIBED_REASON)],
                     id="ketamine-infusion-as-prescribed"),
        pytest.param(base_answers(prescribed="esketamine", outside_prescription="no",
                                  **BOTH_YES),
                     0, 9, [(("c_tolerance", "c_withdrawal"), PRESCRIBED_REASON)],
                     id="ketamine-esketamine-as-prescribed"),
        pytest.param(base_answers(prescribed="at_home", outside_prescription="no", **BOTH_YES),
                     0, 9, [(("c_tolerance", "c_withdrawal"), PRESCRIBED_REASON)],
                     id="ketamine-at-home-as-prescribed"),
        pytest.param(opioid_answers(prescribed="prescribed_other", outside_prescription="no",
                                    **BOTH_YES),
                     0, 9, [(("c_tolerance", "c_withdrawal"), PRESCRIBED_REASON)],
                     id="opioids-as-prescribed"),
        pytest.param(base_answers(prescribed="infusion_clinic", outside_prescription="yes",
                                  **BOTH_YES),
                     1, 10, [(("c_withdrawal",), KETAMINE_REASON)],
                     id="ketamine-infusion-beyond-prescription"),
        pytest.param(base_answers(prescribed="at_home", outside_prescription="yes", **BOTH_YES),
                     1, 10, [(("c_withdrawal",), KETAMINE_REASON)],
                     id="ketamine-at-home-beyond-prescription"),
        pytest.param(opioid_answers(prescribed="prescribed_other", outside_prescription="yes",
                                    **BOTH_YES),
                     2, 11, [], id="opioids-beyond-prescription"),
        pytest.param(opioid_answers(**BOTH_YES), 2, 11, [], id="opioids-not-prescribed"),
        pytest.param(base_answers(**BOTH_YES), 1, 10, [(("c_withdrawal",), KETAMINE_REASON)],
                     id="ketamine-not-prescribed"),
    ],
)
def test_prescribed_use_excludes_tolerance_and_withdrawal(
    content: Content, answers: dict[str, Any], score: int, maximum: int,
    excluded: list[tuple[tuple[str, ...], int]],
) -> None:
    severity = screen(answers, content).severity
    exclusions = content.scale("use_checklist").exclusions

    assert (severity.score, severity.max) == (score, maximum)
    assert [(e.items, e.reason) for e in severity.excluded] == [
        (items, exclusions[index].reason) for items, index in excluded
    ]


def test_outside_prescription_is_dropped_when_not_prescribed(content: Content) -> None:
    result = screen(base_answers(outside_prescription="no"), content)

    assert "outside_prescription" not in result.answers


# --- no use in the past year -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("readiness", "brief_advice_reasons"),
    [
        pytest.param("preparing", [], id="ready-no-brief-advice"),
        pytest.param("unsure", [2], id="unsure-brief-advice-for-readiness-only"),
        pytest.param("not_ready", [1], id="not-ready-brief-advice-for-readiness-only"),
    ],
)
def test_no_use_in_past_year(content: Content, readiness: str,
                             brief_advice_reasons: list[int]) -> None:
    answers = base_answers(last_use="over_year", readiness=readiness, **yes_to(11))
    result = screen(answers, content)

    assert not result.severity.is_applicable
    assert result.severity.not_applicable
    assert (result.severity.score, result.severity.level, result.severity.counted) == (0, "", ())
    assert [(c.min, c.max) for c in result.severity.cutoffs] == CUTOFFS
    # The pattern and checklist pages are skipped, so their answers are not kept or scored.
    for dropped in (*CHECKLIST, "prescribed", "frequency", "route", "w_alone_secret"):
        assert dropped not in result.answers
    assert "withdrawal_like" not in flag_ids(result)
    assert reasons_for(result, "brief_advice") == [
        rule_text(content, "brief_advice", i) for i in brief_advice_reasons
    ]
    for level_based in ("cbt", "outpatient_aftercare", "peer_support", "mindfulness"):
        assert level_based not in path_ids(result)


# --- flags -----------------------------------------------------------------------------------


def flag_case(case_id: str, flag: str, is_raised: bool, answers: dict[str, Any]) -> Any:
    return pytest.param(answers, flag, is_raised, id=f"{flag}-{'yes' if is_raised else 'no'}-"
                        f"{case_id}")


def safety(**items: Any) -> dict[str, Any]:
    """Safety answers that open the follow-up page (which then needs s_now)."""
    return base_answers(**{"s_now": "no", **items})


FLAG_CASES = [
    # Crisis
    flag_case("thoughts-now", "suicide_risk_now", True, safety(s_wish_dead="yes", s_now="yes")),
    flag_case("attempt-past-3-months", "suicide_risk_now", True,
              safety(s_attempt_ever="yes", s_attempt_recent="yes")),
    flag_case("recent-attempt-declined", "suicide_risk_now", True,
              safety(s_attempt_ever="yes", s_attempt_recent="declined")),
    flag_case("older-attempt", "suicide_risk_now", False,
              safety(s_attempt_ever="yes", s_attempt_recent="no")),
    # Declining to say whether the thoughts are there right now is treated like yes (issue 15).
    flag_case("now-declined", "suicide_risk_now", True,
              safety(s_wish_dead="yes", s_now="declined")),
    flag_case("now-no", "suicide_risk_now", False, safety(s_wish_dead="yes", s_now="no")),
    flag_case("wish-dead", "suicide_risk", True, safety(s_wish_dead="yes")),
    flag_case("better-off", "suicide_risk", True, safety(s_better_off="yes")),
    flag_case("thoughts-week", "suicide_risk", True, safety(s_thoughts_week="yes")),
    flag_case("attempt-ever", "suicide_risk", True,
              safety(s_attempt_ever="yes", s_attempt_recent="no")),
    flag_case("wish-dead-declined", "suicide_risk", True, safety(s_wish_dead="declined")),
    flag_case("better-off-declined", "suicide_risk", True, safety(s_better_off="declined")),
    flag_case("thoughts-week-declined", "suicide_risk", True,
              safety(s_thoughts_week="declined")),
    flag_case("attempt-ever-declined", "suicide_risk", True,
              safety(s_attempt_ever="declined", s_attempt_recent="no")),
    flag_case("all-no", "suicide_risk", False, base_answers()),
    # Medical
    flag_case("chest-pain", "chest_symptoms", True, base_answers(symptoms=["chest_pain"])),
    flag_case("vomiting", "chest_symptoms", False, base_answers(symptoms=["vomiting"])),
    flag_case("blood", "urinary_urgent", True, base_answers(symptoms=["blood_urine"])),
    flag_case("cannot-pee", "urinary_urgent", True, base_answers(symptoms=["cannot_pee"])),
    flag_case("fever-pain", "urinary_urgent", True,
              base_answers(symptoms=["fever", "pee_pain"])),
    flag_case("fever-often", "urinary_urgent", True,
              base_answers(symptoms=["pee_often", "fever"])),
    flag_case("fever-alone", "urinary_urgent", False, base_answers(symptoms=["fever"])),
    flag_case("pain-alone", "urinary_urgent", False, base_answers(symptoms=["pee_pain"])),
    flag_case("ketamine-often", "urinary_ketamine", True, base_answers(symptoms=["pee_often"])),
    flag_case("ketamine-blood", "urinary_ketamine", True,
              base_answers(symptoms=["blood_urine"])),
    flag_case("alcohol-with-ketamine", "urinary_ketamine", True,
              alcohol_answers(co_use=["ketamine"], co_use_together="no", symptoms=["pee_pain"])),
    flag_case("alcohol-only", "urinary_ketamine", False,
              alcohol_answers(symptoms=["pee_often"])),
    flag_case("ketamine-fever-only", "urinary_ketamine", False, base_answers(symptoms=["fever"])),
    flag_case("alcohol", "urinary_other", True, alcohol_answers(symptoms=["pee_often"])),
    flag_case("ketamine-gets-its-own", "urinary_other", False,
              base_answers(symptoms=["pee_often"])),
    flag_case("alcohol-blood-only", "urinary_other", False,
              alcohol_answers(symptoms=["blood_urine"])),
    flag_case("belly-pain", "abdominal_liver", True, base_answers(symptoms=["belly_pain"])),
    flag_case("yellow-skin", "abdominal_liver", True, base_answers(symptoms=["yellow_skin"])),
    flag_case("vomiting", "abdominal_liver", False, base_answers(symptoms=["vomiting"])),
    flag_case("vomiting", "severe_vomiting", True, base_answers(symptoms=["vomiting"])),
    flag_case("belly-pain", "severe_vomiting", False, base_answers(symptoms=["belly_pain"])),
    flag_case("psychosis", "lasting_psychosis", True,
              base_answers(symptoms=["lasting_psychosis"])),
    flag_case("chest-pain", "lasting_psychosis", False, base_answers(symptoms=["chest_pain"])),
    flag_case("ketamine", "seizure_history_ketamine", True, base_answers(seizures="yes")),
    flag_case("alcohol-with-ketamine", "seizure_history_ketamine", True,
              alcohol_answers(co_use=["ketamine"], co_use_together="no", seizures="yes")),
    flag_case("alcohol-only", "seizure_history_ketamine", False,
              alcohol_answers(seizures="yes")),
    flag_case("no-seizures", "seizure_history_ketamine", False, base_answers(seizures="no")),
    flag_case("alcohol", "seizure_history", True, alcohol_answers(seizures="yes")),
    flag_case("ketamine-gets-its-own", "seizure_history", False, base_answers(seizures="yes")),
    flag_case("inject", "injecting", True, base_answers(route=["snort", "inject"])),
    flag_case("snort-smoke", "injecting", False, base_answers(route=["snort", "smoke"])),
    # Mixing
    flag_case("ketamine-alcohol-together", "depressant_mixing", True,
              base_answers(co_use=["alcohol"], co_use_together="yes", depressant_daily="no")),
    flag_case("ketamine-ghb-together", "depressant_mixing", True,
              base_answers(co_use=["other_depressants"], co_use_together="yes",
                           depressant_daily="no")),
    flag_case("alcohol-cannabis-together", "depressant_mixing", True,
              alcohol_answers(co_use=["cannabis"], co_use_together="yes")),
    flag_case("ketamine-alcohol-apart", "depressant_mixing", False,
              base_answers(co_use=["alcohol"], co_use_together="no", depressant_daily="no")),
    flag_case("ketamine-cannabis-together", "depressant_mixing", False,
              base_answers(co_use=["cannabis"], co_use_together="yes")),
    flag_case("ketamine-stimulants-together", "stimulant_mixing", True,
              base_answers(co_use=["stimulants"], co_use_together="yes")),
    flag_case("stimulants-cannabis-together", "stimulant_mixing", True,
              base_answers(substance="stimulants", co_use=["cannabis"], co_use_together="yes")),
    flag_case("ketamine-stimulants-apart", "stimulant_mixing", False,
              base_answers(co_use=["stimulants"], co_use_together="no")),
    flag_case("ketamine-cannabis-together", "stimulant_mixing", False,
              base_answers(co_use=["cannabis"], co_use_together="yes")),
    flag_case("alcohol-daily", "depressant_dependence", True,
              alcohol_answers(depressant_daily="yes")),
    flag_case("ketamine-with-daily-benzos", "depressant_dependence", True,
              base_answers(co_use=["benzodiazepines"], co_use_together="no",
                           depressant_daily="yes")),
    flag_case("alcohol-not-daily", "depressant_dependence", False, alcohol_answers()),
    # Medicines that interact with ketamine
    flag_case("antidepressant", "interaction_antidepressant", True,
              base_answers(medicines=["antidepressant"])),
    flag_case("antihistamine", "interaction_antidepressant", False,
              base_answers(medicines=["sedating_antihistamine"])),
    flag_case("alcohol-not-asked", "interaction_antidepressant", False,
              alcohol_answers(medicines=["antidepressant"])),
    flag_case("benzo", "interaction_benzodiazepine", True,
              base_answers(medicines=["benzo_medicine"])),
    flag_case("opioid-painkiller", "interaction_benzodiazepine", False,
              base_answers(medicines=["opioid_painkiller"])),
    flag_case("antihistamine", "interaction_antihistamine", True,
              base_answers(medicines=["sedating_antihistamine"])),
    flag_case("antidepressant", "interaction_antihistamine", False,
              base_answers(medicines=["antidepressant"])),
    flag_case("macrolide", "interaction_macrolide", True, base_answers(medicines=["macrolide"])),
    flag_case("rifampicin", "interaction_macrolide", False,
              base_answers(medicines=["rifampicin"])),
    flag_case("rifampicin", "interaction_rifampicin", True,
              base_answers(medicines=["rifampicin"])),
    flag_case("macrolide", "interaction_rifampicin", False,
              base_answers(medicines=["macrolide"])),
    flag_case("theophylline", "interaction_listed", True,
              base_answers(medicines=["theophylline"])),
    flag_case("seizure-medicine", "interaction_listed", True,
              base_answers(medicines=["seizure_medicine"])),
    flag_case("opioid-painkiller", "interaction_listed", True,
              base_answers(medicines=["opioid_painkiller"])),
    flag_case("phenothiazine", "interaction_listed", True,
              base_answers(medicines=["phenothiazine"])),
    flag_case("benzo", "interaction_listed", False, base_answers(medicines=["benzo_medicine"])),
    flag_case("heart-bp", "interaction_heart", True, base_answers(medicines=["heart_bp"])),
    flag_case("adhd", "interaction_heart", True, base_answers(medicines=["adhd_stimulant"])),
    flag_case("theophylline", "interaction_heart", False,
              base_answers(medicines=["theophylline"])),
    flag_case("not-sure", "interaction_unknown", True, base_answers(medicines=["not_sure"])),
    flag_case("none", "interaction_unknown", False, base_answers(medicines=["none_of_these"])),
    # Co-occurring mood, anxiety and trauma: raised at 3 of 6 (or 3 of 5)
    flag_case("score-2", "mood_raised", False,
              base_answers(m_interest="several_days", m_down="several_days")),
    flag_case("score-3", "mood_raised", True,
              base_answers(m_interest="most_days", m_down="several_days")),
    flag_case("score-3-one-item", "mood_raised", True,
              base_answers(m_interest="not_at_all", m_down="nearly_every_day")),
    flag_case("score-2", "anxiety_raised", False,
              base_answers(a_nervous="most_days", a_worry="not_at_all")),
    flag_case("score-3", "anxiety_raised", True,
              base_answers(a_nervous="several_days", a_worry="most_days")),
    flag_case("score-2", "trauma_raised", False,
              base_answers(t_event="yes", t_intrusion="yes", t_avoid="yes", t_guard="no",
                           t_numb="no", t_guilt="no")),
    flag_case("score-3", "trauma_raised", True,
              base_answers(t_event="yes", t_intrusion="yes", t_avoid="yes", t_guard="yes",
                           t_numb="no", t_guilt="no")),
    flag_case("no-event-answers-dropped", "trauma_raised", False,
              base_answers(t_event="no", t_intrusion="yes", t_avoid="yes", t_guard="yes",
                           t_numb="yes", t_guilt="yes")),
    # Warning signs
    flag_case("alone", "using_alone", True, base_answers(w_alone_secret="yes")),
    flag_case("not-alone", "using_alone", False, base_answers(w_alone_secret="no")),
    flag_case("ketamine-not-counted", "withdrawal_like", True, base_answers(c_withdrawal="yes")),
    flag_case("no", "withdrawal_like", False, base_answers(c_withdrawal="no")),
    flag_case("taken-as-prescribed", "withdrawal_like", False,
              base_answers(prescribed="infusion_clinic", outside_prescription="no",
                           c_withdrawal="yes")),
    flag_case("over-a-year-ago", "withdrawal_like", False,
              base_answers(last_use="over_year", c_withdrawal="yes")),
    flag_case("yes", "mood_memory", True, base_answers(w_mood_memory="yes")),
    flag_case("no", "mood_memory", False, base_answers(w_mood_memory="no")),
    flag_case("daily-for-years", "near_daily_use", True,
              base_answers(frequency="daily", duration="years_1_3")),
    flag_case("daily-beyond-prescription", "near_daily_use", True,
              base_answers(frequency="daily", duration="years_3_plus", prescribed="at_home",
                           outside_prescription="yes")),
    flag_case("daily-as-prescribed", "near_daily_use", False,
              base_answers(frequency="daily", duration="years_3_plus", prescribed="at_home",
                           outside_prescription="no")),
    flag_case("daily-under-6-months", "near_daily_use", False,
              base_answers(frequency="daily", duration="months_0_6")),
    flag_case("blackout", "heavy_dosing", True, base_answers(amount="blackout")),
    flag_case("heavy", "heavy_dosing", False, base_answers(amount="heavy")),
    # Prescribed treatment (tests/screening/test_clinical_use_status.py has whole persons)
    flag_case("clinic-as-prescribed", "as_prescribed", True,
              base_answers(prescribed="infusion_clinic", outside_prescription="no",
                           c_tolerance="yes")),
    flag_case("as-prescribed-mild-signs", "as_prescribed", False,
              base_answers(prescribed="infusion_clinic", outside_prescription="no", **MILD)),
    flag_case("not-prescribed", "as_prescribed", False, base_answers()),
    flag_case("extra-doses", "beyond_prescription", True,
              base_answers(prescribed="at_home", outside_prescription="yes")),
    flag_case("as-prescribed", "beyond_prescription", False,
              base_answers(prescribed="at_home", outside_prescription="no")),
    flag_case("esketamine", "therapy_session_safety", True,
              base_answers(prescribed="esketamine", outside_prescription="yes")),
    flag_case("not-prescribed", "therapy_session_safety", False, base_answers()),
    flag_case("at-home", "at_home_session_safety", True,
              base_answers(prescribed="at_home", outside_prescription="no")),
    flag_case("clinic", "at_home_session_safety", False,
              base_answers(prescribed="infusion_clinic", outside_prescription="no")),
]


@pytest.mark.parametrize(("answers", "flag_id", "is_raised"), FLAG_CASES)
def test_flag(content: Content, answers: dict[str, Any], flag_id: str, is_raised: bool) -> None:
    result = screen(answers, content)

    assert (flag_id in flag_ids(result)) is is_raised
    if is_raised:
        flag = next(f for f in result.flags if f.id == flag_id)
        rule = next(f for f in content.flags if f.id == flag_id)
        assert flag.because == rule.because
        assert flag.evidence, "a raised flag says which answers raised it"


def test_every_flag_has_a_raising_and_a_quiet_case(content: Content) -> None:
    covered = {(p.values[1], p.values[2]) for p in FLAG_CASES}
    missing = [
        (flag.id, is_raised)
        for flag in content.flags
        for is_raised in (True, False)
        if (flag.id, is_raised) not in covered
    ]
    assert missing == []


# --- treatment paths -------------------------------------------------------------------------


def path_case(case_id: str, path: str, rule: int | None, answers: dict[str, Any]) -> Any:
    return pytest.param(answers, path, rule, id=f"{path}-{rule}-{case_id}")


PATH_CASES = [
    path_case("alcohol-daily", "supervised_withdrawal", 0,
              alcohol_answers(depressant_daily="yes")),
    path_case("mixing-downers-moderate", "supervised_withdrawal", 1,
              base_answers(co_use=["alcohol"], co_use_together="yes", depressant_daily="no",
                           **MODERATE)),
    path_case("lasting-psychosis", "supervised_withdrawal", 2,
              base_answers(symptoms=["lasting_psychosis"])),
    path_case("severe-withdrawal", "supervised_withdrawal", 3,
              base_answers(c_withdrawal="yes", **SEVERE)),
    path_case("severe-unstable-housing", "residential", 0,
              base_answers(housing="unstable", **SEVERE)),
    path_case("severe-no-home", "residential", 0, base_answers(housing="no_home", **SEVERE)),
    path_case("severe-people-using", "residential", 0,
              base_answers(people_using="yes", **SEVERE)),
    path_case("severe-relapsed-after-outpatient", "residential", 1,
              base_answers(past_treatment=["outpatient", "peer_group"], relapsed="yes",
                           **SEVERE)),
    path_case("extra-doses", "prescriber_review", 0,
              base_answers(prescribed="infusion_clinic", outside_prescription="yes")),
    path_case("no-use-mood", "mental_health_care", 0,
              no_use_answers(m_interest="most_days", m_down="several_days")),
    path_case("as-prescribed-anxiety", "mental_health_care", 1,
              base_answers(prescribed="esketamine", outside_prescription="no",
                           a_nervous="nearly_every_day", a_worry="not_at_all")),
    path_case("no-use-trauma", "mental_health_care", 2,
              no_use_answers(t_event="yes", t_intrusion="yes", t_avoid="yes", t_guard="yes",
                             t_numb="no", t_guilt="no")),
    path_case("no-use-suicide-risk", "mental_health_care", 3,
              no_use_answers(s_wish_dead="yes", s_now="no")),
    path_case("mood", "dual_diagnosis", 0,
              base_answers(m_interest="most_days", m_down="several_days")),
    path_case("anxiety", "dual_diagnosis", 1,
              base_answers(a_nervous="nearly_every_day", a_worry="not_at_all")),
    path_case("trauma", "dual_diagnosis", 2,
              base_answers(t_event="yes", t_intrusion="yes", t_avoid="yes", t_guard="yes",
                           t_numb="no", t_guilt="no")),
    path_case("suicide-risk", "dual_diagnosis", 3, safety(s_wish_dead="yes")),
    path_case("suicide-risk-now", "dual_diagnosis", 3, safety(s_wish_dead="yes", s_now="yes")),
    path_case("severe", "outpatient_aftercare", 0, base_answers(**SEVERE)),
    path_case("moderate", "outpatient_aftercare", 1, base_answers(**MODERATE)),
    path_case("after-detox", "outpatient_aftercare", 2, alcohol_answers(depressant_daily="yes")),
    path_case("after-residential", "outpatient_aftercare", 2,
              base_answers(housing="unstable", **SEVERE)),
    path_case("moderate", "cbt", 0, base_answers(**MODERATE)),
    path_case("mild-craving", "cbt", 1, base_answers(c_craving="yes", **MILD)),
    path_case("none-level", "brief_advice", 0, base_answers()),
    path_case("mild", "brief_advice", 0, base_answers(**MILD)),
    path_case("unsure", "brief_advice", 2, base_answers(readiness="unsure")),
    path_case("not-ready", "brief_advice", 1, base_answers(readiness="not_ready", **SEVERE)),
    path_case("mild", "peer_support", 0, base_answers(**MILD)),
    path_case("relapsed", "peer_support", 1, base_answers(relapsed="yes")),
    path_case("no-support-person", "peer_support", 2, base_answers(support_person="no")),
    path_case("relationships", "family_therapy", 0, base_answers(c_relationships="yes")),
    path_case("people-using-mild", "family_therapy", 1, base_answers(people_using="yes", **MILD)),
    path_case("mild", "mindfulness", 0, base_answers(**MILD)),
    path_case("anxiety", "mindfulness", 1, base_answers(a_nervous="most_days",
                                                        a_worry="several_days")),
    path_case("mood", "mindfulness", 1, base_answers(m_interest="nearly_every_day")),
    path_case("low-risk", "exercise_nutrition", 0, base_answers()),
    path_case("chest-pain", "medical_care", 0, base_answers(symptoms=["chest_pain"])),
    path_case("blood-in-urine", "medical_care", 0, base_answers(symptoms=["blood_urine"])),
    path_case("liver", "medical_care", 0, base_answers(symptoms=["yellow_skin"])),
    path_case("vomiting", "medical_care", 0, base_answers(symptoms=["vomiting"])),
    path_case("ketamine-bladder", "medical_care", 1, base_answers(symptoms=["pee_pain"])),
    path_case("daily-for-years", "medical_care", 2,
              base_answers(frequency="daily", duration="years_3_plus")),
    path_case("daily-for-months", "medical_care", 2,
              base_answers(frequency="daily", duration="months_6_12")),
    path_case("unstable-none-level", "housing_support", 0, base_answers(housing="unstable")),
    path_case("no-home-severe", "housing_support", 0, base_answers(housing="no_home", **SEVERE)),
    path_case("mild-preparing", "cbt", 2, base_answers(readiness="preparing", **MILD)),
    path_case("mild-changing", "peer_support", 3, base_answers(readiness="changing", **MILD)),
    path_case("no-use-in-a-year", "exercise_nutrition", 0, base_answers(last_use="over_year")),
]

# Close cases where a rule must NOT hold (rule None: the path must not be recommended at all).
PATH_NEGATIVE_CASES = [
    path_case("alcohol-not-daily", "supervised_withdrawal", None, alcohol_answers()),
    path_case("mixing-downers-mild", "supervised_withdrawal", 1,
              base_answers(co_use=["alcohol"], co_use_together="yes", depressant_daily="no",
                           **MILD)),
    path_case("moderate-withdrawal", "supervised_withdrawal", 3,
              base_answers(c_withdrawal="yes", **MODERATE)),
    path_case("severe-stable-home", "residential", None, base_answers(**SEVERE)),
    path_case("moderate-unstable-housing", "residential", None,
              base_answers(housing="unstable", **MODERATE)),
    path_case("severe-outpatient-not-relapsed", "residential", 1,
              base_answers(past_treatment=["outpatient"], relapsed="no", **SEVERE)),
    path_case("severe-relapsed-no-outpatient", "residential", 1,
              base_answers(past_treatment=["peer_group"], relapsed="yes", **SEVERE)),
    path_case("as-prescribed", "prescriber_review", None,
              base_answers(prescribed="infusion_clinic", outside_prescription="no")),
    path_case("user-with-low-mood", "mental_health_care", None,
              base_answers(m_interest="most_days", m_down="several_days")),
    path_case("no-use-low-mood", "dual_diagnosis", None,
              no_use_answers(m_interest="most_days", m_down="several_days")),
    path_case("as-prescribed-low-mood", "dual_diagnosis", None,
              base_answers(prescribed="at_home", outside_prescription="no",
                           m_interest="most_days", m_down="several_days")),
    path_case("as-prescribed-lasting-psychosis", "supervised_withdrawal", None,
              base_answers(prescribed="infusion_clinic", outside_prescription="no",
                           symptoms=["lasting_psychosis"])),
    path_case("as-prescribed", "brief_advice", None,
              base_answers(prescribed="infusion_clinic", outside_prescription="no")),
    path_case("as-prescribed-no-support-person", "peer_support", None,
              base_answers(prescribed="infusion_clinic", outside_prescription="no",
                           support_person="no", relapsed="yes")),
    path_case("no-use-no-support-person", "peer_support", None,
              no_use_answers(support_person="no")),
    path_case("mood-score-2", "dual_diagnosis", None,
              base_answers(m_interest="several_days", m_down="several_days")),
    path_case("mild", "outpatient_aftercare", None, base_answers(**MILD)),
    path_case("severe-is-not-moderate", "outpatient_aftercare", 1, base_answers(**SEVERE)),
    path_case("none-level", "cbt", None, base_answers()),
    path_case("none-level-craving", "cbt", None, base_answers(c_craving="yes")),
    path_case("mild-no-craving", "cbt", None, base_answers(readiness="unsure", **MILD)),
    path_case("none-level-preparing", "cbt", None, base_answers(readiness="preparing")),
    path_case("mild-changing-low-risk", "peer_support", 3,
              base_answers(readiness="preparing", **MILD)),
    path_case("daily-for-weeks", "medical_care", None,
              base_answers(frequency="daily", duration="months_0_6")),
    path_case("several-times-a-week-for-years", "medical_care", None,
              base_answers(frequency="several_weekly", duration="years_3_plus")),
    path_case("daily-downers", "medical_care", 2,
              base_answers(frequency="daily", duration="years_1_3", co_use=["alcohol"],
                           co_use_together="no", depressant_daily="yes")),
    path_case("stable-home", "housing_support", None, base_answers(housing="stable")),
    path_case("medical-care-first", "brief_advice", 0,
              base_answers(symptoms=["pee_often"])),
    path_case("moderate", "brief_advice", None, base_answers(**MODERATE)),
    path_case("low-risk", "peer_support", None, base_answers()),
    path_case("people-using-none-level", "family_therapy", None,
              base_answers(people_using="yes")),
    path_case("low-risk", "mindfulness", None, base_answers()),
]


@pytest.mark.parametrize(("answers", "path_id", "rule"), PATH_CASES)
def test_path_rule_holds(content: Content, answers: dict[str, Any], path_id: str,
                         rule: int) -> None:
    result = screen(answers, content)

    assert path_id in path_ids(result)
    assert rule_text(content, path_id, rule) in reasons_for(result, path_id)


@pytest.mark.parametrize(("answers", "path_id", "rule"), PATH_NEGATIVE_CASES)
def test_path_rule_does_not_hold(content: Content, answers: dict[str, Any], path_id: str,
                                 rule: int | None) -> None:
    result = screen(answers, content)

    if rule is None:
        assert path_id not in path_ids(result)
    else:
        assert rule_text(content, path_id, rule) not in reasons_for(result, path_id)


def test_every_path_rule_has_a_case(content: Content) -> None:
    covered = {(p.values[1], p.values[2]) for p in PATH_CASES}
    missing = [
        (path.id, index)
        for path in content.paths
        for index in range(len(path.rules))
        if (path.id, index) not in covered
    ]
    assert missing == []


def test_daily_depressants_put_supervised_withdrawal_first(content: Content) -> None:
    result = screen(alcohol_answers(depressant_daily="yes"), content)

    first = result.paths[0]
    assert (first.id, first.rank) == ("supervised_withdrawal", 1)
    assert first.reasons[0].because == rule_text(content, "supervised_withdrawal", 0)
    assert [(e.kind, e.ref) for e in first.reasons[0].evidence] == [
        ("flag", "depressant_dependence")
    ]


def test_moderate_use_recommends_outpatient_and_cbt_not_brief_advice(content: Content) -> None:
    ids = path_ids(screen(base_answers(**MODERATE), content))

    assert {"outpatient_aftercare", "cbt"} <= set(ids)
    assert "brief_advice" not in ids
    assert "residential" not in ids


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(base_answers(), id="low-risk"),
        pytest.param(base_answers(last_use="over_year"), id="no-use-in-a-year"),
        pytest.param(base_answers(**MODERATE), id="moderate"),
        pytest.param(alcohol_answers(depressant_daily="yes"), id="alcohol-daily"),
        pytest.param(
            base_answers(housing="unstable", relapsed="yes", people_using="yes",
                         support_person="no", c_withdrawal="yes",
                         m_interest="nearly_every_day", a_worry="nearly_every_day",
                         symptoms=["lasting_psychosis"], **SEVERE),
            id="severe-with-everything",
        ),
    ],
)
def test_paths_are_ranked_in_content_order(content: Content, answers: dict[str, Any]) -> None:
    result = screen(answers, content)
    content_order = [p.id for p in content.paths]

    assert [p.rank for p in result.paths] == list(range(1, len(result.paths) + 1))
    ids = path_ids(result)
    assert ids == sorted(ids, key=content_order.index)
    assert ids[-1] == "exercise_nutrition"  # always recommended, and listed last


# --- crisis ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "crisis_level"),
    [
        pytest.param(base_answers(), "none", id="no-risk"),
        pytest.param(safety(s_wish_dead="yes"), "today", id="wish-dead"),
        pytest.param(safety(s_thoughts_week="declined"), "today", id="declined-to-answer"),
        pytest.param(safety(s_attempt_ever="yes", s_attempt_recent="no"), "today",
                     id="older-attempt"),
        pytest.param(safety(s_wish_dead="yes", s_now="yes"), "emergency", id="thoughts-now"),
        pytest.param(safety(s_attempt_ever="yes", s_attempt_recent="yes"), "emergency",
                     id="attempt-past-3-months"),
        # A medical emergency is not a suicide crisis.
        pytest.param(base_answers(symptoms=["chest_pain"]), "none", id="chest-pain-only"),
    ],
)
def test_crisis_level(content: Content, answers: dict[str, Any], crisis_level: str) -> None:
    result = screen(answers, content)

    assert result.crisis_level == crisis_level
    assert result.is_at_risk is (crisis_level != "none")
    assert bool(result.flags_of("crisis")) is result.is_at_risk


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(safety(s_wish_dead="yes", symptoms=["pee_often"]), id="today-and-soon"),
        pytest.param(safety(s_wish_dead="yes", symptoms=["blood_urine", "belly_pain"]),
                     id="today-and-today"),
        pytest.param(safety(s_wish_dead="yes", s_now="yes", symptoms=["chest_pain"]),
                     id="emergency-and-emergency"),
        pytest.param(safety(s_wish_dead="yes", symptoms=["chest_pain"]),
                     id="today-and-medical-emergency"),
    ],
)
def test_crisis_flags_come_before_medical_flags(content: Content,
                                                answers: dict[str, Any]) -> None:
    kinds = [f.kind for f in screen(answers, content).flags]

    assert "crisis" in kinds and "medical" in kinds
    last_crisis = max(i for i, kind in enumerate(kinds) if kind == "crisis")
    first_medical = kinds.index("medical")
    assert last_crisis < first_medical, kinds


def test_medical_flags_are_sorted_by_urgency(content: Content) -> None:
    answers = base_answers(symptoms=["pee_often", "vomiting", "chest_pain"], seizures="yes")
    urgencies = [f.urgency for f in screen(answers, content).flags if f.kind == "medical"]

    assert urgencies == ["emergency", "today", "soon", "soon"]


# --- explanations ----------------------------------------------------------------------------

EVERYTHING = base_answers(
    **yes_to(11), w_alone_secret="yes", w_mood_memory="yes", amount="blackout",
    route=["snort", "inject"], co_use=["alcohol", "stimulants"], co_use_together="yes",
    depressant_daily="yes", medicines=["antidepressant", "macrolide", "heart_bp"],
    symptoms=["pee_pain", "fever", "chest_pain", "belly_pain", "lasting_psychosis"],
    seizures="yes", m_interest="nearly_every_day", m_down="most_days", a_nervous="most_days",
    a_worry="most_days", t_event="yes", t_intrusion="yes", t_avoid="yes", t_guard="yes",
    t_numb="yes", t_guilt="yes", s_wish_dead="yes", s_now="no", housing="unstable",
    readiness="unsure", past_treatment=["outpatient"], relapsed="yes", people_using="yes",
    support_person="no",
)


def test_every_flag_and_path_explains_itself(content: Content) -> None:
    result = screen(EVERYTHING, content)
    items = content.questionnaire.items
    always_rules = {r.because for p in content.paths for r in p.rules if r.when == Always()}

    assert len(result.flags) >= 15 and len(result.paths) >= 8  # the case really is broad
    evidence: list[EvidenceView] = []
    for flag in result.flags:
        assert flag.because.strip(), flag.id
        assert flag.evidence, flag.id
        evidence.extend(flag.evidence)
    for path in result.paths:
        assert path.reasons, path.id
        for reason in path.reasons:
            assert reason.because.strip(), path.id
            assert reason.evidence or reason.because in always_rules, path.id
            evidence.extend(reason.evidence)
    for view in evidence:
        assert view.label.strip() and "{substance}" not in view.label, view
        if view.kind == "answer":
            assert view.ref in items, view
            assert view.values, view
            assert set(view.values) <= {o.label for o in items[view.ref].options}, view


@pytest.mark.parametrize(
    ("answers", "flag_id", "expected"),
    [
        pytest.param(
            alcohol_answers(depressant_daily="yes"), "depressant_dependence",
            [("answer", "depressant_daily", ("Yes",))], id="daily-depressants",
        ),
        pytest.param(
            base_answers(symptoms=["fever", "blood_urine", "pee_pain"]), "urinary_urgent",
            [
                ("answer", "symptoms", ("Blood in your pee",)),
                ("answer", "symptoms", ("A fever or chills",)),
                ("answer", "symptoms", (
                    "Pain when peeing, or pain low in your belly when your bladder is full",)),
            ],
            id="urgent-bladder-every-reason",
        ),
        pytest.param(
            # s_now is only asked after another safety answer, so it adds to the evidence.
            safety(s_wish_dead="yes", s_now="declined"), "suicide_risk_now",
            [("answer", "s_now", ("I'd rather not answer",))],
            id="suicide-risk-declined-now",
        ),
        pytest.param(
            base_answers(m_interest="most_days", m_down="several_days"), "mood_raised",
            [("score", "mood", ("3 of 6 (Raised)",))], id="mood-score",
        ),
        pytest.param(
            base_answers(co_use=["alcohol", "stimulants"], co_use_together="yes",
                         depressant_daily="no"),
            "stimulant_mixing",
            [("answer", "co_use_together", ("Yes",)), ("answer", "co_use", ("Stimulants "
              "(cocaine, amphetamine, meth or MDMA)",))],
            id="stimulant-mixing",
        ),
        pytest.param(
            base_answers(symptoms=["pee_often"]), "urinary_ketamine",
            [
                ("answer", "symptoms", (
                    "Needing to pee much more often, or more urgently, than usual",)),
                ("answer", "substance", ("Ketamine (also called K, ket or special K)",)),
            ],
            id="ketamine-bladder",
        ),
    ],
)
def test_flag_evidence_names_the_answers(content: Content, answers: dict[str, Any], flag_id: str,
                                         expected: list[tuple[str, str, tuple[str, ...]]]
                                         ) -> None:
    flag = next(f for f in screen(answers, content).flags if f.id == flag_id)

    assert [(e.kind, e.ref, e.values) for e in flag.evidence] == expected


def test_evidence_label_is_the_question_with_the_substance_filled_in(content: Content) -> None:
    flag = next(f for f in screen(alcohol_answers(depressant_daily="yes"), content).flags
                if f.id == "depressant_dependence")

    assert flag.evidence[0].label.startswith("Do you use alcohol, benzodiazepines, opioids")


def test_level_evidence_shows_score_and_band(content: Content) -> None:
    result = screen(base_answers(**MODERATE), content)
    cbt = next(p for p in result.paths if p.id == "cbt")
    reason = next(r for r in cbt.reasons if r.because == rule_text(content, "cbt", 0))

    assert [(e.kind, e.ref, e.label, e.values) for e in reason.evidence] == [
        ("level", "use_checklist", "Use checklist", ("4 of 10 (Moderate)",))
    ]


def test_flag_text_is_about_the_chosen_substance(content: Content) -> None:
    result = screen(alcohol_answers(symptoms=["chest_pain"]), content)
    flag = next(f for f in result.flags if f.id == "chest_symptoms")

    assert flag.tell_doctor and "{substance}" not in flag.title + flag.text + flag.tell_doctor
    assert (result.substance, result.substance_text) == ("alcohol", "alcohol")


# --- the stored form -------------------------------------------------------------------------


def test_to_dict_is_json_and_says_it_is_not_a_diagnosis(content: Content) -> None:
    result = screen(EVERYTHING, content)
    data = json.loads(json.dumps(result.to_dict()))

    assert "screening, not a diagnosis" in data["notice"]
    assert "answers" not in data  # stored beside the result, not inside it
    assert data["content_version"] == content.version == "2026.11-1"
    assert data["is_at_risk"] is True
    assert data["severity"]["level"] == "severe"
    assert [f["id"] for f in data["flags"]] == flag_ids(result)
    assert [p["rank"] for p in data["paths"]] == list(range(1, len(result.paths) + 1))


def test_result_keeps_only_the_cleaned_answers(content: Content) -> None:
    result = screen(base_answers(t_intrusion="yes"), content)  # trauma page hidden: dropped

    assert "t_intrusion" not in result.answers
    assert result.answers["substance"] == "ketamine"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        pytest.param(None, "US", id="default"),
        pytest.param("GB", "GB", id="known"),
        pytest.param("ZZ", "US", id="unknown-falls-back-to-default"),
    ],
)
def test_crisis_locale(content: Content, locale: str | None, expected: str) -> None:
    assert screen(base_answers(), content, locale=locale).crisis_locale == expected


@pytest.mark.parametrize("answers", [
    base_answers(),
    alcohol_answers(**yes_to(8)),
    {**safety(s_wish_dead="yes", s_now="yes"), **yes_to(11), "substance": "opioids",
     "depressant_daily": "no"},
])
def test_to_dict_is_what_asdict_made(content: Content, answers: dict[str, Any]) -> None:
    """to_dict skips dataclasses.asdict for speed; the stored dict must not change."""
    from dataclasses import asdict

    result = screen(answers, content)
    expected = asdict(result)
    del expected["answers"]
    data = result.to_dict()
    assert {k: v for k, v in data.items() if k not in ("is_at_risk", "notice")} == expected
    assert list(data)[:len(expected)] == list(expected)
    assert json.dumps(data) == json.dumps({**expected, "is_at_risk": result.is_at_risk,
                                           "notice": data["notice"]})
