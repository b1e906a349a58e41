"""Logs never hold health data: answers, plan text, names, private links or search words."""

import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recovery.counselor import users
from recovery.db import get_session
from recovery.logs import RedactingFormatter, logging_config, redact

PASSWORD = "a long enough passphrase"
PLAN_TEXT = "Walk the dog past the canal, Xylo-7741"
CLIENT_NAME = "Quentin Marlowe-Figg"
DISPLAY_NAME = "Zebedee"
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record's message and traceback, as a handler would see them before formatting."""
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


def sign_in_and_add_a_client(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        db = get_session()
        users.create_user(db, email="casey@example.org", display_name="Casey Counselor",
                          role="counselor", password=PASSWORD, now=datetime.now(UTC))
        db.commit()
    response = client.post("/counselor/login",
                           data={"email": "casey@example.org", "password": PASSWORD})
    assert response.status_code == 302
    response = client.post("/counselor/clients/new",
                           data={"name": CLIENT_NAME, "consent": "y", "consent_note": "Said yes"})
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    assert client.get("/counselor/clients", query_string={"q": CLIENT_NAME}).status_code == 200
    # A failed sign-in names an address that has no account.
    client.post("/counselor/logout")
    client.post("/counselor/login", data={"email": "nobody@example.org", "password": "wrong"})


def test_a_whole_visit_leaves_no_health_data_in_the_logs(
        app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture,
        walk_questionnaire: Any, low_risk_answers: dict[str, Any],
        read_post_form: Any) -> None:
    caplog.set_level(logging.DEBUG)

    assert walk_questionnaire(client, low_risk_answers) == "/screening/result"
    client.get("/screening/result", query_string={"region": "GB"})
    saved_url = client.post("/screening/save").headers["Location"]
    client.get(saved_url)
    plan_url = client.post(f"{saved_url}/plan").headers["Location"]
    edit_url = f"{plan_url}/edit/reasons"
    data = read_post_form(client.get(edit_url).get_data(as_text=True), edit_url)
    data["reasons-0-text"] = [PLAN_TEXT]
    assert client.post(edit_url, data=data).status_code == 302
    about_url = f"{plan_url}/edit/about"
    data = read_post_form(client.get(about_url).get_data(as_text=True), about_url)
    data["display_name"] = [DISPLAY_NAME]
    assert client.post(about_url, data=data).status_code == 302
    assert client.get(f"{plan_url}/plan.json").status_code == 200
    client.get("/nowhere/" + saved_url.rsplit("/", 1)[1])  # a private link in a 404
    sign_in_and_add_a_client(app, client)

    logged = everything_logged(caplog)
    assert "POST /screening/save 302" in logged  # the access log is there...
    assert "GET /r/<token> 200" in logged
    secrets = [PLAN_TEXT, CLIENT_NAME, "Quentin", DISPLAY_NAME, "casey@example.org",
               "nobody@example.org", PASSWORD, "Said yes", "region=", "?q", "127.0.0.1"]
    answer_values = {str(v) for value in low_risk_answers.values()
                     for v in (value if isinstance(value, list) else [value])}
    for secret in secrets + sorted(answer_values - {"no", "yes"}):
        assert secret not in logged, secret
    assert not TOKEN_RE.search(logged), TOKEN_RE.search(logged)


def test_an_unhandled_error_is_logged_by_route_not_by_link(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(token: str) -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/broken/<token>", view_func=broken)
    link = "A" * 43

    response = app.test_client().get(f"/broken/{link}?q=Someone")

    assert response.status_code == 500
    logged = everything_logged(caplog)
    assert "Exception on GET /broken/<token>" in logged
    assert link not in logged and "Someone" not in logged


def test_sql_errors_do_not_quote_the_values(app: Flask, client: FlaskClient,
                                            caplog: pytest.LogCaptureFixture,
                                            low_risk_answers: dict[str, Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A failed INSERT's message would list the answers among its parameters."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with client.session_transaction() as session:
        session["answers"] = low_risk_answers
    # Every save gets the same link, so the second one breaks the unique constraint.
    monkeypatch.setattr("recovery.questionnaire.store.hash_token", lambda token: "0" * 64)
    assert client.post("/screening/save").status_code == 302

    assert client.post("/screening/save").status_code == 500

    logged = everything_logged(caplog)
    assert "IntegrityError" in logged
    assert "ketamine" not in logged
    # PostgreSQL's DETAIL line quotes the duplicate key; the log's formatter hides it.
    formatted = "\n".join(RedactingFormatter().format(r) for r in caplog.records)
    assert "IntegrityError" in formatted and "0" * 64 not in formatted


@pytest.mark.parametrize(("line", "expected"), [
    ('127.0.0.1 - - "GET /r/' + "a" * 43 + ' HTTP/1.1" 200 -',
     '127.0.0.1 - - "GET /r/[link] HTTP/1.1" 200 -'),
    ('"GET /counselor/clients?q=Quentin+Marlowe&page=2 HTTP/1.1" 200',
     '"GET /counselor/clients?[query] HTTP/1.1" 200'),
    ("sha256 " + "f" * 64, "sha256 " + "f" * 64),  # not a link: longer than one
    ("plain words stay", "plain words stay"),
    ("Invalid request from ip=203.0.113.9: Invalid HTTP method: 'X'",
     "Invalid request from ip=[address]: Invalid HTTP method: 'X'"),
    ("Invalid request from ip=2001:db8::1: bad", "Invalid request from ip=[address]: bad"),
    ('violates check constraint\nDETAIL:  Failing row contains (1, {"substance": "x"}).\nnext',
     "violates check constraint\nDETAIL: [hidden]\nnext"),
])
def test_the_formatter_blanks_links_and_query_strings(line: str, expected: str) -> None:
    assert redact(line) == expected
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s", (line,), None)
    assert RedactingFormatter("%(message)s").format(record) == expected


def test_the_logging_config_silences_gunicorns_url_quoting_access_log() -> None:
    config = logging_config("INFO")
    assert config["loggers"]["gunicorn.access"]["handlers"] == []
    assert config["loggers"]["gunicorn.access"]["propagate"] is False
    assert config["loggers"]["flask-limiter"]["level"] == "WARNING"
