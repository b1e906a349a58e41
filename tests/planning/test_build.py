"""Pre-filling a plan from a screening, against the real seeds.

Each table row is one meaningful case: an answer that should pre-fill a suggestion, and a close
answer that should not. Answer sets start from the low-risk ketamine answers
(tests/data/low_risk_ketamine.json) and change only what the row is about.
"""

import dataclasses
import json
from datetime import date
from typing import Any

import pytest

from recovery.content.model import Content, RedFlagEntry, SubstanceRedFlags
from recovery.planning.build import build_draft
from recovery.planning.draft import Action, Line, RedFlag, SafetyStep, TherapySection, Trigger
from recovery.screening.answers import AnswerError
from recovery.screening.engine import screen

TODAY = date(2026, 1, 31)  # the conftest builds drafts on this day too

ALCOHOL = {"substance": "alcohol", "depressant_daily": "no"}
MOOD_RAISED = {"m_interest": "several_days", "m_down": "most_days"}  # 1 + 2 = 3
ANXIETY_RAISED = {"a_nervous": "several_days", "a_worry": "most_days"}  # 1 + 2 = 3


def trauma(yes_count: int) -> dict[str, str]:
    items = ("t_intrusion", "t_avoid", "t_guard", "t_numb", "t_guilt")
    return {"t_event": "yes", **{item: "yes" if i < yes_count else "no"
                                 for i, item in enumerate(items)}}


def co_use(*substances: str) -> dict[str, Any]:
    """Co-use of `substances`, which shows the mixing questions."""
    answers: dict[str, Any] = {"co_use": list(substances), "co_use_together": "no"}
    if set(substances) & {"alcohol", "benzodiazepines", "opioids", "other_depressants"}:
        answers["depressant_daily"] = "no"
    return answers


# --- triggers and early warning signs --------------------------------------------------------

# Every trigger and warning sign in plan.yaml with a suggest_when. A new one must get rows below.
SUGGESTED_TRIGGERS = (
    "alone_with_access", "using_friends", "conflict", "work_pressure", "lonely", "low_mood",
    "anxious", "cravings", "feeling_unwell_without", "pain", "hard_memories",
)
SUGGESTED_SIGNS = ("hiding", "routine_slipping", "mood_swings")
ALL_RAISED: dict[str, Any] = {
    "w_alone_secret": "yes", "people_using": "yes", "c_relationships": "yes", "c_duties": "yes",
    "support_person": "no", **MOOD_RAISED, **ANXIETY_RAISED, "c_craving": "yes",
    "c_withdrawal": "yes", "symptoms": ["pee_pain"], **trauma(5), "w_mood_memory": "yes",
}

# (id, answers, pre-filled triggers (id, text), pre-filled warning signs)
TRIGGER_CASES: list[tuple[str, dict[str, Any], list[tuple[str, str]], list[str]]] = [
    ("alone-ketamine", {"w_alone_secret": "yes"},
     [("alone_with_access", "Being alone with ketamine within reach")], ["hiding"]),
    ("alone-alcohol", {**ALCOHOL, "w_alone_secret": "yes"},
     [("alone_with_access", "Being alone with alcohol within reach")], ["hiding"]),
    ("alone-other-substance", {"substance": "other", "w_alone_secret": "yes"},
     [("alone_with_access", "Being alone with the substance within reach")],
     ["hiding"]),
    ("close-mood-memory-is-not-using-alone", {"w_mood_memory": "yes"}, [], ["mood_swings"]),
    ("people-using", {"people_using": "yes"},
     [("using_friends", "Spending time with people I used with")], []),
    ("close-unstable-housing-is-not-people", {"housing": "unstable"}, [], []),
    ("relationship-trouble", {"c_relationships": "yes"},
     [("conflict", "Arguments or tension with someone close")], []),
    ("close-gave-up-is-not-relationships", {"c_gave_up": "yes"}, [], []),
    ("falling-behind", {"c_duties": "yes"},
     [("work_pressure", "Pressure at work, school or home")], ["routine_slipping"]),
    ("close-hazard-is-not-duties", {"c_hazard": "yes"}, [], []),
    ("no-support-person", {"support_person": "no"}, [("lonely", "Feeling lonely")], []),
    ("close-relapse-is-not-lonely", {"relapsed": "yes"}, [], []),
    ("mood-score-3", MOOD_RAISED, [("low_mood", "Feeling low, empty or hopeless")], []),
    ("close-mood-score-2", {"m_down": "most_days"}, [], []),
    ("anxiety-score-3", ANXIETY_RAISED, [("anxious", "Feeling anxious or on edge")], []),
    ("close-anxiety-score-2", {"a_worry": "most_days"}, [], []),
    ("cravings", {"c_craving": "yes"}, [("cravings", "Strong cravings")], []),
    ("close-more-than-meant-not-craving", {"c_more_than_meant": "yes"}, [], []),
    ("unwell-without", {"c_withdrawal": "yes"},
     [("feeling_unwell_without",
       "Feeling low, restless or unable to sleep after stopping")], []),
    ("close-tolerance-is-not-withdrawal", {"c_tolerance": "yes"}, [], []),
    ("pain-peeing", {"symptoms": ["pee_pain"]}, [("pain", "Pain or physical discomfort")], []),
    ("belly-pain", {"symptoms": ["belly_pain"]}, [("pain", "Pain or physical discomfort")], []),
    ("close-peeing-often-is-not-pain", {"symptoms": ["pee_often"]}, [], []),
    ("close-chest-pain-not-suggested", {"symptoms": ["chest_pain"]}, [], []),
    ("trauma-score-3", trauma(3), [("hard_memories", "Unwanted memories of something hard")], []),
    ("close-trauma-score-2", trauma(2), [], []),
]
TRIGGER_ROWS = [pytest.param(answers, triggers, signs, id=case_id)
                for case_id, answers, triggers, signs in TRIGGER_CASES]


