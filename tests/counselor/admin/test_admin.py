"""Admin pages: who may open them, invitations, and switching accounts off and on."""

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from recovery.models import Invitation, User
from tests.counselor.conftest import (
    PASSWORD,
    Account,
    Clock,
    audit_actions,
    login,
    sessions_of,
    signed_in_client,
    text,
)
from tests.counselor.test_access import ADMIN_PAGES

TOKEN_RE = re.compile(r"/counselor/invite/([A-Za-z0-9_-]{43})")
GONE = "This invitation link doesn't work any more"


def invite(client: FlaskClient, email: str = "new@example.org", role: str = "counselor") -> str:
    """Make an invitation through the admin page; returns the token from the link shown."""
    response = client.post("/counselor/admin/invitations", data={"email": email, "role": role})
    assert response.status_code == 200, text(response)
    found = TOKEN_RE.search(response.get_data(as_text=True))
    assert found is not None
    return found.group(1)


def accept(client: FlaskClient, token: str, *, name: str = "Noor New",
           password: str = PASSWORD, confirm: str | None = None) -> TestResponse:
    return client.post(f"/counselor/invite/{token}", data={
        "display_name": name, "password": password,
        "confirm": password if confirm is None else confirm})


@pytest.fixture
def admin_client(app: Flask, admin: Account) -> FlaskClient:
    return signed_in_client(app, admin)


# --- Who may open the admin pages ------------------------------------------------------------


@pytest.mark.parametrize("method, url", ADMIN_PAGES)
def test_counselors_get_403(app: Flask, counselor: Account, method: str, url: str) -> None:
    client = signed_in_client(app, counselor)
    response = client.open(url.format(id=counselor.id), method=method)
    assert response.status_code == 403
    assert "only for admins" in text(response)


def test_users_page_lists_everyone(admin_client: FlaskClient, counselor: Account) -> None:
    body = text(admin_client.get("/counselor/admin/users"))
    assert "Ada Admin" in body and "ada@example.org" in body
    assert "Casey Counselor" in body and "casey@example.org" in body
    assert "This is you" in body
    assert f'action="/counselor/admin/users/{counselor.id}/disable"' in body


# --- Invitations -----------------------------------------------------------------------------


def test_invitation_from_link_to_signed_in(app: Flask, admin: Account, admin_client: FlaskClient,
                                           db_session: Session) -> None:
    token = invite(admin_client, "  New@Example.org ")
    row = db_session.exec(select(Invitation)).one()
    assert (row.email, row.role, row.created_by) == ("new@example.org", "counselor", admin.id)
    assert token not in row.token_hash and len(row.token_hash) == 64
    assert "new@example.org" in text(admin_client.get("/counselor/admin/users"))

    newcomer = app.test_client()
    page = newcomer.get(f"/counselor/invite/{token}")
    assert page.status_code == 200
    assert "new@example.org" in text(page) and "as a counselor" in text(page)

    response = accept(newcomer, token)
    assert response.status_code == 302 and response.headers["Location"] == "/counselor/"
    assert "Welcome, Noor New" in text(newcomer.get("/counselor/"))
    user = db_session.exec(select(User).where(User.email == "new@example.org")).one()
    assert (user.display_name, user.role) == ("Noor New", "counselor")
    assert user.password_hash.startswith("$argon2id$")
    db_session.refresh(row)
    assert row.used_at is not None
    assert [a[0] for a in audit_actions(db_session)] == [
        "login", "user_invited", "invitation_accepted", "login"]
    assert login(app.test_client(), email="new@example.org", password=PASSWORD
                 ).status_code == 302


def test_admin_invitations(app: Flask, admin_client: FlaskClient, db_session: Session) -> None:
    token = invite(admin_client, "boss@example.org", role="admin")
    newcomer = app.test_client()
    accept(newcomer, token)
    assert "Audit log" in text(newcomer.get("/counselor/"))


def test_an_invitation_works_once(app: Flask, admin_client: FlaskClient) -> None:
    token = invite(admin_client)
    assert accept(app.test_client(), token).status_code == 302

    again = app.test_client()
    assert again.get(f"/counselor/invite/{token}").status_code == 404
    response = accept(again, token, name="Someone Else")
    assert response.status_code == 404
    assert GONE in text(response)


def test_an_invitation_expires_after_72_hours(clock: Clock, app: Flask,
                                              admin_client: FlaskClient) -> None:
    token = invite(admin_client)
    clock.advance(hours=71, minutes=59)
    assert app.test_client().get(f"/counselor/invite/{token}").status_code == 200
    clock.advance(minutes=1)
    response = app.test_client().get(f"/counselor/invite/{token}")
    assert response.status_code == 404 and GONE in text(response)
    assert accept(app.test_client(), token).status_code == 404


@pytest.mark.parametrize("token", [
    "A" * 43, "not-a-token", "x" * 500, "%00", "..%2F..%2Fadmin",
])
def test_a_wrong_token_is_404(app: Flask, admin_client: FlaskClient, token: str) -> None:
    invite(admin_client)
    assert app.test_client().get(f"/counselor/invite/{token}").status_code == 404
    assert app.test_client().post(f"/counselor/invite/{token}", data={}).status_code == 404


def test_a_new_invitation_replaces_the_old_one(app: Flask, admin_client: FlaskClient) -> None:
    first = invite(admin_client)
    second = invite(admin_client)
    assert app.test_client().get(f"/counselor/invite/{first}").status_code == 404
    assert app.test_client().get(f"/counselor/invite/{second}").status_code == 200


