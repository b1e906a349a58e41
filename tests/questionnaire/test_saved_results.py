"""Saving a result and the saved-result page (questionnaire/flow.py save, views.py, store.py)."""

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from recovery import db, tokens
from tests.questionnaire.helpers import (
    LOW_RISK_KETAMINE,
    SAVE_URL,
    SEVERE_KETAMINE_DAILY_ALCOHOL,
    answer_questionnaire,
    answers_before,
    assessment_count,
    markup,
    save_result,
    saved_assessments,
    session_answers,
    set_answers,
    words,
)

# --- Saving and deleting ---------------------------------------------------------------------


def test_save_stores_exactly_one_assessment(app: Flask, client: FlaskClient,
                                            content: Any) -> None:
    answer_questionnaire(client, SEVERE_KETAMINE_DAILY_ALCOHOL)
    answers = session_answers(client)

    token = save_result(client)

    rows = saved_assessments(app)
    assert len(rows) == 1
    row = rows[0]
    assert row.answers == answers
    assert row.content_version == content.version
    assert row.result["severity"]["level"] == "severe"
    assert row.result["paths"][0]["id"] == "supervised_withdrawal"
    assert row.result["content_version"] == content.version
    assert row.token_hash == tokens.hash_token(token)
    saved = client.get(f"/r/{token}")
    assert saved.status_code == 200
    assert "Medically supervised withdrawal" in words(saved)


def test_saved_page_explains_what_is_kept_and_who_can_see_it(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    token = save_result(client)

    saved = client.get(f"/r/{token}")

    text = words(saved)
    assert "Your result is saved" in text
    assert "We keep your answers and this result, nothing else" in text
    assert "no name, email or IP address" in text
    assert "Anyone with the link can see it" in text
    assert f"/r/{token}" in text
    assert f'href="/r/{token}/delete"' in markup(saved)
    assert "Save my result" not in text


def test_the_token_is_not_stored_in_plain_text(app: Flask, client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    token = save_result(client)

    with db.get_engine(app).connect() as connection:
        rows = connection.execute(text("SELECT * FROM assessment")).all()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert token not in stored
    assert token.encode().hex() not in stored


def test_delete_removes_the_result_for_good(app: Flask, client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    token = save_result(client)
    assert assessment_count(app) == 1

    response = client.post(f"/r/{token}/delete")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "deleted for good" in words(client.get("/"))
    assert assessment_count(app) == 0
    assert client.get(f"/r/{token}").status_code == 404
    assert client.post(f"/r/{token}/delete").status_code == 404


def test_delete_asks_once_more_on_a_page_of_its_own(app: Flask, client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    token = save_result(client)

    confirm = client.get(f"/r/{token}/delete")

    assert confirm.status_code == 200
    assert "Delete this saved result for good?" in words(confirm)
    assert f'action="/r/{token}/delete"' in markup(confirm)
    assert f'href="/r/{token}"' in markup(confirm)  # keeping it is one tap back
    assert assessment_count(app) == 1  # asking deletes nothing
    client.post(f"/r/{token}/delete")
    assert client.get(f"/r/{token}/delete").status_code == 404


def test_deleting_one_result_leaves_the_others(app: Flask, client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    first = save_result(client)
    second = save_result(client)
    assert first != second

    assert client.post(f"/r/{first}/delete").status_code == 302

    assert client.get(f"/r/{first}").status_code == 404
    assert client.get(f"/r/{second}").status_code == 200


@pytest.mark.parametrize("token", [
    "A" * 43,                       # well formed, but nobody has it
    "abc",                          # too short
    "A" * 44,                       # too long
    "A" * 42 + "=",                 # not in the alphabet
    "A" * 42 + "%C3%A9",            # non-ASCII
    "%00" + "A" * 42,               # a NUL byte
    "' OR 1=1 --" + "A" * 32,
])
def test_unknown_and_malformed_tokens_are_404(app: Flask, client: FlaskClient,
                                               token: str) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    save_result(client)

    assert client.get(f"/r/{token}").status_code == 404
    assert client.get(f"/r/{token}/delete").status_code == 404
    assert client.post(f"/r/{token}/delete").status_code == 404
    assert assessment_count(app) == 1


@pytest.mark.parametrize("answers", [
    {},
    answers_before("body", LOW_RISK_KETAMINE),
    {k: v for k, v in LOW_RISK_KETAMINE.items() if k != "support_person"},
])
def test_saving_before_finishing_is_409_and_writes_nothing(
        app: Flask, client: FlaskClient, answers: dict[str, Any]) -> None:
    set_answers(client, answers)

    response = client.post(SAVE_URL)

    assert response.status_code == 409
    assert "Traceback" not in markup(response)
    assert assessment_count(app) == 0