@pytest.mark.parametrize(("overrides", "triggers", "signs"), TRIGGER_ROWS)
def test_suggested_triggers_and_warning_signs(
        content: Content, answers_for: Any, overrides: dict[str, Any],
        triggers: list[tuple[str, str]], signs: list[str]) -> None:
    draft = build_draft(answers_for(**overrides), content, today=TODAY)

    expected_triggers = []
    for trigger_id, text in triggers:
        source = content.plan.trigger(trigger_id)
        assert source is not None and source.because
        expected_triggers.append(Trigger(
            kind=source.kind, text=text, rank="high",
            actions=tuple(Action(a.kind, a.text) for a in source.actions),
            because=source.because))
    assert draft.triggers == tuple(expected_triggers)
    by_id = {s.id: s for s in content.plan.warning_signs}
    assert draft.warning_signs == tuple(Line(by_id[s].text, by_id[s].because) for s in signs)
    assert all(line.because for line in draft.warning_signs)


def test_trigger_table_covers_every_suggestion_in_plan_yaml(content: Content) -> None:
    suggested = {t.id for t in content.plan.triggers if t.suggest_when is not None}
    signs = {s.id for s in content.plan.warning_signs if s.suggest_when is not None}
    prefilled_rows = {trigger_id for _, _, triggers, _ in TRIGGER_CASES
                      for trigger_id, _ in triggers}
    sign_rows = {sign for _, _, _, signs in TRIGGER_CASES for sign in signs}

    assert suggested == set(SUGGESTED_TRIGGERS) == prefilled_rows
    assert signs == set(SUGGESTED_SIGNS) == sign_rows


def test_only_triggers_with_suggest_when_are_ever_prefilled(content: Content,
                                                            answers_for: Any) -> None:
    draft = build_draft(answers_for(**ALL_RAISED), content, today=TODAY)
    label_of = {t.id: t.label.replace("{substance}", "ketamine") for t in content.plan.triggers}
    library_only = [t.id for t in content.plan.triggers if t.suggest_when is None]

    # Everything suggestible is suggested, in library order...
    assert [t.text for t in draft.triggers] == [label_of[i] for i in SUGGESTED_TRIGGERS]
    assert [s.text for s in draft.warning_signs] == [
        s.text for s in content.plan.warning_signs if s.id in SUGGESTED_SIGNS]
    # ...and nothing from the library without a rule, however much is raised.
    assert len(library_only) == 13
    assert not {label_of[i] for i in library_only} & {t.text for t in draft.triggers}
    assert not {s.text for s in draft.warning_signs} & {
        s.text for s in content.plan.warning_signs if s.suggest_when is None}


def test_low_risk_answers_prefill_no_triggers_or_warning_signs(draft_for: Any) -> None:
    draft = draft_for()

    assert draft.triggers == ()
    assert draft.warning_signs == ()


