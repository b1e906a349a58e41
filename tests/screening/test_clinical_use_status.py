"""Use status as a clinician would expect it (issue 15, principles 1-4), as a clinical table.

One row per described person: who they are, their answers, what the screening should say, and
why (citing ../shared/reference/clinical-facts.md where it applies). Every row runs through the
engine and through `flask --app recovery assess`, and must come out the same both ways.

- Not using is an answer: every use question is skipped, the mood and safety checks still run,
  and nothing about changing use is suggested.
- Taking a prescribed medicine exactly as prescribed is not an addiction: no addiction help,
  the safety guidance of the treatment instead.
- Use beyond the prescription has a flag of its own (talk to your prescriber) and a path.
- Every medicine interaction names the prescriber or pharmacist and what to tell them.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from recovery.content.model import INTERACTION_TELL_WHO, Content
from recovery.planning.build import build_draft
from recovery.screening.engine import screen
from recovery.screening.result import ScreeningResult
from tests.screening_results import LOW_RISK_KETAMINE

# Paths about changing use: never for someone who doesn't use, or who takes a prescribed
# medicine only as prescribed with no other problem area.
CHANGING_USE = frozenset({
    "supervised_withdrawal", "residential", "prescriber_review", "dual_diagnosis",
    "outpatient_aftercare", "cbt", "brief_advice", "peer_support", "family_therapy",
})
MOOD_RAISED = {"m_interest": "most_days", "m_down": "several_days"}  # 2 + 1 = 3 of 6
NO_USE_ITEMS = ("m_interest", "m_down", "a_nervous", "a_worry", "t_event", "s_wish_dead",
                "s_better_off", "s_thoughts_week", "s_attempt_ever", "housing", "support_person")


def no_use(**changes: Any) -> dict[str, Any]:
    """Someone who doesn't use any: the questions left are mood, safety and situation."""
    return {"substance": "no_use", **{k: LOW_RISK_KETAMINE[k] for k in NO_USE_ITEMS}, **changes}


def ketamine(**changes: Any) -> dict[str, Any]:
    """The low-risk ketamine answers (tests/data/low_risk_ketamine.json), changed."""
    return {**LOW_RISK_KETAMINE, **changes}


def patient(prescribed: str, **changes: Any) -> dict[str, Any]:
    """Someone in prescribed ketamine treatment who takes it only as prescribed."""
    return ketamine(**{"prescribed": prescribed, "outside_prescription": "no",
                       "route": ["clinic"], "frequency": "weekly", "amount": "moderate",
                       **changes})


@dataclass(frozen=True)
class Person:
    who: str
    answers: dict[str, Any]
    flags: set[str]  # exactly the flags raised
    paths: list[str]  # exactly the paths suggested, in rank order
    why: str
    crisis: str = "none"
    checklist: str = "n/a"  # the use checklist's level, or "n/a" when it doesn't apply
    asked_not: set[str] = field(default_factory=set)  # questions that must not be in the answers