def test_an_account_made_meanwhile_uses_up_the_invitation(
        app: Flask, admin_client: FlaskClient, make_account: Callable[..., Account]) -> None:
    token = invite(admin_client)
    make_account("new@example.org")  # e.g. with create-user, after the invitation
    response = accept(app.test_client(), token)
    assert response.status_code == 409
    assert "There is already an account for new@example.org" in text(response)


def test_accepting_while_signed_in_replaces_that_session(
        app: Flask, admin_client: FlaskClient, counselor: Account, db_session: Session) -> None:
    token = invite(admin_client)
    shared = signed_in_client(app, counselor)
    assert accept(shared, token).status_code == 302
    assert "Noor New" in text(shared.get("/counselor/"))
    [old] = sessions_of(db_session, counselor.id)
    assert old.end_reason == "replaced"


@pytest.mark.parametrize("data, message", [
    ({"email": "", "role": "counselor"}, "Please enter the email address of the person"),
    ({"email": "not-an-email", "role": "counselor"}, "like name@example.org"),
    ({"email": "a@b.c" + "x" * 260, "role": "counselor"}, "at most 254 characters"),
    ({"email": "casey@example.org", "role": "counselor"}, "There is already an account"),
    ({"email": "CASEY@example.org", "role": "admin"}, "There is already an account"),
    ({"email": "x@example.org", "role": "root"}, "Please choose admin or counselor."),
    ({"email": "x@example.org"}, "Please choose admin or counselor."),
    ({"email": "x\x00@example.org", "role": "counselor"}, "like name@example.org"),
])
def test_bad_invitations_are_refused(admin_client: FlaskClient, counselor: Account,
                                     db_session: Session, data: dict[str, str],
                                     message: str) -> None:
    response = admin_client.post("/counselor/admin/invitations", data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert db_session.exec(select(Invitation)).all() == []


@pytest.mark.parametrize("fields, message", [
    ({"name": ""}, "Please enter your name."),
    ({"name": "x" * 101}, "100 characters or fewer"),
    ({"name": "Bad\x07Name"}, "unusual invisible characters"),
    ({"password": "too short"}, "at least 12 characters"),
    ({"password": "x" * 257}, "at most 256 characters"),
    ({"password": "New@example.org"}, "Please don't use your email address"),
    ({"password": "123456789012"}, "That password would be easy to guess"),
    ({"password": "Noor New 2024"}, "That password would be easy to guess"),
    ({"password": ""}, "Please choose a password."),
    ({"confirm": "a different passphrase"}, "The two passwords are different."),
])
def test_bad_account_details_are_refused(app: Flask, admin_client: FlaskClient,
                                         db_session: Session, fields: dict[str, str],
                                         message: str) -> None:
    token = invite(admin_client)
    kwargs = {"name": "Noor New", "password": PASSWORD} | fields
    response = accept(app.test_client(), token, **kwargs)
    assert response.status_code == 422
    assert message in text(response)
    assert db_session.exec(select(User).where(User.email == "new@example.org")).first() is None
    # The link still works after a mistake.
    assert accept(app.test_client(), token).status_code == 302


# --- Switching accounts off and on -----------------------------------------------------------


def test_disable_and_enable_are_audited(admin: Account, admin_client: FlaskClient,
                                        counselor: Account, db_session: Session) -> None:
    response = admin_client.post(f"/counselor/admin/users/{counselor.id}/disable")
    assert response.status_code == 303
    assert response.headers["Location"] == "/counselor/admin/users"
    body = text(admin_client.get("/counselor/admin/users"))
    assert "casey@example.org is switched off and has been signed out everywhere." in body
    assert "Switched off" in body
    user = db_session.get(User, counselor.id)
    assert user is not None and user.is_active is False

    admin_client.post(f"/counselor/admin/users/{counselor.id}/enable")
    db_session.refresh(user)
    assert user.is_active is True
    assert audit_actions(db_session)[-2:] == [
        ("user_disabled", admin.id, str(counselor.id), ""),
        ("user_enabled", admin.id, str(counselor.id), ""),
    ]


def test_an_admin_cannot_disable_themselves(admin: Account, admin_client: FlaskClient,
                                            db_session: Session) -> None:
    response = admin_client.post(f"/counselor/admin/users/{admin.id}/disable")
    assert response.status_code == 400
    assert "You can't switch off your own account" in text(response)
    assert admin_client.get("/counselor/").status_code == 200
    assert "user_disabled" not in [a[0] for a in audit_actions(db_session)]


def test_another_admin_can_be_disabled(admin_client: FlaskClient,
                                       make_account: Callable[..., Account]) -> None:
    other = make_account("other.admin@example.org", role="admin")
    assert admin_client.post(f"/counselor/admin/users/{other.id}/disable").status_code == 303


@pytest.mark.parametrize("url", [
    "/counselor/admin/users/999/disable", "/counselor/admin/users/999/enable",
    "/counselor/admin/users/abc/disable", "/counselor/admin/users/-1/enable",
])
def test_unknown_users_are_404(admin_client: FlaskClient, url: str) -> None:
    assert admin_client.post(url).status_code == 404


def test_disable_needs_post(admin_client: FlaskClient, counselor: Account) -> None:
    assert admin_client.get(f"/counselor/admin/users/{counselor.id}/disable").status_code == 405