@pytest.mark.parametrize("substance", ["ketamine", "alcohol", "other"])
def test_no_placeholder_is_left_in_the_draft(draft_for: Any, substance: str) -> None:
    extra = {"depressant_daily": "no"} if substance == "alcohol" else {}
    draft = draft_for(substance=substance, **extra, **{
        k: v for k, v in ALL_RAISED.items() if k != "symptoms"})

    assert "{substance}" not in json.dumps(draft.to_dict())
    assert draft.triggers[0].text.startswith("Being alone with ")


# --- treatment next steps --------------------------------------------------------------------

SEVERE = {item: "yes" for item in ("c_more_than_meant", "c_cut_down", "c_time_spent",
                                   "c_craving", "c_duties", "c_relationships")}


@pytest.mark.parametrize(
    ("overrides", "path_ids"),
    [
        pytest.param({}, ["brief_advice", "exercise_nutrition"], id="low-risk"),
        pytest.param({"last_use": "over_year"}, ["exercise_nutrition"], id="over-a-year"),
        pytest.param({**ALCOHOL, "depressant_daily": "yes"},
                     ["supervised_withdrawal", "outpatient_aftercare", "brief_advice",
                      "exercise_nutrition"], id="daily-alcohol-detox-first"),
        pytest.param({**SEVERE, "people_using": "yes"},
                     ["residential", "outpatient_aftercare", "cbt", "peer_support",
                      "family_therapy", "mindfulness", "exercise_nutrition"],
                     id="severe-residential-first"),
    ],
)
def test_next_steps_follow_the_recommended_paths_in_rank_order(
        content: Content, answers_for: Any, overrides: dict[str, Any],
        path_ids: list[str]) -> None:
    answers = answers_for(**overrides)
    draft = build_draft(answers, content, today=TODAY)
    titles = {p.id: p.title for p in content.paths}

    assert [p.id for p in screen(answers, content).paths] == path_ids  # the table's premise
    assert [line.text for line in draft.next_steps] == [
        content.plan.next_steps[p] for p in path_ids]
    assert [line.because for line in draft.next_steps] == [
        f"Your screening recommended “{titles[p]}”." for p in path_ids]
    assert len(set(line.text for line in draft.next_steps)) == len(path_ids)


# --- goal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "goal"),
    [
        pytest.param({"readiness": "not_ready"}, "undecided", id="not-ready"),
        pytest.param({"readiness": "unsure"}, "undecided", id="unsure"),
        pytest.param({"readiness": "preparing"}, "stop", id="preparing"),
        pytest.param({"readiness": "changing"}, "stop", id="changing"),
        pytest.param({"readiness": "not_ready", "last_use": "over_year"}, "undecided",
                     id="over-a-year-not-ready"),
        pytest.param({"readiness": "changing", "last_use": "over_year"}, "stop",
                     id="over-a-year-changing"),
    ],
)
def test_goal_follows_readiness(draft_for: Any, overrides: dict[str, Any], goal: str) -> None:
    assert draft_for(**overrides).goal == goal


# --- ketamine treatment aftercare ------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "has_therapy", "has_at_home"),
    [
        pytest.param({}, False, False, id="ketamine-not-prescribed"),
        pytest.param({"prescribed": "infusion_clinic", "outside_prescription": "no"}, True,
                     False, id="infusion-as-prescribed"),
        pytest.param({"prescribed": "infusion_clinic", "outside_prescription": "yes"}, True,
                     False, id="infusion-beyond-prescription"),
        pytest.param({"prescribed": "esketamine", "outside_prescription": "no"}, True, False,
                     id="esketamine-as-prescribed"),
        pytest.param({"prescribed": "esketamine", "outside_prescription": "yes"}, True, False,
                     id="esketamine-beyond-prescription"),
        pytest.param({"prescribed": "at_home", "outside_prescription": "no"}, True, True,
                     id="at-home-as-prescribed"),
        pytest.param({"prescribed": "at_home", "outside_prescription": "yes"}, True, True,
                     id="at-home-beyond-prescription"),
        pytest.param({"substance": "opioids", "depressant_daily": "no",
                      "prescribed": "prescribed_other", "outside_prescription": "no"},
                     False, False, id="prescribed-opioids-not-ketamine"),
        pytest.param(ALCOHOL, False, False, id="alcohol"),
        # Over a year ago the pattern questions are skipped: a stale answer counts for nothing.
        pytest.param({"last_use": "over_year", "prescribed": "at_home",
                      "outside_prescription": "no"}, False, False,
                     id="over-a-year-hidden-prescription"),
    ],
)
def test_therapy_section_only_for_prescribed_ketamine(
        content: Content, draft_for: Any, overrides: dict[str, Any], has_therapy: bool,
        has_at_home: bool) -> None:
    draft = draft_for(**overrides)
    aftercare = content.plan.therapy_aftercare

    if not has_therapy:
        assert draft.therapy is None
        return
    at_home_rules = content.plan.at_home_safety.lines if has_at_home else ()
    assert draft.therapy == TherapySection(
        common=aftercare.common, call_provider=aftercare.call_provider,
        after_session=aftercare.after_session, at_home_rules=at_home_rules)
    assert "Arrange a ride home; don't drive until the next day." in draft.therapy.after_session
    assert "Severe vomiting" in draft.therapy.call_provider
    assert ("A sober person you trust stays with you for the whole session."
            in draft.therapy.at_home_rules) is has_at_home


