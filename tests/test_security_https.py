"""HTTPS and the reverse proxy: HSTS and Secure cookies over HTTPS only, and X-Forwarded-*
headers trusted only when configured."""

from collections.abc import Callable

from flask import Flask, request
from flask.testing import FlaskClient

from recovery.security import CONTENT_SECURITY_POLICY

FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def cookie_after_answering(client: FlaskClient, **kwargs: object) -> str:
    """The session cookie a new visitor gets (the landing page's form token is new)."""
    client = client.application.test_client()
    with client.session_transaction(**kwargs) as session:  # type: ignore[arg-type]
        session["answers"] = {"substance": "ketamine"}
    response = client.get("/", **kwargs)  # type: ignore[arg-type]
    return response.headers["Set-Cookie"]


def test_plain_http_gets_no_hsts_and_a_cookie_without_secure(client: FlaskClient) -> None:
    response = client.get("/")

    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in cookie_after_answering(client)


def test_https_gets_hsts_and_a_secure_cookie(client: FlaskClient) -> None:
    response = client.get("/", base_url="https://localhost")

    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains")
    assert "; Secure" in cookie_after_answering(client, base_url="https://localhost")


def test_session_cookie_secure_forces_secure_cookies(make_app: Callable[..., Flask]) -> None:
    client = make_app(SESSION_COOKIE_SECURE=True).test_client()
    assert "; Secure" in cookie_after_answering(client)


def test_hsts_can_be_switched_off(make_app: Callable[..., Flask]) -> None:
    client = make_app(HSTS_SECONDS=0).test_client()
    assert "Strict-Transport-Security" not in client.get(
        "/", base_url="https://localhost").headers


def seen_by_the_app(app: Flask) -> tuple[str | None, str]:
    """(remote address, scheme) as views see them, for a request with X-Forwarded-* headers."""
    seen: dict[str, tuple[str | None, str]] = {}

    def probe() -> str:
        seen["it"] = (request.remote_addr, request.scheme)
        return "ok"

    app.add_url_rule("/probe-for-test", view_func=probe)
    response = app.test_client().get("/probe-for-test", headers=FORWARDED,
                                     environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.status_code == 200
    return seen["it"]


def test_forwarded_headers_are_ignored_by_default(app: Flask) -> None:
    assert seen_by_the_app(app) == ("10.0.0.2", "http")


def test_proxy_fix_trusts_the_configured_proxy(make_app: Callable[..., Flask]) -> None:
    app = make_app(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    assert seen_by_the_app(app) == ("203.0.113.9", "https")

    response = app.test_client().get("/", headers=FORWARDED)
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_the_policy_allows_nothing_from_other_sites() -> None:
    directives = [d.split() for d in CONTENT_SECURITY_POLICY.split(";")]
    sources = {s for d in directives for s in d[1:]}
    assert sources <= {"'self'", "'none'", "data:"}
    assert ["frame-ancestors", "'none'"] in directives


def test_no_template_or_stylesheet_loads_anything_from_another_site() -> None:
    """No CDNs, web fonts or analytics: every src, stylesheet, import and url() is local."""
    import re
    from pathlib import Path

    root = Path(__file__).parents[1]
    loading = re.compile(r"""(?:src=|<link[^>]*href=|@import\s|url\()\s*["']?\s*(?:https?:)?//""",
                         re.IGNORECASE)
    files = [*root.glob("templates/**/*.html"), *root.glob("static/**/*.css"),
             *root.glob("static/**/*.js")]
    assert files
    for path in files:
        assert not loading.search(path.read_text(encoding="utf-8")), path
