"""Security headers and outgoing links on every kind of questionnaire page."""

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.questionnaire.helpers import (
    LOW_RISK_KETAMINE,
    RESULT_URL,
    SUPPORT_URL,
    Page,
    answers_before,
    markup,
    person,
    save_result,
    set_answers,
)

# --- Headers and links -----------------------------------------------------------------------


def open_page(client: FlaskClient, name: str) -> TestResponse:
    """One page of each kind, reached the way a person would reach it."""
    if name == "landing":
        return client.get("/")
    if name == "step":
        set_answers(client, answers_before("pattern", LOW_RISK_KETAMINE))
        return client.get("/screening/pattern")
    if name == "step with errors":
        return client.post("/screening/substance", data={"nav": "next"})
    if name == "support":
        set_answers(client, person(s_wish_dead="yes", s_now="no"))
        return client.get(SUPPORT_URL)
    if name == "result":
        set_answers(client, person(s_wish_dead="yes", s_now="no", symptoms=["chest_pain"]))
        return client.get(RESULT_URL)
    if name == "saved":
        set_answers(client, person(symptoms=["blood_urine"]))
        return client.get(f"/r/{save_result(client)}")
    if name == "not found":
        return client.get("/r/nope")
    raise ValueError(name)


CRISIS_CHAT = "https://988lifeline.org/chat"
PAGES = ["landing", "step", "step with errors", "support", "result", "saved", "not found"]


@pytest.mark.parametrize("name", PAGES)
def test_security_headers(client: FlaskClient, name: str) -> None:
    response = open_page(client, name)
    assert response.status_code in (200, 404, 422)

    csp = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_link_only_to_this_site_and_to_crisis_contacts(
        client: FlaskClient, name: str) -> None:
    response = open_page(client, name)
    page = Page(markup(response))
    assert page.urls
    for url, tag, _attrs in page.urls:
        if url.startswith(("tel:", "sms:")) or url == CRISIS_CHAT:
            continue
        assert url.startswith(("/", "#")) and not url.startswith("//"), (
            f"third-party URL in <{tag}>: {url}")
    # The CSP allows no inline script or style, so the pages must not need any.
    assert "<script" not in markup(response)
    assert " style=" not in markup(response) and "<style" not in markup(response)


def test_every_crisis_chat_link_has_rel_noreferrer(client: FlaskClient) -> None:
    page = Page(markup(open_page(client, "result")))

    chat_links = [attrs for url, _tag, attrs in page.urls if url == CRISIS_CHAT]
    assert len(chat_links) >= 2  # in the crisis section and in the footer
    for attrs in chat_links:
        assert "noreferrer" in (attrs.get("rel") or "").split(), attrs