# --- harm reduction --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "is_using"),
    [
        pytest.param({"last_use": "past_week"}, True, id="past-week"),
        pytest.param({"last_use": "past_month"}, True, id="past-month"),
        pytest.param({"last_use": "past_year"}, False, id="past-year"),
        pytest.param({"last_use": "over_year"}, False, id="over-a-year"),
        pytest.param({**ALCOHOL, "last_use": "past_week"}, True, id="alcohol-past-week"),
        pytest.param({**ALCOHOL, "last_use": "past_year"}, False, id="alcohol-past-year"),
    ],
)
def test_harm_reduction_only_for_recent_use(content: Content, draft_for: Any,
                                            answers_for: Any, overrides: dict[str, Any],
                                            is_using: bool) -> None:
    """The plan's safer-use lines are the result page's (seeds/safer_use.yaml), for the same
    people: one source. The low-risk person is getting ready to change, so only recent use
    shows them."""
    draft = draft_for(**overrides)
    result = screen(answers_for(**overrides), content)

    if is_using:
        assert result.safer_use is not None and draft.harm_reduction == result.safer_use.lines
        guide = content.safer_use.guide_for(result.substance)
        assert guide is not None and len(draft.harm_reduction) == len(guide.lines)
    else:
        assert result.safer_use is None and draft.harm_reduction == ()


# --- safety steps ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "is_at_risk"),
    [
        pytest.param({}, False, id="no-risk"),
        pytest.param(MOOD_RAISED, False, id="close-low-mood-without-suicide-risk"),
        pytest.param({"s_wish_dead": "yes", "s_now": "no"}, True, id="wish-dead"),
        pytest.param({"s_better_off": "declined", "s_now": "no"}, True,
                     id="declined-is-a-risk"),
        pytest.param({"s_thoughts_week": "yes", "s_now": "yes"}, True, id="thoughts-right-now"),
        pytest.param({"s_attempt_ever": "yes", "s_attempt_recent": "yes", "s_now": "no"}, True,
                     id="recent-attempt"),
        pytest.param({"s_attempt_ever": "yes", "s_attempt_recent": "no", "s_now": "no"}, True,
                     id="attempt-long-ago"),
    ],
)
def test_safety_steps_only_when_a_suicide_risk_flag_is_raised(
        content: Content, answers_for: Any, overrides: dict[str, Any],
        is_at_risk: bool) -> None:
    answers = answers_for(**overrides)
    draft = build_draft(answers, content, today=TODAY)
    crisis = [f.id for f in screen(answers, content).flags if f.kind == "crisis"]

    assert bool(crisis) is is_at_risk  # the table's premise
    if not is_at_risk:
        assert (draft.safety_steps, draft.safety_credit) == ((), "")
        return
    # One source of the steps: the safety plan's seven (seeds/safety_plan.yaml).
    assert len(draft.safety_steps) == 7
    assert draft.safety_steps == tuple(SafetyStep(s.title) for s in content.safety_plan.steps)
    assert draft.safety_steps[0].prompt == "My warning signs"
    assert draft.safety_steps[-1].prompt == "My reasons to live"
    assert all(step.response == "" for step in draft.safety_steps)
    assert "Stanley-Brown" in draft.safety_credit


# --- medical red flags -----------------------------------------------------------------------

KETAMINE_FLAGS = [
    "Needing to pee often or urgently, or pain when peeing",
    "Blood in your pee, being unable to pee, or fever with bladder pain",
    "Severe stomach cramps, or yellow skin or eyes",
]
DEPRESSANT_FLAGS = [
    "Shaking, sweating, confusion or seeing things after stopping",
    "A seizure",
]
OPIOID_FLAGS = ["Slow or stopped breathing, blue lips, or someone who won't wake"]
STIMULANT_FLAGS = ["Chest pain, a racing heart, overheating or severe agitation"]
CANNABIS_FLAGS = ["Paranoia or hallucinations that don't pass, or repeated severe vomiting"]


