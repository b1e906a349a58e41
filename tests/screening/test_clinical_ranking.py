"""Clinical tables (issue 15, principles 5-10): described persons, run through the engine and
through `flask --app recovery assess`, each with the outcome a careful clinician expects.

One row per person: a short description, the answers (a low-risk ketamine user, changed only
where the row says), the expected outcome and a one-line rationale (§ = a section of
../shared/reference/clinical-facts.md). Both runs are checked by the same function on the
result as JSON, so the engine and the CLI can't drift apart. The crisis and medical rows are
also walked in the browser (tests/browser/test_clinical_journeys.py).
"""

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from recovery.content.model import Content
from recovery.screening.engine import screen

LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))
CHECKLIST = ("c_more_than_meant", "c_cut_down", "c_time_spent", "c_craving", "c_duties",
             "c_relationships", "c_gave_up", "c_hazard", "c_despite_harm", "c_tolerance",
             "c_withdrawal")


def answers(**changes: Any) -> dict[str, Any]:
    """A complete answer set: the low-risk ketamine user with `changes`."""
    return {**copy.deepcopy(LOW_RISK_KETAMINE), **changes}


def at_risk(**changes: Any) -> dict[str, Any]:
    """Safety answers that open the follow-up page, which then asks about right now."""
    return answers(**{"s_now": "no", **changes})


def yes_to(count: int) -> dict[str, str]:
    return dict.fromkeys(CHECKLIST[:count], "yes")


def mood(interest: str, down: str) -> dict[str, str]:
    return {"m_interest": interest, "m_down": down}


def trauma(yes: int) -> dict[str, str]:
    items = ("t_intrusion", "t_avoid", "t_guard", "t_numb", "t_guilt")
    return {"t_event": "yes", **{item: "yes" if i < yes else "no" for i, item in enumerate(items)}}


@dataclass(frozen=True)
class Expect:
    """What must hold; a field left at its default is not checked."""

    crisis: str = "none"  # crisis_level
    level: str | None = None  # the use checklist's band ("" when it doesn't apply)
    score: int | None = None
    first: tuple[str, ...] = ()  # the first paths, in this order
    above: tuple[tuple[str, str], ...] = ()  # (a, b): a is suggested and ranked above b
    paths: tuple[str, ...] = ()  # suggested
    no_paths: tuple[str, ...] = ()  # not suggested
    flags: tuple[str, ...] = ()  # raised
    no_flags: tuple[str, ...] = ()
    danger: tuple[str, ...] | None = None  # exactly these urgent safety warnings
    harms: tuple[str, ...] | None = None  # exactly these harms named, in order
    priorities: tuple[str, ...] | None = None  # what matters most: kinds in order
    reasons: tuple[tuple[str, str], ...] = ()  # (path, words in one of its reasons)
    not_reasons: tuple[tuple[str, str], ...] = ()  # (path, words in none of its reasons)
    ranked: tuple[str, ...] = ()  # paths that say why they were moved up
    about: str = ""  # words in the use checklist's explanation


@dataclass(frozen=True)
class Person:
    id: str
    who: str
    answers: dict[str, Any]
    expect: Expect
    why: str
    tags: tuple[str, ...] = field(default=())  # "crisis", "medical": walked in the browser too


def row(id: str, who: str, given: dict[str, Any], expect: Expect, why: str,
        *tags: str) -> Any:
    return pytest.param(Person(id, who, given, expect, why, tags), id=id)


TODAY, NOW = "today", "emergency"

