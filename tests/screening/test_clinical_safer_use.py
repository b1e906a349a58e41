"""Safer-use guidance on the result (seeds/safer_use.yaml), as a clinical table: one row per
described person, with what a careful clinician would expect and why. Anchors are sections of
shared/reference/clinical-facts.md.

Who sees it: someone not ready to change, or not sure, who has used in the past year; anyone who
used in the past month (they are using until they stop). Never someone who doesn't use any
(principle 2), nor someone who takes a prescribed medicine only as prescribed (their treatment's
aftercare applies, principle 1). Crisis help
doesn't hide it: the page shows crisis help first and this as well.
"""

import copy
from dataclasses import dataclass
from typing import Any

import pytest

from recovery.content.model import Content
from recovery.screening.engine import screen
from tests.screening_results import LOW_RISK_KETAMINE

NOT_READY = "You said you don't see your use as a problem"
UNSURE = "You're thinking about changing but aren't sure yet"
RECENT = "You used in the past month"
KETAMINE = "Staying safer with ketamine"


@dataclass(frozen=True)
class Person:
    description: str
    answers: dict[str, Any]  # changes to the low-risk ketamine answers
    title: str | None  # the section's heading, or None when it isn't shown
    reasons: tuple[str, ...]  # how each reason shown begins, in order
    rationale: str


PEOPLE = [
    Person("23, ketamine at weekends, often alone, doesn't see a problem",
           {"readiness": "not_ready", "last_use": "past_week", "frequency": "weekly",
            "w_alone_secret": "yes"},
           KETAMINE, (NOT_READY, RECENT),
           "Still using and not ready to change: harm reduction is what helps now (§8.5)."),
    Person("Ketamine a few times last year, thinking about changing, unsure",
           {"readiness": "unsure", "last_use": "past_year"},
           KETAMINE, (UNSURE,),
           "Not decided and may use again: the guidance is for the next time (§8.5)."),
    Person("Ketamine last month, getting ready to stop",
           {"readiness": "preparing", "last_use": "past_month"},
           KETAMINE, (RECENT,),
           "Ready to stop but still using until then; each time until then can be safer (§8.5)."),
    Person("Ketamine last used months ago, getting ready to stay stopped",
           {"readiness": "preparing", "last_use": "past_year"},
           None, (),
           "Not using now and ready to change: the plan's lapse steps fit, not use advice."),
    Person("Not ready to change, but no ketamine for over a year",
           {"readiness": "not_ready", "last_use": "over_year"},
           None, (),
           "Nothing is being used now, so there is nothing to make safer."),
    Person("At-home ketamine treatment taken only as prescribed, used this week",
           {"prescribed": "at_home", "outside_prescription": "no", "last_use": "past_week",
            "readiness": "not_ready"},
           None, (),
           "Prescribed use as prescribed is not an addiction; the treatment's aftercare applies "
           "(§1, principle 1)."),
    Person("Doesn't use any drugs or alcohol (use answers left from going back are dropped)",
           {"substance": "no_use", "last_use": "past_week", "readiness": "not_ready"},
           None, (),
           "Not using is an answer (principle 2): there is nothing to make safer, and street-use "
           "advice would read as if they did."),
    Person("Clinic infusions, plus extra ketamine on the side, not ready to change",
           {"prescribed": "infusion_clinic", "outside_prescription": "yes",
            "last_use": "past_week", "readiness": "not_ready"},
           KETAMINE, (NOT_READY, RECENT),
           "Use beyond the prescription carries the street risks (§8.5, principle 3)."),
    Person("Ketamine this week, not ready, thinking of ending their life right now",
           {"readiness": "not_ready", "last_use": "past_week", "s_wish_dead": "yes",
            "s_now": "yes"},
           KETAMINE, (NOT_READY, RECENT),
           "Crisis help comes first (§5.4), and the safer-use guidance is still there below it."),
    Person("Drinks every day, not ready to change",
           {"substance": "alcohol", "last_use": "past_week", "frequency": "daily",
            "depressant_daily": "yes", "readiness": "not_ready"},
           "Staying safer with alcohol", (NOT_READY, RECENT),
           "Depressants: never mix them, and stopping after daily use needs a doctor (§8.5)."),
    Person("Cannabis last month, unsure about changing",
           {"substance": "cannabis", "last_use": "past_month", "readiness": "unsure"},
           "Staying safer with cannabis", (UNSURE, RECENT),
           "Every substance gets guidance of its own kind, not ketamine's (§8.5)."),
]


def answers_of(person: Person) -> dict[str, Any]:
    answers = copy.deepcopy(LOW_RISK_KETAMINE)
    answers.update(person.answers)
    if answers["substance"] == "alcohol":
        answers.pop("prescribed")  # not asked about alcohol
    return answers


@pytest.mark.parametrize("person", [pytest.param(p, id=p.description) for p in PEOPLE])
def test_who_sees_safer_use_guidance(content: Content, person: Person) -> None:
    result = screen(answers_of(person), content)

    if person.title is None:
        assert result.safer_use is None
        return
    assert result.safer_use is not None
    assert result.safer_use.title == person.title
    reasons = [reason.because for reason in result.safer_use.reasons]
    assert len(reasons) == len(person.reasons)
    for reason, start in zip(reasons, person.reasons, strict=True):
        assert reason.startswith(start)
    # Every reason names the answers behind it, like a path's.
    assert all(reason.evidence for reason in result.safer_use.reasons)


def test_the_ketamine_guidance_covers_what_a_clinician_would_say(content: Content) -> None:
    """§8.3-8.5: never alone, start low and leave long gaps, no depressants, drug checking,
    the K-hole, the bladder warning signs and when to see a doctor, and what to do if someone
    can't be woken."""
    result = screen(answers_of(PEOPLE[0]), content)
    assert result.safer_use is not None
    text = " ".join(result.safer_use.lines)

    for words in ("Never use alone", "small amount", "long gaps", "alcohol, benzodiazepines, "
                  "opioids, GHB", "drug-checking", "K-hole", "pee often or urgently",
                  "see your primary care doctor within a week or two", "the same day",
                  "can't be woken"):
        assert words in text


def test_crisis_help_still_comes_first(content: Content) -> None:
    crisis_row = next(p for p in PEOPLE if "ending their life" in p.description)
    result = screen(answers_of(crisis_row), content)

    assert result.crisis_level == "emergency" and result.flags[0].kind == "crisis"
    assert result.safer_use is not None


def test_depressant_guidance_warns_against_stopping_suddenly(content: Content) -> None:
    alcohol = next(p for p in PEOPLE if p.title == "Staying safer with alcohol")
    result = screen(answers_of(alcohol), content)

    assert result.safer_use is not None
    assert any("don't stop suddenly" in line for line in result.safer_use.lines)
    assert not any("K-hole" in line for line in result.safer_use.lines)


def test_a_saved_result_keeps_the_guidance(content: Content) -> None:
    from recovery.screening.result import ScreeningResult

    result = screen(answers_of(PEOPLE[0]), content)
    again = ScreeningResult.from_dict(result.to_dict(), result.answers)

    assert again.safer_use == result.safer_use
    old = {k: v for k, v in result.to_dict().items() if k != "safer_use"}
    assert ScreeningResult.from_dict(old).safer_use is None  # saved before it existed


def test_every_substance_offered_has_guidance(content: Content) -> None:
    for substance in ("ketamine", "alcohol", "cannabis", "stimulants", "opioids",
                      "benzodiazepines", "other"):
        assert content.safer_use.guide_for(substance) is not None, substance