def about(names: str, texts: list[str]) -> list[str]:
    """Red flags there only for a substance used alongside the main one say which."""
    return [f"{names}: {text}" for text in texts]


@pytest.mark.parametrize(
    ("overrides", "texts"),
    [
        pytest.param({}, KETAMINE_FLAGS, id="ketamine"),
        pytest.param({"last_use": "over_year"}, KETAMINE_FLAGS, id="ketamine-over-a-year"),
        pytest.param(co_use("alcohol"), KETAMINE_FLAGS + about("Alcohol", DEPRESSANT_FLAGS),
                     id="ketamine-with-alcohol"),
        pytest.param(co_use("alcohol", "benzodiazepines"),
                     KETAMINE_FLAGS + about("Alcohol or benzodiazepines", DEPRESSANT_FLAGS),
                     id="ketamine-with-two-depressants-no-duplicates"),
        pytest.param(co_use("stimulants", "opioids"),
                     KETAMINE_FLAGS + about("Opioids", OPIOID_FLAGS)
                     + about("Stimulants", STIMULANT_FLAGS),
                     id="ketamine-with-opioids-and-stimulants"),
        pytest.param(co_use("cannabis"), KETAMINE_FLAGS + about("Cannabis", CANNABIS_FLAGS),
                     id="ketamine-with-cannabis"),
        pytest.param(ALCOHOL, DEPRESSANT_FLAGS, id="alcohol"),
        pytest.param({**ALCOHOL, **co_use("benzodiazepines")}, DEPRESSANT_FLAGS,
                     id="alcohol-with-benzodiazepines-no-duplicates"),
        pytest.param({**ALCOHOL, **co_use("ketamine")},
                     about("Ketamine", KETAMINE_FLAGS) + DEPRESSANT_FLAGS,
                     id="alcohol-with-ketamine"),
        pytest.param({"substance": "benzodiazepines", "depressant_daily": "no"},
                     DEPRESSANT_FLAGS, id="benzodiazepines"),
        pytest.param({"substance": "opioids", "depressant_daily": "no"}, OPIOID_FLAGS,
                     id="opioids"),
        pytest.param({"substance": "stimulants"}, STIMULANT_FLAGS, id="stimulants"),
        pytest.param({"substance": "cannabis"}, CANNABIS_FLAGS, id="cannabis"),
        pytest.param({"substance": "other"}, CANNABIS_FLAGS, id="other"),
        # The screening's medical flags come first, most urgent first, in place of the
        # general lines that say the same (same_as in plan.yaml).
        pytest.param({"symptoms": ["pee_pain"]},
                     ["Bladder symptoms with ketamine use"] + KETAMINE_FLAGS[1:],
                     id="ketamine-bladder-flag-first"),
        pytest.param({"symptoms": ["chest_pain", "blood_urine"]},
                     ["Chest pain, a racing heart or trouble breathing",
                      "Blood in your pee, not being able to pee, or fever with bladder symptoms",
                      "Bladder symptoms with ketamine use"] + KETAMINE_FLAGS[2:],
                     id="ketamine-three-medical-flags-by-urgency"),
        pytest.param({**ALCOHOL, "seizures": "yes"}, ["Seizures"] + DEPRESSANT_FLAGS,
                     id="alcohol-seizure-history"),
        # Flags of other kinds (warning signs, interactions, mood) are not medical red flags.
        pytest.param({"w_alone_secret": "yes", "medicines": ["antidepressant"], **MOOD_RAISED},
                     KETAMINE_FLAGS, id="other-flag-kinds-left-out"),
    ],
)
def test_medical_red_flags(content: Content, draft_for: Any, overrides: dict[str, Any],
                           texts: list[str]) -> None:
    medical = draft_for(**overrides).medical

    assert [flag.text for flag in medical] == texts
    assert all(flag.action for flag in medical)


def test_medical_flag_gives_its_advice_and_substance_flag_its_action(
        content: Content, answers_for: Any) -> None:
    answers = answers_for(symptoms=["pee_pain"])
    (flag,) = screen(answers, content).flags
    medical = build_draft(answers, content, today=TODAY).medical

    assert medical[0] == RedFlag(text="Bladder symptoms with ketamine use", action=flag.text)
    assert medical[1] == RedFlag(KETAMINE_FLAGS[1], "Get care the same day.")


