"""Server-side sessions: idle and absolute time limits, and disabling an account, end a sign-in
on the server at once, with a kind word on the sign-in page."""

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session

from recovery.counselor import auth
from recovery.models import UserSession
from tests.counselor.conftest import (
    Account,
    Clock,
    audit_actions,
    login,
    sessions_of,
    signed_in_client,
    text,
)

IDLE = ("You were signed out after 15 minutes without activity, to protect your clients' "
        "privacy.")
EXPIRED = ("You were signed out because you had been signed in for 8 hours, to protect your "
           "clients' privacy.")


def assert_signed_out(client: FlaskClient, message: str) -> None:
    response = client.get("/counselor/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/counselor/login?next=/counselor/"
    assert message in text(client.get(response.headers["Location"]))
    # And it stays that way: the cookie no longer names a session.
    with client.session_transaction() as cookie:
        assert auth.SESSION_KEY not in cookie


def the_session(db: Session, account: Account) -> UserSession:
    [row] = sessions_of(db, account.id)
    return row


def test_activity_keeps_the_session_alive(app: Flask, counselor: Account, clock: Clock,
                                          db_session: Session) -> None:
    client = signed_in_client(app, counselor)
    for _ in range(6):
        clock.advance(minutes=14, seconds=59)
        assert client.get("/counselor/").status_code == 200
    assert the_session(db_session, counselor).last_seen_at == clock.now


def test_idle_timeout(app: Flask, counselor: Account, clock: Clock,
                      db_session: Session) -> None:
    client = signed_in_client(app, counselor)
    clock.advance(minutes=15)

    assert_signed_out(client, IDLE)
    row = the_session(db_session, counselor)
    assert row.end_reason == "idle" and row.ended_at == clock.now
    assert audit_actions(db_session)[-1] == ("session_expired", counselor.id, str(counselor.id),
                                             "idle")


def test_idle_limit_is_configurable(app: Flask, counselor: Account, clock: Clock) -> None:
    app.config["COUNSELOR_IDLE_MINUTES"] = 5
    client = signed_in_client(app, counselor)
    clock.advance(minutes=4)
    assert client.get("/counselor/").status_code == 200
    clock.advance(minutes=5)
    assert_signed_out(client, "You were signed out after 5 minutes without activity")


def test_absolute_timeout_even_when_active(app: Flask, counselor: Account, clock: Clock,
                                           db_session: Session) -> None:
    client = signed_in_client(app, counselor)
    for _ in range(47):  # every 10 minutes for 7 h 50 min
        clock.advance(minutes=10)
        assert client.get("/counselor/").status_code == 200
    clock.advance(minutes=10)

    assert_signed_out(client, EXPIRED)
    assert the_session(db_session, counselor).end_reason == "expired"


def test_session_hours_are_configurable(app: Flask, counselor: Account, clock: Clock) -> None:
    app.config["COUNSELOR_SESSION_HOURS"] = 1
    client = signed_in_client(app, counselor)
    for _ in range(5):
        clock.advance(minutes=10)
        assert client.get("/counselor/").status_code == 200
    clock.advance(minutes=10)
    assert_signed_out(client, "because you had been signed in for 1 hour, to protect")


def test_an_expired_cookie_replayed_later_stays_signed_out(app: Flask, counselor: Account,
                                                           clock: Clock) -> None:
    client = signed_in_client(app, counselor)
    cookie = client.get_cookie("session")
    assert cookie is not None
    clock.advance(minutes=20)
    assert client.get("/counselor/").status_code == 302
    clock.now = clock.now.replace(minute=0)  # even if the clock seemed to go back
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get("/counselor/").status_code == 302


def test_disabling_ends_a_live_session_at_once(app: Flask, counselor: Account, admin: Account,
                                               db_session: Session) -> None:
    counselor_client = signed_in_client(app, counselor)
    second_browser = signed_in_client(app, counselor)
    assert counselor_client.get("/counselor/").status_code == 200

    admin_client = signed_in_client(app, admin)
    response = admin_client.post(f"/counselor/admin/users/{counselor.id}/disable")
    assert response.status_code == 303

    assert_signed_out(counselor_client, "You have been signed out.")
    assert second_browser.get("/counselor/").status_code == 302
    assert {row.end_reason for row in sessions_of(db_session, counselor.id)} == {"disabled"}
    # The admin is still signed in.
    assert admin_client.get("/counselor/").status_code == 200


def test_a_disabled_account_cannot_sign_in(app: Flask, counselor: Account, admin: Account,
                                           db_session: Session) -> None:
    signed_in_client(app, admin).post(f"/counselor/admin/users/{counselor.id}/disable")
    response = login(app.test_client(), counselor)
    assert response.status_code == 422
    assert "This account has been switched off" in text(response)
    assert audit_actions(db_session)[-1][3] == "account disabled"

    signed_in_client(app, admin).post(f"/counselor/admin/users/{counselor.id}/enable")
    assert login(app.test_client(), counselor).status_code == 302


def test_a_forged_or_garbled_token_is_ignored(app: Flask, counselor: Account) -> None:
    for token in ["A" * 43, "not a token", 12345, None, ["x"]]:
        client = app.test_client()
        with client.session_transaction() as cookie:
            cookie[auth.SESSION_KEY] = token
        assert client.get("/counselor/").status_code == 302


def test_every_counselor_response_is_not_stored(app: Flask, counselor: Account) -> None:
    client = signed_in_client(app, counselor)
    for url in ["/counselor/", "/counselor/login"]:
        assert client.get(url).headers["Cache-Control"] == "no-store"


def test_quick_exit_signs_a_counselor_out_on_the_server(app: Flask, counselor: Account,
                                                        clock: Clock, db_session: Session) -> None:
    browser = signed_in_client(app, counselor)
    response = browser.get("/exit")
    assert response.status_code == 303
    [login] = sessions_of(db_session, counselor.id)
    assert login.ended_at is not None and login.end_reason == "logout"
    assert browser.get("/counselor/clients").status_code == 302