PEOPLE = [
    Person("doesn't use any, feeling fine", no_use(), set(), ["exercise_nutrition"],
           "Principle 2: not using is an answer; nothing about treatment is suggested.",
           asked_not={"last_use", "frequency", "co_use", "symptoms", "readiness", "relapsed",
                      "past_treatment", "people_using"}),
    Person("doesn't use any, low mood on most days", no_use(**MOOD_RAISED), {"mood_raised"},
           ["mental_health_care", "mindfulness", "exercise_nutrition"],
           "A low-mood score of 3 or more warrants a fuller check (clinical-facts §5.1); with no "
           "substance use that is mental-health care, not dual diagnosis."),
    Person("doesn't use any, anxious, and an assault still affects them",
           no_use(a_nervous="nearly_every_day", a_worry="several_days", t_event="yes",
                  t_intrusion="yes", t_avoid="yes", t_guard="yes", t_numb="no", t_guilt="no"),
           {"anxiety_raised", "trauma_raised"},
           ["mental_health_care", "mindfulness", "exercise_nutrition"],
           "Anxiety (§5.2) and trauma (§5.3) screens still run for someone who doesn't use."),
    Person("doesn't use any, has wished they were dead", no_use(s_wish_dead="yes", s_now="no"),
           {"suicide_risk"}, ["mental_health_care", "exercise_nutrition"],
           "Any positive suicide screen brings crisis help first, whoever it is (§5.6).",
           crisis="today"),
    Person("doesn't use any, thinking of ending their life right now",
           no_use(s_thoughts_week="yes", s_now="yes"), {"suicide_risk", "suicide_risk_now"},
           ["mental_health_care", "exercise_nutrition"],
           "Thoughts of suicide right now are an emergency (§5.4-5.6).", crisis="emergency"),
    Person("doesn't use any, nobody to turn to, might lose their home",
           no_use(housing="unstable", support_person="no"), set(),
           ["housing_support", "exercise_nutrition"],
           "Housing help at any severity (§9), but peer groups such as NA or SMART Recovery are "
           "for substance use (§7.3), so they are not a non-user's support."),
    Person("doesn't use any, has wished they were dead, might lose their home",
           no_use(s_wish_dead="yes", s_now="no", housing="unstable"), {"suicide_risk"},
           ["mental_health_care", "housing_support", "exercise_nutrition"],
           "A positive suicide screen puts mental-health care first (§5.6, §9), above housing "
           "help.", crisis="today"),
    Person("ketamine infusions for depression, only as prescribed, needs more than at first",
           patient("infusion_clinic", c_tolerance="yes", readiness="not_ready"),
           {"as_prescribed", "therapy_session_safety"}, ["exercise_nutrition"],
           "Tolerance doesn't count when taken as prescribed (§1.4); as-prescribed treatment "
           "is not an addiction, so no brief advice.", checklist="none"),
    Person("at-home ketamine lozenges as prescribed, low mood, 'not a problem', restarted "
           "after a break between courses",
           patient("at_home", **MOOD_RAISED, readiness="not_ready", relapsed="yes",
                   support_person="no"),
           {"as_prescribed", "therapy_session_safety", "at_home_session_safety", "mood_raised"},
           ["mental_health_care", "mindfulness", "exercise_nutrition"],
           "At-home treatment needs a sober sitter (source 001); low mood goes to the team "
           "treating them, not to addiction care (§1.4).", checklist="none",
           asked_not={"readiness", "relapsed"}),
    Person("esketamine at a clinic as prescribed, also on an SSRI and lorazepam",
           patient("esketamine", medicines=["antidepressant", "benzo_medicine"]),
           {"as_prescribed", "therapy_session_safety", "interaction_antidepressant",
            "interaction_benzodiazepine"}, ["exercise_nutrition"],
           "Antidepressants and benzodiazepines interact with ketamine (source 004; "
           "benzodiazepines add sedation, §8.5): the prescriber is the one to tell.",
           checklist="none"),
    Person("prescribed at-home ketamine, takes extra doses between sessions, has cravings",
           patient("at_home", outside_prescription="yes", c_tolerance="yes", c_craving="yes"),
           {"beyond_prescription", "therapy_session_safety", "at_home_session_safety"},
           ["prescriber_review", "cbt", "brief_advice", "peer_support", "mindfulness",
            "exercise_nutrition"],
           "Beyond the prescription, tolerance counts again (§1.4): 2 areas is mild (§1.3), and "
           "the prescriber needs to know first.", checklist="mild"),
    Person("ketamine infusions, hides extra doses from the prescriber, 4 areas of the checklist",
           patient("infusion_clinic", outside_prescription="yes", c_more_than_meant="yes",
                   c_cut_down="yes", c_time_spent="yes", c_craving="yes"),
           {"beyond_prescription", "therapy_session_safety"},
           ["prescriber_review", "outpatient_aftercare", "cbt", "peer_support", "mindfulness",
            "exercise_nutrition"],
           "4-5 areas is moderate: structured outpatient counselling (§1.3, §9), with the "
           "prescriber told.", checklist="moderate"),
    Person("prescribed opioid painkillers every day, as prescribed",
           ketamine(substance="opioids", prescribed="prescribed_other",
                    outside_prescription="no", frequency="daily", route=["swallow"],
                    c_tolerance="yes", c_withdrawal="yes", depressant_daily="yes"),
           {"as_prescribed", "depressant_dependence"}, ["exercise_nutrition"],
           "Tolerance and withdrawal on prescribed opioids don't count (§1.4); stopping is "
           "planned with the doctor, not detox for an addiction.", checklist="none"),
    Person("prescribed ketamine at a clinic, as prescribed, but cravings and using more than "
           "meant",
           patient("infusion_clinic", c_more_than_meant="yes", c_craving="yes"),
           {"therapy_session_safety"},
           ["cbt", "brief_advice", "peer_support", "mindfulness", "exercise_nutrition"],
           "Two areas other than tolerance and withdrawal are a mild problem even when "
           "prescribed (§1.3, §1.4).", checklist="mild"),
    Person("ketamine infusions as prescribed, drinks most days and around sessions",
           patient("infusion_clinic", co_use=["alcohol"], co_use_together="yes",
                   depressant_daily="yes"),
           {"as_prescribed", "therapy_session_safety", "depressant_mixing",
            "depressant_dependence"},
           ["supervised_withdrawal", "outpatient_aftercare", "exercise_nutrition"],
           "Daily alcohol makes stopping dangerous and mixing it with ketamine can stop "
           "breathing (§8.2, §8.5): that is not the prescription.", checklist="none"),
    Person("recreational ketamine, two areas of the checklist (a control: help stays)",
           ketamine(c_more_than_meant="yes", c_cut_down="yes"), set(),
           ["cbt", "brief_advice", "peer_support", "mindfulness", "exercise_nutrition"],
           "2-3 areas: brief intervention, self-help and monitoring (§1.3, §9); getting ready "
           "to change, so CBT's skills too.",
           checklist="mild"),
]
IDS = [person.who for person in PEOPLE]


def outcome(result: ScreeningResult) -> tuple[set[str], list[str], str, str]:
    severity = result.severity
    return ({f.id for f in result.flags}, [p.id for p in result.paths], result.crisis_level,
            severity.level if severity.is_applicable else "n/a")