def test_medical_red_flags_are_never_repeated(content: Content, answers_for: Any) -> None:
    # The real seeds never repeat a line, so repeat some: a line in two groups, and a line that
    # reads the same as a screening flag. The first one wins, and the flag comes first.
    extra = SubstanceRedFlags(
        substances=("ketamine", "alcohol"),
        items=(RedFlagEntry(KETAMINE_FLAGS[2], "A different action."),
               RedFlagEntry("Bladder symptoms with ketamine use", "Not the flag's advice."),
               RedFlagEntry("Only in the extra group", "Call someone.")))
    plan = dataclasses.replace(content.plan,
                               medical_red_flags=content.plan.medical_red_flags + (extra,))
    changed = dataclasses.replace(content, plan=plan)

    medical = build_draft(answers_for(symptoms=["pee_pain"]), changed, today=TODAY).medical

    assert [f.text for f in medical] == (
        ["Bladder symptoms with ketamine use"] + KETAMINE_FLAGS[1:] + ["Only in the extra group"])
    assert medical[0].action != "Not the flag's advice."
    assert medical[2] == RedFlag(KETAMINE_FLAGS[2], "Get care the same day.")


# --- review date, crisis lines, the rest of the draft ----------------------------------------


@pytest.mark.parametrize(
    ("today", "review_date"),
    [
        pytest.param(date(2026, 1, 31), "2026-03-02", id="across-february"),
        pytest.param(date(2024, 1, 31), "2024-03-01", id="leap-year"),
        pytest.param(date(2026, 12, 15), "2027-01-14", id="across-new-year"),
        pytest.param(date(2026, 6, 1), "2026-07-01", id="thirty-day-month"),
    ],
)
def test_review_date_is_thirty_days_on(content: Content, answers_for: Any, today: date,
                                       review_date: str) -> None:
    assert build_draft(answers_for(), content, today=today).review_date == review_date


@pytest.mark.parametrize(
    ("locale", "crisis_locale"),
    [
        pytest.param(None, "US", id="default"),
        pytest.param("US", "US", id="us"),
        pytest.param("GB", "GB", id="gb"),
        pytest.param("FR", "US", id="unknown-falls-back-to-default"),
    ],
)
def test_crisis_locale_follows_the_locale(content: Content, answers_for: Any,
                                          locale: str | None, crisis_locale: str) -> None:
    draft = build_draft(answers_for(), content, today=TODAY, locale=locale)

    assert draft.crisis_locale == crisis_locale


def test_low_risk_draft_fills_the_library_sections(content: Content, draft_for: Any) -> None:
    draft = draft_for()
    plan = content.plan

    assert (draft.content_version, draft.substance, draft.substance_text) == (
        content.version, "ketamine", "ketamine")
    # What only the person can fill in starts empty.
    assert (draft.display_name, draft.reasons, draft.contacts, draft.meetings) == ("", (), (), ())
    assert draft.urge_plan.delay_minutes == 20
    assert draft.urge_plan.distractions == plan.urge_plan.distractions
    assert draft.urge_plan.grounding.startswith("5-4-3-2-1")
    assert draft.urge_plan.text_person == ""
    assert draft.routine == tuple(Line(r.text) for r in plan.routine)
    assert len(draft.routine) == 6
    assert draft.lapse_plan.first_day == plan.lapse_plan.first_day
    assert draft.lapse_plan.reminder.startswith("One slip is not a failure")
    assert draft.lapse_plan.step_up == plan.lapse_plan.step_up


@pytest.mark.parametrize(
    ("answers", "problem_items"),
    [
        pytest.param(lambda a: {k: v for k, v in a.items() if k != "amount"}, ["amount"],
                     id="missing-answer"),
        pytest.param(lambda a: {**a, "substance": "caffeine"}, ["substance"],
                     id="unknown-option"),
        pytest.param(lambda a: {**a, "favourite_colour": "blue"}, ["favourite_colour"],
                     id="unknown-question"),
        pytest.param(lambda a: {**a, "co_use": "alcohol"}, ["co_use"], id="wrong-type"),
        pytest.param(lambda a: list(a), [""], id="not-a-mapping"),
    ],
)
def test_invalid_answers_raise_answer_error(content: Content, answers_for: Any, answers: Any,
                                            problem_items: list[str]) -> None:
    with pytest.raises(AnswerError) as excinfo:
        build_draft(answers(answers_for()), content, today=TODAY)

    assert [p.item for p in excinfo.value.problems] == problem_items
