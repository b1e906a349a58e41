"""Signing in and out: generic failures, lockout per account, the per-address rate limit, server
side logout, and safe redirects after signing in."""

from collections.abc import Callable

import pytest
from flask import Flask
from sqlmodel import Session

from recovery.counselor import auth
from recovery.models import User
from tests.counselor.conftest import (
    Account,
    Clock,
    audit_actions,
    login,
    sessions_of,
    signed_in_client,
    text,
)

WRONG = "That email address and password don't match. Please check them and try again."
LOCKED = "signing in to this account is paused for up to 15 minutes"


def test_sign_in_goes_to_the_dashboard(app: Flask, counselor: Account,
                                       db_session: Session) -> None:
    client = app.test_client()
    response = login(client, counselor)

    assert response.status_code == 302
    assert response.headers["Location"] == "/counselor/"
    page = client.get("/counselor/")
    assert page.status_code == 200
    body = text(page)
    assert "Hello, Casey Counselor" in body
    assert "casey@example.org" in body and "Counselor" in body
    assert "Audit log" not in body  # admin links only for admins
    user = db_session.get(User, counselor.id)
    assert user is not None and user.last_login_at is not None
    assert [a[:2] for a in audit_actions(db_session)] == [("login", counselor.id)]


def test_admins_see_their_links_on_the_dashboard(app: Flask, admin: Account) -> None:
    body = text(signed_in_client(app, admin).get("/counselor/"))
    assert "Ada Admin" in body and "Admin" in body
    assert 'href="/counselor/admin/users"' in body
    assert 'href="/counselor/admin/audit"' in body


def test_email_is_matched_whatever_its_case(app: Flask, counselor: Account) -> None:
    response = login(app.test_client(), email="  CASEY@Example.org ",
                     password=counselor.password)
    assert response.status_code == 302


def test_the_cookie_holds_only_the_session_token(app: Flask, counselor: Account) -> None:
    client = app.test_client()
    with client.session_transaction() as cookie:
        cookie["answers"] = {"substance": "ketamine"}  # a screening started in this browser
    login(client, counselor)
    with client.session_transaction() as cookie:
        assert set(cookie) == {auth.SESSION_KEY}


@pytest.mark.parametrize("email, password", [
    ("casey@example.org", "not the right password"),
    ("nobody@example.org", "a long enough passphrase"),
])
def test_failures_get_one_generic_message(app: Flask, counselor: Account, email: str,
                                          password: str, db_session: Session) -> None:
    client = app.test_client()
    response = login(client, email=email, password=password)

    assert response.status_code == 422
    assert WRONG in text(response)
    assert client.get("/counselor/").status_code == 302
    [(action, user_id, object_id, detail)] = audit_actions(db_session)
    assert (action, user_id) == ("login_failed", None)
    assert email not in detail and password not in detail
    assert object_id == (str(counselor.id) if email == counselor.email else "")


def test_unknown_and_known_addresses_answer_alike(app: Flask, counselor: Account) -> None:
    def page(email: str) -> str:
        body = text(login(app.test_client(), email=email, password="wrong wrong wrong"))
        return body.replace(email, "EMAIL")

    assert page("casey@example.org") == page("nobody@example.org")


def test_an_unknown_account_still_costs_a_hash_check(app: Flask, counselor: Account,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(auth.passwords, "spend_verify_time", calls.append)
    login(app.test_client(), email="nobody@example.org", password="guess guess guess")
    assert calls == ["guess guess guess"]


@pytest.mark.parametrize("data, message", [
    ({"email": "", "password": "x"}, "Please enter your email address."),
    ({"email": "casey@example.org", "password": ""}, "Please enter your password."),
    ({}, "Please enter your email address."),
    ({"email": "a" * 300 + "@example.org", "password": "x"}, "longer than any email address"),
    ({"email": "casey@example.org", "password": "x" * 257}, "longer than any password"),
    ({"email": "\x00\x01", "password": "\x00"}, WRONG),
])
def test_bad_input_is_refused_with_a_message(app: Flask, counselor: Account,
                                             data: dict[str, str], message: str) -> None:
    response = app.test_client().post("/counselor/login", data=data)
    assert response.status_code == 422
    assert message in text(response)


# --- Lockout ---------------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_fifteen_minutes(
        app: Flask, counselor: Account, clock: Clock, db_session: Session) -> None:
    client = app.test_client()
    for _ in range(4):
        assert WRONG in text(login(client, email=counselor.email, password="wrong guess!"))
    fifth = login(client, email=counselor.email, password="wrong guess!")
    assert fifth.status_code == 422
    assert "After 5 failed attempts, " + LOCKED in text(fifth)

    # Locked: even the right password is refused, plainly.
    clock.advance(minutes=14, seconds=59)
    refused = login(client, counselor)
    assert refused.status_code == 422 and LOCKED in text(refused)

    clock.advance(seconds=1)
    assert login(client, counselor).status_code == 302
    user = db_session.get(User, counselor.id)
    assert user is not None and user.failed_logins == 0 and user.locked_until is None
    details = [d for a, _u, _o, d in audit_actions(db_session) if a == "login_failed"]
    assert details == ["wrong password"] * 4 + ["wrong password; account locked",
                                                "account locked"]


