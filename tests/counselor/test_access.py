"""No counselor page opens for a visitor who isn't signed in, admin pages refuse counselors,
and every form needs its CSRF token."""

import pytest
from flask import Flask
from werkzeug.routing import Rule

from tests.counselor.conftest import (
    Account,
    create_account,
    csrf_token_from,
    signed_in_client,
    text,
)

PUBLIC_ENDPOINTS = {"counselor.signin.login", "counselor.signin.accept_invitation"}
ADMIN_PAGES = [
    ("GET", "/counselor/admin/users"),
    ("POST", "/counselor/admin/invitations"),
    ("POST", "/counselor/admin/users/{id}/disable"),
    ("POST", "/counselor/admin/users/{id}/enable"),
    ("GET", "/counselor/admin/users/{id}/caseload"),
    ("POST", "/counselor/admin/users/{id}/caseload"),
    ("GET", "/counselor/admin/audit"),
    ("GET", "/counselor/admin/audit.csv"),
]


# Every blueprint of the workspace: the parent, whose children are all the rest (sign-in,
# caseload, admin, meeting handouts, screenings, the questionnaire flow and plan pages nested
# under a client).
WORKSPACE_BLUEPRINTS = ("counselor",)


def counselor_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint.split(".")[0] in WORKSPACE_BLUEPRINTS]


def example_url(rule: Rule) -> str:
    url = rule.rule
    for variable, value in {"<int:user_id>": "1", "<int:client_id>": "1", "<token>": "A" * 43,
                            "<int:screening_id>": "1", "<int:plan_id>": "1",
                            "<step:step_id>": "substance", "<section_id>": "about",
                            "<layout>": "full", "<int:number>": "1"}.items():
        url = url.replace(variable, value)
    assert "<" not in url, f"add an example value for {rule.rule}"
    return url


def test_the_admin_list_covers_every_admin_page(app: Flask) -> None:
    admin_rules = {example_url(r) for r in counselor_rules(app) if "/admin/" in r.rule}
    assert admin_rules == {url.format(id=1) for _m, url in ADMIN_PAGES}


def test_every_private_page_sends_visitors_to_sign_in(app: Flask, counselor: Account) -> None:
    checked = 0
    for rule in counselor_rules(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = app.test_client().open(example_url(rule), method=method)
            assert response.status_code == 302, (method, rule.rule)
            assert response.headers["Location"].startswith("/counselor/login"), rule.rule
            checked += 1
    assert checked >= 30


def test_a_visitor_is_told_to_sign_in(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/counselor/admin/users")
    assert response.headers["Location"] == "/counselor/login?next=/counselor/admin/users"
    assert "Please sign in to use the counselor workspace." in text(client.get(
        response.headers["Location"]))


def test_a_refused_post_returns_to_the_dashboard_not_the_post(app: Flask) -> None:
    response = app.test_client().post("/counselor/admin/invitations")
    assert response.headers["Location"] == "/counselor/login"


@pytest.mark.parametrize("method, url", [
    ("POST", "/counselor/login"),
    ("POST", "/counselor/logout"),
    ("POST", "/counselor/admin/invitations"),
    ("POST", "/counselor/admin/users/{id}/disable"),
    ("POST", "/counselor/admin/users/{id}/enable"),
    ("POST", "/counselor/admin/users/{id}/caseload"),
    ("POST", "/counselor/invite/{token}"),
])
def test_every_post_needs_a_csrf_token(app_csrf: Flask, method: str, url: str) -> None:
    admin = create_account(app_csrf, email="ada@example.org", role="admin")
    counselor = create_account(app_csrf, email="casey@example.org")
    client = app_csrf.test_client()
    token = csrf_token_from(client.get("/counselor/login"))
    assert client.post("/counselor/login", data={
        "email": admin.email, "password": admin.password, "csrf_token": token,
    }).status_code == 302
    invitation = client.post("/counselor/admin/invitations", data={
        "email": "new@example.org", "role": "counselor",
        "csrf_token": csrf_token_from(client.get("/counselor/admin/users"))})
    link_token = invitation.get_data(as_text=True).split("/counselor/invite/")[1][:43]
    target = url.format(id=counselor.id, token=link_token)
    data = {"email": admin.email, "password": admin.password, "role": "counselor",
            "display_name": "Noor", "confirm": admin.password}

    for sent in (data, data | {"csrf_token": "forged"}):
        response = client.open(target, method=method, data=sent)
        assert response.status_code == 400, target
        assert "This form has expired or was sent from somewhere else" in text(response)
    assert client.get("/counselor/").status_code == 200  # nothing happened: still signed in


def test_forms_work_with_their_csrf_token(app_csrf: Flask) -> None:
    counselor = create_account(app_csrf, email="casey@example.org")
    client = app_csrf.test_client()
    token = csrf_token_from(client.get("/counselor/login"))
    assert client.post("/counselor/login", data={
        "email": counselor.email, "password": counselor.password, "csrf_token": token,
    }).status_code == 302
    dashboard = client.get("/counselor/")
    response = client.post("/counselor/logout", data={"csrf_token": csrf_token_from(dashboard)})
    assert response.status_code == 302
    assert client.get("/counselor/").status_code == 302


def test_counselor_pages_stay_within_the_csp(app: Flask, counselor: Account) -> None:
    client = signed_in_client(app, counselor)
    for url in ["/counselor/", "/counselor/login"]:
        body = client.get(url).get_data(as_text=True)
        assert "<script" not in body and "<style" not in body and "style=" not in body


JUNK = [
    {},
    {"email": ["a@example.org", "b@example.org"], "password": ["x", "y"], "role": ["admin", "x"]},
    {"email": "é" * 5000, "password": "\x00" * 300, "display_name": "\u202e" * 50},
    {"email": "\ufffe", "role": "\x00", "display_name": "\r\n", "confirm": "x" * 10_000},
    # Not UTF-8 at all, sent as the raw form body.
    b"email=%ff%fe&password=%c3%28&role=%80&display_name=%ed%a0%80",
    {"csrf_token": "x", "next": "//evil", "page": "-1"},
]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_any_form_is_a_4xx_never_a_500(app: Flask,
                                               junk: dict[str, object] | bytes) -> None:
    admin = create_account(app, email="ada@example.org", role="admin")
    counselor = create_account(app, email="casey@example.org")
    signed_in = signed_in_client(app, admin)
    invitation = signed_in.post("/counselor/admin/invitations",
                                data={"email": "new@example.org", "role": "counselor"})
    link_token = invitation.get_data(as_text=True).split("/counselor/invite/")[1][:43]
    for url, client in [
        ("/counselor/login", app.test_client()),
        ("/counselor/admin/invitations", signed_in),
        (f"/counselor/admin/users/{counselor.id}/disable", signed_in),
        (f"/counselor/invite/{link_token}", app.test_client()),
        ("/counselor/invite/" + "A" * 43, app.test_client()),
    ]:
        response = client.post(url, data=junk,
                               content_type="application/x-www-form-urlencoded"
                               if isinstance(junk, bytes) else None)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code >= 400:
            assert "Traceback" not in response.get_data(as_text=True)