CRISIS_ROWS = [
    row("now-yes", "wished to be dead, and is thinking of suicide right now",
        at_risk(s_wish_dead="yes", s_now="yes"),
        Expect(crisis=NOW, flags=("suicide_risk_now", "suicide_risk"),
               priorities=("crisis", "path")),
        "§5.5: 'right now' yes is an acute positive, imminent risk", "crisis"),
    row("now-declined", "wished to be dead, would rather not say about right now",
        at_risk(s_wish_dead="yes", s_now="declined"),
        Expect(crisis=NOW, flags=("suicide_risk_now",), priorities=("crisis", "path")),
        "§5.5: refusing to answer is positive; on 'right now' it is treated as acute, like yes",
        "crisis"),
    row("attempt-recent", "tried to end their life within the past 3 months",
        at_risk(s_attempt_ever="yes", s_attempt_recent="yes"),
        Expect(crisis=NOW, flags=("suicide_risk_now",)),
        "§5.4: an attempt in the past 3 months is the high-risk row: immediate evaluation"),
    row("attempt-recent-declined", "tried before, would rather not say when",
        at_risk(s_attempt_ever="yes", s_attempt_recent="declined"),
        Expect(crisis=NOW, flags=("suicide_risk_now",)),
        "§5.4-5.5: a refused answer on a high-risk item counts as that risk"),
    row("wish-dead", "wished to be dead in the past few weeks, not right now",
        at_risk(s_wish_dead="yes"),
        Expect(crisis=TODAY, flags=("suicide_risk",), no_flags=("suicide_risk_now",)),
        "§5.5: any yes with 'right now' no is a non-acute positive: help today", "crisis"),
    row("wish-dead-declined", "would rather not say whether they wished to be dead",
        at_risk(s_wish_dead="declined"),
        Expect(crisis=TODAY, flags=("suicide_risk",), no_flags=("suicide_risk_now",)),
        "§5.5: refusal to answer is positive"),
    row("better-off", "felt others would be better off if they were dead",
        at_risk(s_better_off="yes"), Expect(crisis=TODAY, flags=("suicide_risk",)),
        "§5.5 Q2: a yes is a positive screen"),
    row("better-off-declined", "would rather not say whether others would be better off",
        at_risk(s_better_off="declined"), Expect(crisis=TODAY, flags=("suicide_risk",)),
        "§5.5: refusal to answer is positive"),
    row("thoughts-week", "had thoughts of killing themself in the past week",
        at_risk(s_thoughts_week="yes"), Expect(crisis=TODAY, flags=("suicide_risk",)),
        "§5.5 Q3: a yes is a positive screen"),
    row("thoughts-week-declined", "would rather not say about thoughts this week",
        at_risk(s_thoughts_week="declined"), Expect(crisis=TODAY, flags=("suicide_risk",)),
        "§5.5: refusal to answer is positive"),
    row("attempt-older", "tried to end their life more than 3 months ago",
        at_risk(s_attempt_ever="yes", s_attempt_recent="no"),
        Expect(crisis=TODAY, flags=("suicide_risk",), no_flags=("suicide_risk_now",)),
        "§5.4: an attempt longer ago is moderate risk: evaluation and a safety plan"),
    row("attempt-ever-declined", "would rather not say whether they ever tried",
        at_risk(s_attempt_ever="declined", s_attempt_recent="no"),
        Expect(crisis=TODAY, flags=("suicide_risk",)),
        "§5.5: refusal to answer is positive"),
    row("all-no", "answers no to every safety question",
        answers(), Expect(crisis="none", no_flags=("suicide_risk", "suicide_risk_now"),
                          priorities=("path",)),
        "§5.5: all no is a negative screen; the crisis lines stay in the footer (§5.6.4)"),
]

BAND_ROWS = [
    row("checklist-1", "ketamine, one checklist area", answers(**yes_to(1)),
        Expect(level="none", score=1, first=("brief_advice",)), "§1.3: 0-1 is no disorder"),
    row("checklist-2", "ketamine, two checklist areas", answers(**yes_to(2)),
        Expect(level="mild", score=2, paths=("brief_advice", "peer_support")),
        "§1.3: 2-3 is mild; §9: brief intervention and self-help"),
    row("checklist-3", "ketamine, three checklist areas", answers(**yes_to(3)),
        Expect(level="mild", score=3, no_paths=("outpatient_aftercare",)), "§1.3: 3 is mild"),
    row("checklist-4", "ketamine, four checklist areas", answers(**yes_to(4)),
        Expect(level="moderate", score=4, paths=("outpatient_aftercare", "cbt"),
               no_paths=("brief_advice",)),
        "§1.3: 4-5 is moderate; §9: structured outpatient counselling"),
    row("checklist-5", "ketamine, five checklist areas", answers(**yes_to(5)),
        Expect(level="moderate", score=5, no_paths=("residential",)), "§1.3: 5 is moderate"),
    row("checklist-6", "ketamine, six checklist areas", answers(**yes_to(6)),
        Expect(level="severe", score=6, first=("outpatient_aftercare",)),
        "§1.3: 6 or more is severe; §9: specialist, intensive help"),
    row("alcohol-all", "alcohol, every checklist area",
        answers(substance="alcohol", depressant_daily="no", **yes_to(11)),
        Expect(level="severe", score=11, about="11 areas"),
        "§1.2: alcohol has 11 areas, withdrawal included"),
    row("mood-2", "low mood on several days (score 2 of 6)",
        answers(**mood("several_days", "several_days")),
        Expect(no_flags=("mood_raised",), no_paths=("dual_diagnosis",)),
        "§5.1: below the cut-off of 3 for a 2-question mood screen"),
    row("mood-3", "low mood on most days (score 3 of 6)",
        answers(**mood("most_days", "several_days")),
        Expect(flags=("mood_raised",), paths=("dual_diagnosis",)),
        "§5.1, §9: a raised mood screen points to integrated care"),
    row("anxiety-2", "worry on several days (score 2 of 6)",
        answers(a_nervous="several_days", a_worry="several_days"),
        Expect(no_flags=("anxiety_raised",)), "§5.2: below the cut-off of 3"),
    row("anxiety-3", "worry most days (score 3 of 6)",
        answers(a_nervous="most_days", a_worry="several_days"),
        Expect(flags=("anxiety_raised",), paths=("dual_diagnosis",)),
        "§5.2, §9: a raised anxiety screen points to integrated care"),
    row("trauma-2", "a hard experience, two of five after-effects", answers(**trauma(2)),
        Expect(no_flags=("trauma_raised",)), "§5.3: below the cut-off of 3"),
    row("trauma-3", "a hard experience, three of five after-effects", answers(**trauma(3)),
        Expect(flags=("trauma_raised",), paths=("dual_diagnosis",)),
        "§5.3, §9: a positive trauma screen points to trauma-aware integrated care"),
]

