"""The encrypted session cookie, key rotation, and the friendly error pages."""

import re
import time
import zlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.sessions import session_json_serializer
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from recovery.security import fernet_for

OLD_KEY = "test-secret"  # the `app` fixture's SECRET_KEY
NEW_KEY = "a-brand-new-secret-key-after-rotation"
ANSWERS = {"substance": "ketamine", "last_use": "past_week"}


def session_answers(client: FlaskClient) -> dict[str, Any]:
    with client.session_transaction() as session:
        return dict(session.get("answers", {}))


def set_answers(client: FlaskClient, answers: dict[str, Any]) -> None:
    with client.session_transaction() as session:
        session["answers"] = answers


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def cookie_with_answers(app: Flask) -> str:
    client = app.test_client()
    set_answers(client, ANSWERS)
    return session_cookie(client)


def assert_fresh_session(client: FlaskClient) -> None:
    """The app treats the person as new: no answers, and the first step comes first."""
    landing = client.get("/")
    assert landing.status_code == 200
    assert "Start the check" in landing.get_data(as_text=True)
    response = client.get("/screening/pattern")
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/substance"
    assert session_answers(client) == {}


# --- The session cookie ----------------------------------------------------------------------


def test_the_cookie_round_trips_with_the_same_key(app: Flask) -> None:
    client = app.test_client()
    client.set_cookie("session", cookie_with_answers(app))

    assert session_answers(client) == ANSWERS
    assert "Start again" in client.get("/").get_data(as_text=True)


def test_a_cookie_made_with_another_secret_key_is_rejected(
        app: Flask, make_app: Callable[..., Flask]) -> None:
    other = make_app(SECRET_KEY="someone-elses-secret-key-entirely")
    client = app.test_client()

    client.set_cookie("session", cookie_with_answers(other))

    assert_fresh_session(client)


def test_secret_key_fallbacks_still_read_old_cookies(
        app: Flask, make_app: Callable[..., Flask]) -> None:
    old_cookie = cookie_with_answers(app)
    rotated = make_app(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
    client = rotated.test_client()
    client.set_cookie("session", old_cookie)

    assert session_answers(client) == ANSWERS
    # The answers carry on: the person is sent to the next step, not back to the first.
    response = client.get("/screening/result")
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/pattern"


def test_after_rotation_new_cookies_use_the_new_key(
        app: Flask, make_app: Callable[..., Flask]) -> None:
    rotated = make_app(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY])
    new_cookie = cookie_with_answers(rotated)

    # Readable with the new key alone, not with the old one.
    only_new = make_app(SECRET_KEY=NEW_KEY)
    client = only_new.test_client()
    client.set_cookie("session", new_cookie)
    assert session_answers(client) == ANSWERS

    old_client = app.test_client()
    old_client.set_cookie("session", new_cookie)
    assert_fresh_session(old_client)


def test_without_the_fallback_old_cookies_are_rejected(
        app: Flask, make_app: Callable[..., Flask]) -> None:
    old_cookie = cookie_with_answers(app)
    rotated = make_app(SECRET_KEY=NEW_KEY)
    client = rotated.test_client()
    client.set_cookie("session", old_cookie)

    assert_fresh_session(client)


def test_a_cookie_older_than_the_session_lifetime_is_rejected(app: Flask) -> None:
    packed = zlib.compress(session_json_serializer.dumps({"answers": ANSWERS}).encode())
    lifetime = app.permanent_session_lifetime
    assert lifetime == timedelta(hours=2)
    fresh = fernet_for(OLD_KEY).encrypt_at_time(packed, int(time.time()) - 60).decode()
    stale = fernet_for(OLD_KEY).encrypt_at_time(
        packed, int(time.time() - lifetime.total_seconds()) - 60).decode()

    client = app.test_client()
    client.set_cookie("session", fresh)
    assert session_answers(client) == ANSWERS

    client.set_cookie("session", stale)
    assert_fresh_session(client)


@pytest.mark.parametrize("plaintext", [
    b"not zlib at all",
    zlib.compress(b"not json"),
    zlib.compress(b'["a", "list"]'),
    zlib.compress(b'"a string"'),
    zlib.compress(b"\xff\xfe"),
])
def test_a_well_encrypted_cookie_with_bad_contents_is_ignored(app: Flask,
                                                             plaintext: bytes) -> None:
    client = app.test_client()
    client.set_cookie("session", fernet_for(OLD_KEY).encrypt(plaintext).decode())

    assert_fresh_session(client)


def test_the_session_cookie_is_http_only_and_same_site(app: Flask) -> None:
    client = app.test_client()
    set_answers(client, ANSWERS)
    # The page's form token changes the session, so it is sent again.
    response = client.get("/screening/forget")
    set_cookie = response.headers["Set-Cookie"]

    assert set_cookie.startswith("session=")
    assert "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie
    assert "ketamine" not in set_cookie


# --- Error pages -----------------------------------------------------------------------------


def assert_friendly(response: TestResponse, status: int, message: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert "Sorry, that didn't work" in page
    assert message in page
    assert 'href="/">Go to the start page' in page
    for leak in ("Traceback", "werkzeug", "File &#34;", 'File "', "Exception", ".py"):
        assert leak not in page
    assert response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]
    # The title says what happened, not only a number.
    title = re.search(r"<title>(.*?)</title>", page)
    assert title is not None and re.search(rf"\w \({status}\) · Recovery check", title.group(1))


@pytest.mark.parametrize("url", ["/nowhere", "/r/nope", "/screening/nope", "/r/" + "A" * 43])
def test_404_page(client: FlaskClient, url: str) -> None:
    assert_friendly(client.get(url), 404, "We couldn&#39;t find that page")


def test_405_page(client: FlaskClient) -> None:
    response = client.put("/screening/substance")

    assert_friendly(response, 405, "can&#39;t be used that way")


def test_405_response_says_which_methods_are_allowed(client: FlaskClient) -> None:
    """RFC 9110 section 15.5.6: a 405 response must carry an Allow header."""
    response = client.put("/screening/substance")

    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers.get("Allow", "").split(",")}
    assert {"GET", "POST"} <= allowed


def test_413_page(client: FlaskClient) -> None:
    response = client.post("/screening/substance", data={"substance": "x" * (70 * 1024)})

    assert_friendly(response, 413, "more data than we accept")


def test_400_page_for_a_missing_csrf_token(app_csrf: Flask) -> None:
    response = app_csrf.test_client().post("/screening/start")

    assert_friendly(response, 400, "This form has expired or was sent from somewhere else")
    assert "CSRF" not in response.get_data(as_text=True)


def test_500_page_hides_the_details(make_app: Callable[..., Flask]) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    def broken() -> str:
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/broken-for-test", view_func=broken)

    response = app.test_client().get("/broken-for-test")

    assert_friendly(response, 500, "Something went wrong on our side")
    assert "secret internal detail" not in response.get_data(as_text=True)
