"""HTTPS and the reverse proxy: HSTS and Secure cookies over HTTPS only, and X-Forwarded-*
headers trusted only when configured."""

import re
from collections.abc import Callable

import pytest
from flask import Flask, request
from flask.testing import FlaskClient

from recovery.security import CONTENT_SECURITY_POLICY

FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def cookie_after_answering(client: FlaskClient, **kwargs: object) -> str:
    """The session cookie a visitor with answers gets when a page first gives them a form token
    (the "start again?" page: the landing page mid-check holds only links)."""
    client = client.application.test_client()
    with client.session_transaction(**kwargs) as session:  # type: ignore[arg-type]
        session["answers"] = {"substance": "ketamine"}
    response = client.get("/screening/forget", **kwargs)  # type: ignore[arg-type]
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


# --- Form posts over HTTPS: the CSRF token plus a same-origin check from the browser's headers ---

HTTPS = "https://localhost"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "Origin": HTTPS}


def token_from_landing_page(client: FlaskClient, base_url: str) -> str:
    page = client.get("/", base_url=base_url).get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "the landing page has no CSRF token"
    return found.group(1)


def post_start(client: FlaskClient, headers: dict[str, str], base_url: str = HTTPS,
               token: str | None = None) -> int:
    token = token_from_landing_page(client, base_url) if token is None else token
    response = client.post("/screening/start", data={"csrf_token": token}, headers=headers,
                           base_url=base_url)
    return response.status_code


def test_an_https_post_from_our_own_page_is_accepted_without_a_referer(app_csrf: Flask) -> None:
    """What a browser sends for a form on our page, given our referrer policy or a privacy
    setting that drops the Referer. Flask-WTF's strict mode refused this with a 400."""
    assert post_start(app_csrf.test_client(), SAME_ORIGIN) == 302


@pytest.mark.parametrize(("headers", "status", "why"), [
    ({"Sec-Fetch-Site": "same-origin"}, 302, "current browsers: Sec-Fetch-Site alone"),
    ({"Origin": HTTPS}, 302, "older browsers: Origin"),
    ({"Referer": HTTPS + "/"}, 302, "oldest: a same-origin Referer, as Flask-WTF accepted"),
    ({"Sec-Fetch-Site": "none"}, 302, "the person started it (no page involved)"),
    ({"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}, 400, "another site"),
    ({"Sec-Fetch-Site": "cross-site", "Origin": HTTPS}, 400, "Sec-Fetch-Site can't be forged"),
    ({"Sec-Fetch-Site": "same-site", "Origin": "https://x.localhost"}, 400, "a sibling subdomain"),
    ({"Origin": "https://evil.example"}, 400, "another origin"),
    ({"Origin": "http://localhost"}, 400, "the same host over plain HTTP is another origin"),
    ({"Origin": "null", "Referer": "https://evil.example/x"}, 400, "an opaque origin"),
    ({"Referer": "https://evil.example/"}, 400, "a Referer from elsewhere"),
    ({}, 400, "over HTTPS, a post that says nothing of where it came from"),
])
def test_https_posts_are_judged_by_where_they_came_from(
        app_csrf: Flask, headers: dict[str, str], status: int, why: str) -> None:
    assert post_start(app_csrf.test_client(), headers) == status, why


def test_the_right_origin_without_the_token_is_still_refused(app_csrf: Flask) -> None:
    assert post_start(app_csrf.test_client(), SAME_ORIGIN, token="") == 400


def test_plain_http_posts_need_only_the_token_but_never_from_another_site(
        app_csrf: Flask) -> None:
    """A local run over http://: the token decides, as before; a post a browser marks as
    cross-site is refused there too."""
    assert post_start(app_csrf.test_client(), {}, base_url="http://localhost") == 302
    assert post_start(app_csrf.test_client(), {"Sec-Fetch-Site": "cross-site"},
                      base_url="http://localhost") == 400


def test_behind_a_proxy_the_forwarded_scheme_is_our_origin(make_app: Callable[..., Flask]) -> None:
    app = make_app(WTF_CSRF_ENABLED=True, PROXY_FIX_X_PROTO=1)
    client = app.test_client()
    behind_proxy = {"X-Forwarded-Proto": "https"}
    token = token_from_landing_page(client, "http://localhost")

    assert post_start(client, {**behind_proxy, "Origin": HTTPS},
                      base_url="http://localhost", token=token) == 302
    assert post_start(client, {**behind_proxy, "Origin": "http://localhost"},
                      base_url="http://localhost", token=token) == 400


def test_pages_send_our_address_only_to_ourselves(client: FlaskClient) -> None:
    response = client.get("/", base_url=HTTPS)

    assert response.headers["Referrer-Policy"] == "same-origin"
    assert '<meta name="referrer" content="same-origin">' in response.get_data(as_text=True)