def expected(person: Person) -> tuple[set[str], list[str], str, str]:
    return person.flags, person.paths, person.crisis, person.checklist


@pytest.mark.parametrize("person", PEOPLE, ids=IDS)
def test_engine(content: Content, person: Person) -> None:
    result = screen(person.answers, content)

    assert outcome(result) == expected(person), person.why
    assert not person.asked_not & result.answers.keys()
    for flag in result.flags_of("interaction"):
        assert flag.tell_who in INTERACTION_TELL_WHO and flag.tell_doctor, flag.id
    # Use beyond the prescription is named in the result's first lines too.
    assert ("beyond_prescription" in {h.id for h in result.harms}) is (
        "beyond_prescription" in person.flags)
    # No safer-use guide for someone who doesn't use, or takes a medicine only as prescribed.
    answers = person.answers
    if answers["substance"] == "no_use" or answers.get("outside_prescription") == "no":
        assert result.safer_use is None


@pytest.mark.parametrize("person", PEOPLE, ids=IDS)
def test_cli(app: Flask, runner: FlaskCliRunner, person: Person) -> None:
    with app.app_context():
        run = runner.invoke(args=["assess", "-"], input=json.dumps(person.answers))

    assert run.exit_code == 0, run.output
    output = json.loads(run.stdout)
    flags = {f["id"]: f for f in output["flags"]}
    severity = output["severity"]
    assert (set(flags), [p["id"] for p in output["paths"]], output["crisis_level"],
            severity["level"] if severity["is_applicable"] else "n/a") == expected(person)
    assert all("tell_who" in flag for flag in flags.values())


def test_whom_to_tell_is_kept_with_a_saved_result(content: Content) -> None:
    on_an_ssri = next(p for p in PEOPLE if "interaction_antidepressant" in p.flags)
    result = screen(on_an_ssri.answers, content)
    saved = json.loads(json.dumps(result.to_dict()))
    [antidepressant] = [f for f in saved["flags"] if f["id"] == "interaction_antidepressant"]
    assert antidepressant["tell_who"] == "prescriber"

    again = ScreeningResult.from_dict(saved)
    assert again.flags == result.flags
    assert next(f for f in again.flags if f.id == antidepressant["id"]).tell_whom == (
        "your prescriber")
    # A result saved before flags said whom to tell speaks to the doctor, as it did then.
    del antidepressant["tell_who"]
    older = ScreeningResult.from_dict(saved)
    assert {f.tell_whom for f in older.flags if f.id == antidepressant["id"]} == {"the doctor"}


def test_the_table_covers_non_users_patients_and_use_beyond_the_prescription() -> None:
    assert len(PEOPLE) >= 12
    substances = [p.answers["substance"] for p in PEOPLE]
    assert substances.count("no_use") >= 5
    assert {"as_prescribed", "beyond_prescription"} <= set().union(*(p.flags for p in PEOPLE))


# --- nothing about changing use, whatever else a non-user answers ------------------------------


def random_non_user(content: Content, rng: random.Random) -> dict[str, Any]:
    """A non-user with random answers to every question they are asked."""
    items = content.questionnaire.items
    answers = no_use(**{item: rng.choice(items[item].options).id for item in NO_USE_ITEMS})
    if answers["t_event"] == "yes":
        answers |= {t: rng.choice(("yes", "no")) for t in
                    ("t_intrusion", "t_avoid", "t_guard", "t_numb", "t_guilt")}
    if any(answers[s] != "no" for s in NO_USE_ITEMS if s.startswith("s_")):
        answers |= {"s_now": rng.choice(("yes", "no", "declined"))}
        if answers["s_attempt_ever"] != "no":
            answers |= {"s_attempt_recent": rng.choice(("yes", "no", "declined"))}
    return answers


def test_no_rule_about_changing_use_fires_for_someone_who_does_not_use(
        content: Content) -> None:
    rng = random.Random(15)
    for _ in range(400):
        result = screen(random_non_user(content, rng), content)
        assert not CHANGING_USE & {p.id for p in result.paths}, result.answers
        assert not result.severity.is_applicable
        assert result.safer_use is None, result.answers  # nothing to make safer


# --- the plan built from these answers -------------------------------------------------------

NO_ADDICTION_HELP = [p for p in PEOPLE if not CHANGING_USE & set(p.paths)]


@pytest.mark.parametrize("person", NO_ADDICTION_HELP, ids=[p.who for p in NO_ADDICTION_HELP])
def test_the_plan_suggests_no_addiction_treatment(content: Content, person: Person) -> None:
    draft = build_draft(person.answers, content, today=date(2026, 1, 31))

    offered = {line.text for line in draft.next_steps}
    assert not offered & {content.plan.next_steps[path] for path in CHANGING_USE}
    assert draft.harm_reduction == ()  # street-use safety is not for them
    assert draft.goal == "undecided"  # nothing to stop unless they choose to
    is_ketamine_treatment = person.answers.get("prescribed") in ("infusion_clinic", "at_home",
                                                                  "esketamine")
    assert (draft.therapy is not None) is is_ketamine_treatment