DANGER_ROWS = [
    row("ketamine-alcohol-together", "ketamine with alcohol at the same time, not daily",
        answers(co_use=["alcohol"], co_use_together="yes", depressant_daily="no"),
        Expect(danger=("depressant_mixing",)),
        "§8.5: depressant combinations stop breathing and cause most drug deaths"),
    row("ketamine-ghb-together", "ketamine with GHB at the same time",
        answers(co_use=["other_depressants"], co_use_together="yes", depressant_daily="no"),
        Expect(danger=("depressant_mixing",)), "§8.5: GHB/GBL is a depressant"),
    row("ketamine-daily-benzos", "ketamine, and benzodiazepines every day (not together)",
        answers(co_use=["benzodiazepines"], co_use_together="no", depressant_daily="yes"),
        Expect(danger=("depressant_dependence",), first=("supervised_withdrawal",)),
        "§8.2, §6.5 D1: benzodiazepine dependence makes stopping dangerous: supervised"),
    row("ketamine-opioids-moderate", "ketamine with opioids together, moderate checklist",
        answers(co_use=["opioids"], co_use_together="yes", depressant_daily="no",
                **yes_to(4)),
        Expect(danger=("depressant_mixing",), first=("supervised_withdrawal",)),
        "§8.5, §9: high-risk combinations lead to a supervised withdrawal assessment"),
    row("ketamine-stimulants", "ketamine with cocaine together: a strain, not a danger flag",
        answers(co_use=["stimulants"], co_use_together="yes"),
        Expect(danger=(), flags=("stimulant_mixing",)),
        "§8.5: stimulant mixes strain the heart; the deadly-mix warning is for depressants"),
]

BODY_ROWS = [
    row("daily-years-blood", "ketamine nearly every day for 1-3 years, blood in the pee, "
        "no checklist area", answers(frequency="daily", duration="years_1_3",
                                     symptoms=["blood_urine"]),
        Expect(level="none", first=("medical_care",), no_paths=("brief_advice",),
               harms=("bladder_urgent", "bladder_ketamine", "near_daily"),
               priorities=("medical", "path"), flags=("urinary_urgent", "near_daily_use")),
        "§8.3: visible blood in urine with ketamine needs same-day care; stopping is the "
        "mainstay", "medical"),
    row("daily-years-only", "ketamine nearly every day for more than 3 years, nothing else",
        answers(frequency="daily", duration="years_3_plus"),
        Expect(first=("medical_care",), harms=("near_daily",), no_paths=("brief_advice",),
               reasons=(("medical_care", "nearly every day"),)),
        "§8.3-8.4: harm grows with frequency and duration of use; §1.6: heavy use even "
        "without a count"),
    row("monthly-yellow-skin", "ketamine about monthly, yellowing eyes",
        answers(frequency="monthly", symptoms=["yellow_skin"]),
        Expect(first=("medical_care",), harms=("liver",), priorities=("medical", "path"),
               no_flags=("near_daily_use",)),
        "§8.4: jaundice needs an urgent medical review", "medical"),
    row("ketamine-pee-often", "ketamine, needing to pee often",
        answers(symptoms=["pee_often"]),
        Expect(first=("medical_care",), harms=("bladder_ketamine",),
               reasons=(("medical_care", "bladder"),)),
        "§8.3: any urinary symptom with ketamine: see a doctor and say so"),
    row("chest-pain", "ketamine, chest pain and a racing heart",
        answers(symptoms=["chest_pain"]),
        Expect(first=("medical_care",), harms=("heart",), priorities=("medical", "path")),
        "§8.4: raised heart rate and blood pressure; chest pain can be an emergency", "medical"),
    row("daily-few-months", "ketamine nearly every day, for under 6 months",
        answers(frequency="daily", duration="months_0_6"),
        Expect(first=("brief_advice",), harms=(), no_flags=("near_daily_use",)),
        "control: near-daily for months or years is the pattern; a few weeks is not yet"),
    row("daily-blood-daily-alcohol", "ketamine daily for years with blood in the pee, and "
        "alcohol every day", answers(frequency="daily", duration="years_1_3",
                                     symptoms=["blood_urine"], co_use=["alcohol"],
                                     co_use_together="no", depressant_daily="yes"),
        Expect(first=("supervised_withdrawal", "medical_care"),
               ranked=("supervised_withdrawal",), danger=("depressant_dependence",)),
        "§6.5 D1, §8.2: alcohol dependence makes stopping dangerous, so a supervised "
        "withdrawal assessment (itself medical care) comes first", "medical"),
]

