"""Requests to the plan pages (plans/requests.py): conflicts (409), unknown links, methods,
CSRF, caching and inline style.
"""

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recovery import db
from recovery.planning.draft import PlanDraft
from recovery.plans import store
from recovery.questionnaire import store as result_store
from tests.plans.helpers import (
    LOW_RISK,
    SECTIONS,
    UNKNOWN_TOKEN,
    counts,
    edit_url,
    latest,
    markup,
    open_form,
    open_section,
    post_forms,
    revision_numbers,
    save_section,
    set_answers,
    upload,
    words,
)
from tests.screening_results import low_risk_result

# --- Two people at once ----------------------------------------------------------------------


def test_a_save_from_an_out_of_date_page_is_a_conflict(client: FlaskClient, app: Flask,
                                                       plan: str) -> None:
    mine = open_section(client, plan, "reasons")
    theirs = open_section(app.test_client(), plan, "reasons")
    theirs["reasons-0-text"] = ["Their reason, saved first"]
    save_section(app.test_client(), plan, "reasons", theirs)

    mine["reasons-0-text"] = ["My reason, saved second"]
    response = client.post(edit_url(plan, "reasons"), data=mine)

    assert response.status_code == 409
    text = words(response)
    assert "Someone saved this plan first" in text
    assert "we kept that save and did not save yours" in text
    assert "My reasons: added Their reason, saved first" in text  # what the other save did
    assert "My reason, saved second" in text  # what this person typed, to copy
    assert revision_numbers(app, plan) == [1, 2]
    assert [r.text for r in latest(app, plan).reasons] == ["Their reason, saved first"]


def test_a_stale_upload_is_a_conflict_too(client: FlaskClient, app: Flask, plan: str) -> None:
    file = client.get(f"/plans/{plan}/plan.json").data
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)

    response = upload(client, f"/plans/{plan}/import", file, base_revision="1")

    assert response.status_code == 409
    assert "Your file was not used" in words(response)
    assert revision_numbers(app, plan) == [1, 2]


# --- Links, methods and CSRF -----------------------------------------------------------------

GET_PAGES = ["", "/edit/about", "/edit/triggers", "/revisions", "/compare?from=1&to=1",
             "/plan.json", "/import", "/delete"]
POST_PAGES = ["/edit/about", "/edit/reasons", "/import", "/delete"]


@pytest.mark.parametrize("token", [UNKNOWN_TOKEN, "short", "A" * 44, "A" * 42 + "!",
                                   "%00" * 43, "../" * 10])
@pytest.mark.parametrize("suffix", GET_PAGES + POST_PAGES)
def test_unknown_or_malformed_plan_links_are_404(client: FlaskClient, token: str,
                                                 suffix: str) -> None:
    for method in ("GET", "POST") if suffix in POST_PAGES else ("GET",):
        response = client.open(f"/plans/{token}{suffix}", method=method,
                               data={"base_revision": "1"} if method == "POST" else None)
        assert response.status_code == 404, (method, suffix)


def test_unknown_sections_are_404(client: FlaskClient, plan: str) -> None:
    for section in ("nope", "therapy", "crisis", "ABOUT", "about%00", "x" * 300):
        assert client.get(edit_url(plan, section)).status_code == 404
        assert client.post(edit_url(plan, section), data={"base_revision": "1"}
                           ).status_code == 404


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/plans/new"), ("PUT", "/plans/new"), ("GET", "/r/{result}/plan"),
    ("POST", "/plans/{plan}"), ("DELETE", "/plans/{plan}"), ("PUT", "/plans/{plan}/edit/about"),
    ("POST", "/plans/{plan}/plan.json"), ("POST", "/plans/{plan}/revisions"),
    ("POST", "/plans/{plan}/compare"), ("DELETE", "/plans/{plan}/delete"),
    ("PATCH", "/plans/{plan}/import"), ("PUT", "/plans/import"),
])
def test_wrong_methods_are_405(client: FlaskClient, app: Flask, plan: str, method: str,
                               url: str) -> None:
    response = client.open(url.format(plan=plan, result=UNKNOWN_TOKEN), method=method)

    assert response.status_code == 405
    assert counts(app) == (1, 1)


def stored_plan(app: Flask) -> str:
    with app.app_context():
        session = db.get_session()
        set_token = store.create_plan(session, draft=PlanDraft(
            content_version="2026.11-1", substance="ketamine", substance_text="ketamine",
            review_date="2026-12-31", crisis_locale="US"))
        session.commit()
    return set_token


@pytest.mark.parametrize("url", [
    "/plans/new", "/r/{result}/plan", "/plans/import", "/plans/{plan}/import",
    "/plans/{plan}/delete", "/plans/{plan}/revisions/1/restore",
    *(f"/plans/{{plan}}/edit/{s}" for s in SECTIONS),
])
def test_every_post_needs_a_csrf_token(app_csrf: Flask, csrf_client: FlaskClient,
                                       url: str) -> None:
    token = stored_plan(app_csrf)
    set_answers(csrf_client, LOW_RISK)
    with app_csrf.app_context():
        session = db.get_session()
        result = result_store.save_assessment(session, answers=LOW_RISK,
                                              result=low_risk_result(app_csrf),
                                              content_version="v")
        session.commit()
    target = url.format(plan=token, result=result)
    # A real form for the page, so only the token is missing.
    data: dict[str, Any] = {"base_revision": "1"}
    if "/edit/" in target:
        data = open_form(csrf_client, target, target)[1]
        assert data.pop("csrf_token")

    for token_value in (None, "", "forged-token"):
        sent = data | ({} if token_value is None else {"csrf_token": token_value})
        response = csrf_client.post(target, data=sent)
        assert response.status_code == 400, (target, token_value)
        assert "This form has expired" in words(response)
    assert counts(app_csrf) == (1, 1)


def test_forms_work_with_csrf_on(app_csrf: Flask, csrf_client: FlaskClient) -> None:
    set_answers(csrf_client, LOW_RISK)
    result_page = csrf_client.get("/screening/result")
    made = [f for f in post_forms(result_page) if f.action == "/plans/new"][0]
    response = csrf_client.post("/plans/new", data=made.values())
    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[1]

    data = open_section(csrf_client, token, "reasons")
    data["reasons-0-text"] = ["With CSRF on"]
    save_section(csrf_client, token, "reasons", data)
    file = csrf_client.get(f"/plans/{token}/plan.json").data
    _action, fields = open_form(csrf_client, f"/plans/{token}/import")
    imported = upload(csrf_client, f"/plans/{token}/import", file.replace(
        b"With CSRF on", b"From a file"), **{k: v[0] for k, v in fields.items()})
    assert imported.status_code == 302
    _action, fields = open_form(csrf_client, "/plans/import")
    assert upload(csrf_client, "/plans/import", file,
                  **{k: v[0] for k, v in fields.items()}).status_code == 302
    _action, fields = open_form(csrf_client, f"/plans/{token}/delete")
    assert csrf_client.post(f"/plans/{token}/delete", data=fields).status_code == 302
    assert counts(app_csrf) == (1, 1)


def test_plan_pages_are_never_cached_and_allow_no_inline_style(client: FlaskClient,
                                                                plan: str) -> None:
    for suffix in GET_PAGES:
        response = client.get(f"/plans/{plan}{suffix}")
        assert response.status_code == 200, suffix
        assert response.headers["Cache-Control"] == "no-store"
        assert "style=" not in markup(response) and "<script" not in markup(response)