def test_a_success_resets_the_count(app: Flask, counselor: Account, clock: Clock) -> None:
    client = app.test_client()
    for _ in range(4):
        login(client, email=counselor.email, password="wrong guess!")
    assert login(client, counselor).status_code == 302
    other = app.test_client()
    for _ in range(4):
        assert WRONG in text(login(other, email=counselor.email, password="wrong guess!"))


def test_unknown_addresses_are_locked_alike(app: Flask, counselor: Account) -> None:
    client = app.test_client()
    bodies = [text(login(client, email="nobody@example.org", password="wrong guess!"))
              for _ in range(5)]
    assert all(WRONG in body for body in bodies[:4])
    assert LOCKED in bodies[4]


def test_an_admin_can_lift_a_lockout(app: Flask, counselor: Account, admin: Account,
                                     clock: Clock) -> None:
    for _ in range(5):
        login(app.test_client(), email=counselor.email, password="wrong guess!")
    admin_client = signed_in_client(app, admin)
    assert "Locked until 09:15 UTC" in text(admin_client.get("/counselor/admin/users"))

    admin_client.post(f"/counselor/admin/users/{counselor.id}/enable")

    assert login(app.test_client(), counselor).status_code == 302


# --- Rate limit ------------------------------------------------------------------------------


def test_login_posts_are_rate_limited_per_address(app: Flask, counselor: Account) -> None:
    app.config["COUNSELOR_LOGIN_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    statuses = [login(client, email=f"n{i}@example.org", password="x").status_code
                for i in range(4)]
    assert statuses == [422, 422, 422, 429]

    blocked = login(client, counselor)
    assert blocked.status_code == 429
    assert "Too many sign-in attempts from this network" in text(blocked)
    assert "Retry-After" in blocked.headers
    # The limit is per address (every test client is 127.0.0.1 unless told otherwise)...
    assert login(app.test_client(), counselor).status_code == 429
    response = app.test_client().post(
        "/counselor/login", data={"email": counselor.email, "password": counselor.password},
        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 302
    # ...and only on posts: the page itself can still be read.
    assert client.get("/counselor/login").status_code == 200


def test_default_limit_is_ten_a_minute(app: Flask) -> None:
    client = app.test_client()
    statuses = [login(client, email="n@example.org", password="x").status_code
                for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429


# --- Logout ----------------------------------------------------------------------------------


def test_logout_ends_the_server_session(app: Flask, counselor: Account,
                                        db_session: Session) -> None:
    client = signed_in_client(app, counselor)
    cookie = client.get_cookie("session")
    assert cookie is not None
    old_cookie = cookie.value

    response = client.post("/counselor/logout")

    assert response.status_code == 302 and response.headers["Location"] == "/counselor/login"
    assert "You have signed out" in text(client.get("/counselor/login"))
    [row] = sessions_of(db_session, counselor.id)
    assert row.ended_at is not None and row.end_reason == "logout"
    assert [a[0] for a in audit_actions(db_session)] == ["login", "logout"]

    # A copy of the cookie taken before signing out no longer opens anything.
    thief = app.test_client()
    thief.set_cookie("session", old_cookie)
    replay = thief.get("/counselor/")
    assert replay.status_code == 302
    assert replay.headers["Location"].startswith("/counselor/login")


def test_logout_needs_post(app: Flask, counselor: Account) -> None:
    client = signed_in_client(app, counselor)
    assert client.get("/counselor/logout").status_code == 405
    assert client.get("/counselor/").status_code == 200


def test_signed_in_users_skip_the_login_page(app: Flask, counselor: Account,
                                             make_account: Callable[..., Account],
                                             db_session: Session) -> None:
    client = signed_in_client(app, counselor)
    other = make_account("other@example.org")
    assert client.get("/counselor/login").headers["Location"] == "/counselor/"
    # Posting someone else's credentials doesn't switch accounts behind the first one's back.
    assert login(client, other).headers["Location"] == "/counselor/"
    assert "Casey Counselor" in text(client.get("/counselor/"))
    assert sessions_of(db_session, other.id) == []


# --- Where to go after signing in ------------------------------------------------------------


def test_returns_to_the_page_asked_for(app: Flask, admin: Account) -> None:
    client = app.test_client()
    first = client.get("/counselor/admin/audit?page=1")
    assert first.status_code == 302
    assert first.headers["Location"] == "/counselor/login?next=/counselor/admin/audit?page%3D1"
    response = login(client, admin, next_path="/counselor/admin/audit?page%3D1")
    assert response.headers["Location"] == "/counselor/admin/audit?page=1"


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:/evil.example", "/\\evil.example",
    "\\\\evil.example", "javascript:alert(1)", "evil.example", "%2F%2Fevil.example",
    "/%0D%0ALocation:%20https://evil.example", "///evil.example", " //evil.example",
])
def test_refuses_to_send_anyone_off_site(app: Flask, counselor: Account, target: str) -> None:
    response = login(app.test_client(), counselor, next_path=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/counselor/"


@pytest.mark.parametrize("value, expected", [
    ("/counselor/admin/users", "/counselor/admin/users"),
    ("/counselor/?a=1", "/counselor/?a=1"),
    ("//evil.example", None), ("/\\evil", None), ("https://x.example/", None), ("", None),
    (None, None), ("/a\nb", None), ("relative/path", None),
])
def test_safe_next_path(app: Flask, value: str | None, expected: str | None) -> None:
    assert auth.safe_next_path(value) == expected


def test_no_remember_me(app: Flask) -> None:
    body = text(app.test_client().get("/counselor/login"))
    assert "remember" not in body.lower()