MIND_ROWS = [
    row("suicide-severe-withdrawal", "wished to be dead; severe ketamine checklist and feels "
        "unwell without it", at_risk(s_wish_dead="yes", c_withdrawal="yes", **yes_to(6)),
        Expect(crisis=TODAY, above=(("dual_diagnosis", "supervised_withdrawal"),),
               ranked=("dual_diagnosis",), reasons=(("dual_diagnosis", "safety plan"),)),
        "§8.2: severe depression or suicidality calls for integrated care; ketamine "
        "withdrawal alone is rarely dangerous", "crisis"),
    row("suicide-daily-alcohol", "wished to be dead, and drinks every day",
        at_risk(s_wish_dead="yes", substance="alcohol", depressant_daily="yes"),
        Expect(crisis=TODAY, above=(("supervised_withdrawal", "dual_diagnosis"),),
               danger=("depressant_dependence",)),
        "§6.5 D1, §8.2: alcohol withdrawal can be dangerous, so detox stays first"),
    row("suicide-severe-unstable-home", "better off dead; severe checklist; might lose home",
        at_risk(s_better_off="yes", housing="unstable", **yes_to(6)),
        Expect(crisis=TODAY, above=(("dual_diagnosis", "residential"),
                                    ("dual_diagnosis", "housing_support")),
               ranked=("dual_diagnosis",)),
        "§5.6, §9: a positive suicide screen puts mental-health care and a safety plan first"),
    row("suicide-now-bladder", "thinking of suicide right now, ketamine with blood in the pee",
        at_risk(s_wish_dead="yes", s_now="yes", symptoms=["blood_urine"]),
        Expect(crisis=NOW, priorities=("crisis", "medical", "path"), first=("medical_care",),
               above=(("medical_care", "dual_diagnosis"),)),
        "§5.6: crisis help first, then the same-day medical need (§8.3), then the first step",
        "crisis", "medical"),
]

HOUSING_ROWS = [
    row("unstable-low-risk", "low checklist, staying with friends for now",
        answers(housing="unstable"), Expect(paths=("housing_support",)),
        "§9, ASAM D6: an unstable home shapes care at any severity"),
    row("no-home-moderate", "moderate checklist, no place to live",
        answers(housing="no_home", **yes_to(4)),
        Expect(paths=("housing_support", "outpatient_aftercare"), no_paths=("residential",)),
        "§9, ASAM D6: housing support alongside outpatient care"),
    row("stable-home", "low checklist, a safe stable home", answers(housing="stable"),
        Expect(no_paths=("housing_support",)), "control: no housing need"),
]

