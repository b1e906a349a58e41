"""Every form of the questionnaire flow and saved results needs the page's CSRF token."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session
from werkzeug.test import TestResponse

from recovery import db
from recovery.questionnaire import store
from tests.questionnaire.helpers import (
    FORGET_URL,
    LOW_RISK_KETAMINE,
    RESULT_URL,
    SAVE_URL,
    START_URL,
    STEPS,
    Page,
    answers_before,
    assessment_count,
    markup,
    session_answers,
    set_answers,
    step_answers,
    words,
)
from tests.screening_results import low_risk_result

# --- CSRF ------------------------------------------------------------------------------------


def refused_for_csrf(response: TestResponse) -> bool:
    return (response.status_code == 400
            and "This form has expired or was sent from somewhere else" in words(response)
            and "Traceback" not in markup(response))


@pytest.mark.parametrize("step_id", list(STEPS))
def test_step_without_csrf_token_is_refused(csrf_client: FlaskClient, step_id: str) -> None:
    earlier = answers_before(step_id)
    set_answers(csrf_client, earlier)

    response = csrf_client.post(f"/screening/{step_id}",
                                data={**step_answers(step_id), "nav": "next"})

    assert refused_for_csrf(response)
    assert session_answers(csrf_client) == earlier


@pytest.mark.parametrize("url", [START_URL, FORGET_URL])
def test_start_and_forget_without_csrf_token_are_refused(csrf_client: FlaskClient,
                                                         url: str) -> None:
    set_answers(csrf_client, LOW_RISK_KETAMINE)

    response = csrf_client.post(url)

    assert refused_for_csrf(response)
    assert session_answers(csrf_client) == LOW_RISK_KETAMINE


def test_save_without_csrf_token_is_refused(app_csrf: Flask, csrf_client: FlaskClient) -> None:
    set_answers(csrf_client, LOW_RISK_KETAMINE)

    assert refused_for_csrf(csrf_client.post(SAVE_URL))
    assert refused_for_csrf(csrf_client.post(SAVE_URL, data={"csrf_token": "forged"}))
    assert assessment_count(app_csrf) == 0


def test_delete_without_csrf_token_is_refused(app_csrf: Flask, csrf_client: FlaskClient) -> None:
    with Session(db.get_engine(app_csrf)) as session:
        token = store.save_assessment(session, answers={"substance": "ketamine"},
                                      result=low_risk_result(app_csrf), content_version="test")
        session.commit()

    assert refused_for_csrf(csrf_client.post(f"/r/{token}/delete"))
    assert assessment_count(app_csrf) == 1


def test_the_pages_own_csrf_tokens_are_accepted(app_csrf: Flask,
                                                csrf_client: FlaskClient) -> None:
    landing = Page(markup(csrf_client.get("/")))
    token = landing.hidden("csrf_token")
    assert token
    response = csrf_client.post(START_URL, data={"csrf_token": token})
    assert response.headers["Location"] == "/screening/substance"

    page = Page(markup(csrf_client.get("/screening/substance")))
    response = csrf_client.post("/screening/substance", data={
        **step_answers("substance", LOW_RISK_KETAMINE), "nav": "next",
        "csrf_token": page.hidden("csrf_token")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/recent_use"

    set_answers(csrf_client, LOW_RISK_KETAMINE)
    result = Page(markup(csrf_client.get(RESULT_URL)))
    response = csrf_client.post(SAVE_URL, data={"csrf_token": result.hidden("csrf_token")})
    assert response.status_code == 302
    assert assessment_count(app_csrf) == 1
