"""Use status in the self-screening (issue 15, principles 1-4): "I don't use any" on the first
page skips every question about use, and a prescribed treatment gets its own safety guidance.
The engine's side is tests/screening/test_clinical_use_status.py; the counselor's mount of the
same steps is in tests/counselor/test_screenings.py."""

from flask import Flask
from flask.testing import FlaskClient

from recovery.content.model import Content
from tests.questionnaire.helpers import LOW_RISK_KETAMINE, answer_questionnaire, person, words

NON_USER = {"substance": "no_use", "m_interest": "most_days", "m_down": "several_days",
            **{k: LOW_RISK_KETAMINE[k] for k in (
                "a_nervous", "a_worry", "t_event", "s_wish_dead", "s_better_off",
                "s_thoughts_week", "s_attempt_ever", "housing", "support_person")}}
AT_HOME_PATIENT = person(prescribed="at_home", outside_prescription="no", route=["swallow"],
                         medicines=["antidepressant"])


def path_titles(app: Flask, *ids: str) -> list[str]:
    content: Content = app.extensions["recovery.content"]
    return [p.title for p in content.paths if p.id in ids]


def test_someone_who_does_not_use_is_asked_only_about_mood_safety_and_situation(
        app: Flask, client: FlaskClient) -> None:
    journey = answer_questionnaire(client, NON_USER)

    assert journey.steps == ["substance", "mood", "safety", "situation"]
    assert journey.questions[-2:] == ["housing", "support_person"]
    # The count drops the pages about use at once (trauma and safety_more may still show).
    assert journey.visits[1].progress == (2, 6)
    assert journey.visits[-1].progress == (4, 4)
    assert journey.result is not None
    text = words(journey.result)
    assert "I don't use any drugs or alcohol" in words(journey.visits[0].response)
    assert "the use checklist doesn't apply" in text
    assert "Care for your mood, worry or a hard experience" in text
    for title in path_titles(app, "brief_advice", "dual_diagnosis", "peer_support", "cbt"):
        assert title not in text
    assert "Your prescribed treatment" not in text


def test_an_as_prescribed_patient_gets_their_treatment_safety_not_addiction_help(
        app: Flask, client: FlaskClient) -> None:
    journey = answer_questionnaire(client, AT_HOME_PATIENT)

    assert "readiness" not in journey.questions and "relapsed" not in journey.questions
    assert journey.result is not None
    text = words(journey.result)
    treatment = text.split("Your prescribed treatment", 1)[1].split("Suggested next steps")[0]
    assert "Taking ketamine as prescribed" in treatment
    assert "don't drive or use machinery until the next day" in treatment
    assert "sober adult you trust" in treatment
    # The interaction says whom to tell and what.
    assert "Tell your prescriber: That you take ketamine, prescribed or not" in text
    for title in path_titles(app, "brief_advice", "peer_support", "prescriber_review"):
        assert title not in text


def test_use_beyond_the_prescription_says_to_talk_to_the_prescriber(
        app: Flask, client: FlaskClient) -> None:
    journey = answer_questionnaire(client, AT_HOME_PATIENT | {"outside_prescription": "yes"})

    assert journey.result is not None
    text = words(journey.result)
    assert "Taking ketamine beyond your prescription" in text
    assert "Tell your prescriber: How much you really take and how often" in text
    suggested = text.split("Suggested next steps", 1)[1]
    [first] = path_titles(app, "prescriber_review")
    assert suggested.index(first) < suggested.index(path_titles(app, "brief_advice")[0])