WORDS_ROWS = [
    row("not-ready", "doesn't see it as a problem", answers(readiness="not_ready"),
        Expect(reasons=(("brief_advice", "don't see your use as a problem"),),
               not_reasons=(("brief_advice", "sure yet"),)),
        "§7: motivational interviewing meets people where they are, in their words"),
    row("unsure", "thinking about changing, not sure", answers(readiness="unsure"),
        Expect(reasons=(("brief_advice", "aren't sure yet"),),
               not_reasons=(("brief_advice", "don't see"),)),
        "§7: ambivalence is its own stage"),
    row("preparing-mild", "getting ready to change, mild checklist",
        answers(readiness="preparing", **yes_to(2)),
        Expect(reasons=(("cbt", "getting ready"),)),
        "§7.1: CBT relapse prevention gives skills for the first weeks"),
    row("changing-mild", "already making changes, mild checklist",
        answers(readiness="changing", **yes_to(2)),
        Expect(reasons=(("peer_support", "already started"),)),
        "§7.3: peer support keeps changes going"),
    row("ketamine-areas", "ketamine: the checklist has 10 areas",
        answers(**yes_to(2)), Expect(about="10 areas"),
        "§1.6: ketamine's checklist has no withdrawal area, so 10"),
    row("prescribed-areas", "ketamine at a clinic, taken only as prescribed",
        answers(prescribed="infusion_clinic", outside_prescription="no"),
        Expect(about="9 areas"), "§1.4: tolerance and withdrawal don't count as prescribed"),
]

PERSONS = [*CRISIS_ROWS, *BAND_ROWS, *DANGER_ROWS, *BODY_ROWS, *MIND_ROWS, *HOUSING_ROWS,
           *WORDS_ROWS]


def check(person: Person, data: dict[str, Any]) -> None:
    """The expected outcome, on a result as JSON (`ScreeningResult.to_dict` or `assess`)."""
    expect = person.expect
    paths = [p["id"] for p in data["paths"]]
    flags = {f["id"]: f for f in data["flags"]}
    severity = data["severity"]
    assert data["crisis_level"] == expect.crisis
    assert data["is_at_risk"] is (expect.crisis != "none")
    if expect.crisis != "none":
        assert data["flags"][0]["kind"] == "crisis", "crisis help comes first"
    if expect.level is not None:
        assert severity["level"] == expect.level
    if expect.score is not None:
        assert severity["score"] == expect.score
    assert paths[:len(expect.first)] == list(expect.first), paths
    for higher, lower in expect.above:
        assert higher in paths and lower in paths, (higher, lower, paths)
        assert paths.index(higher) < paths.index(lower), paths
    assert set(expect.paths) <= set(paths), paths
    assert not set(expect.no_paths) & set(paths), paths
    assert set(expect.flags) <= flags.keys(), list(flags)
    assert not set(expect.no_flags) & flags.keys(), list(flags)
    if expect.danger is not None:
        assert [f for f in flags if flags[f]["kind"] == "danger"] == list(expect.danger)
    if expect.harms is not None:
        assert [h["id"] for h in data["harms"]] == list(expect.harms)
    if expect.priorities is not None:
        assert [p["kind"] for p in data["what_matters"]] == list(expect.priorities)
    check_words(person, data)


def check_words(person: Person, data: dict[str, Any]) -> None:
    expect = person.expect
    reasons = {p["id"]: " ".join(r["because"] for r in p["reasons"]) for p in data["paths"]}
    for path, words in expect.reasons:
        assert words in reasons.get(path, ""), (path, reasons.get(path))
    for path, words in expect.not_reasons:
        assert words not in reasons.get(path, ""), (path, reasons.get(path))
    moved = {p["id"] for p in data["paths"] if p["ranked_because"]}
    assert moved == set(expect.ranked), moved
    assert expect.about in data["severity"]["about"]
    # Words that match the answers, everywhere: never the old band words, never a count of
    # areas that isn't the scale's own, never ASAM jargon for the person.
    assert data["severity"]["label"] != "No clear sign of a problem"
    assert "{areas}" not in data["severity"]["about"]
    assert "ASAM" not in data["notice"] and "not a diagnosis" in data["notice"]
    for harm in data["harms"]:
        assert harm["evidence"], harm["id"]  # every harm named says which answers show it


def test_the_table_covers_every_principle_and_route() -> None:
    assert len(PERSONS) >= 18
    tagged = [p.values[0] for p in PERSONS]
    assert len({p.id for p in tagged}) == len(tagged)
    assert all(p.why.strip() and p.who.strip() for p in tagged)


@pytest.mark.parametrize("person", PERSONS)
def test_engine(content: Content, person: Person) -> None:
    result = screen(person.answers, content)

    check(person, json.loads(json.dumps(result.to_dict())))


@pytest.mark.parametrize("person", PERSONS)
def test_assess_command(app: Flask, runner: FlaskCliRunner, person: Person) -> None:
    with app.app_context():
        outcome = runner.invoke(args=["assess", "-"], input=json.dumps(person.answers))

    assert outcome.exit_code == 0, outcome.output
    data = json.loads(outcome.stdout)
    check(person, data)
    assert data["answers"]["substance"] == person.answers["substance"]
