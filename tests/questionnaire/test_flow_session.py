"""Answers in progress live in the encrypted session cookie: unreadable, tamper-proof,
forgettable.
"""

import base64
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.questionnaire.helpers import (
    FORGET_URL,
    LOW_RISK_KETAMINE,
    SEVERE_KETAMINE_DAILY_ALCOHOL,
    answer_questionnaire,
    markup,
    session_answers,
    set_answers,
    words,
)

# --- Privacy of answers in progress ----------------------------------------------------------


def test_the_session_cookie_does_not_reveal_the_answers(client: FlaskClient) -> None:
    answer_questionnaire(client, SEVERE_KETAMINE_DAILY_ALCOHOL)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert session_answers(client)["substance"] == "ketamine"  # it is in there, encrypted

    value = cookie.value
    padded = value.lstrip(".").split(".")[0]
    decoded = base64.urlsafe_b64decode(padded + "=" * (-len(padded) % 4))
    for secret in ("ketamine", "alcohol", "substance", "c_craving", "s_wish_dead", "answers"):
        assert secret not in value
        assert secret.encode() not in decoded
        assert secret.encode("utf-16-le") not in decoded


@pytest.mark.parametrize("tamper", [
    lambda v: v[:-5] + ("AAAAA" if not v.endswith("AAAAA") else "BBBBB"),
    lambda v: v[: len(v) // 2],
    lambda v: "garbage",
    lambda v: "",
    lambda v: base64.urlsafe_b64encode(b'{"answers": {"substance": "ketamine"}}').decode(),
])
def test_a_tampered_cookie_is_ignored(client: FlaskClient, tamper: Any) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    cookie = client.get_cookie("session")
    assert cookie is not None

    client.set_cookie("session", tamper(cookie.value))

    landing = client.get("/")
    assert landing.status_code == 200
    assert "Start the check" in words(landing)
    assert session_answers(client) == {}
    response = client.get("/screening/pattern")
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/substance"


def test_mid_check_the_landing_page_offers_to_continue_first(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)

    page = markup(client.get("/"))

    continue_at = page.index('class="button" href="/screening/result">Continue where you left off')
    assert page.index(f'href="{FORGET_URL}">Start again', continue_at)
    assert 'action="/screening/start"' not in page  # starting again asks first


def test_clearing_the_answers_asks_once_more_on_a_page_of_its_own(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)

    confirm = client.get(FORGET_URL)

    assert confirm.status_code == 200
    assert "Clear my answers and stop?" in words(confirm)
    assert f'action="{FORGET_URL}"' in markup(confirm)
    assert 'href="/screening/result">No, keep the answers' in markup(confirm)
    assert session_answers(client) == LOW_RISK_KETAMINE  # asking clears nothing


def test_forget_clears_the_answers(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    assert "Start again" in words(client.get("/"))

    response = client.post(FORGET_URL)

    assert response.status_code == 302
    assert session_answers(client) == {}
    landing = client.get("/")
    assert "Your answers have been cleared" in words(landing)
    assert "Start the check" in words(landing)
