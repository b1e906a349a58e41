"""The quick exit on every page, the privacy page, and /healthz."""

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

FOCUSABLE = {"a", "button", "input", "select", "textarea"}


class FirstFocusable(HTMLParser):
    """The first element inside <body> that a keyboard user reaches."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.first: dict[str, str | None] | None = None
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        elif self.in_body and self.first is None and tag in FOCUSABLE:
            self.first = {"tag": tag, **dict(attrs)}


def pages(client: FlaskClient, app: Flask, walk: Callable[..., str],
          answers: dict[str, Any]) -> dict[str, TestResponse]:
    """One of each kind of page: public, questionnaire, result, plan, counselor, errors."""
    found = {
        "landing": client.get("/"),
        "privacy": client.get("/privacy"),
        "counselor sign-in": client.get("/counselor/login"),
        "plan import": client.get("/plans/import"),
        "not found": client.get("/nowhere"),
        "method not allowed": client.put("/"),
    }
    walk(client, answers)
    found["step"] = client.get("/screening/substance")
    found["result"] = client.get("/screening/result")
    saved = client.post("/screening/save").headers["Location"]
    found["saved result"] = client.get(saved)
    plan = client.post(f"{saved}/plan").headers["Location"]
    found["plan"] = client.get(plan)
    found["plan section"] = client.get(f"{plan}/edit/reasons")
    found["too large"] = client.post("/screening/substance", data={"x": "y" * 70_000})
    return found


def test_every_page_starts_with_a_visible_quick_exit(
        app: Flask, client: FlaskClient, walk_questionnaire: Any,
        low_risk_answers: dict[str, Any]) -> None:
    for name, response in pages(client, app, walk_questionnaire, low_risk_answers).items():
        markup = response.get_data(as_text=True)
        first = FirstFocusable(markup).first
        assert first is not None, name
        assert (first["tag"], first.get("href"), first.get("class")) == (
            "a", "/exit", "quick-exit"), name
        assert re.search(r'class="quick-exit"[^>]*>Quick exit<', markup), name
        # Nothing hides it: no hidden attribute, no tabindex taking it out of the tab order.
        assert "hidden" not in first and first.get("tabindex") in (None, "0"), name
        assert 'href="/privacy"' in markup, name


def test_the_quick_exit_is_styled_to_stay_in_view() -> None:
    from pathlib import Path

    css = (Path(__file__).parents[1] / "static" / "css" / "app.css").read_text()
    # In a bar that sticks to the top (the browser tests check that it never covers a focused
    # control at phone widths).
    bar = re.search(r"\.quick-exit-bar \{([^}]*)\}", css)
    rule = re.search(r"\.quick-exit \{([^}]*)\}", css)
    assert bar is not None and rule is not None
    assert "position: sticky" in bar[1] and "top: 0" in bar[1]
    assert "display: none" not in bar[1] + rule[1]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_quick_exit_clears_the_session_and_leaves(app: Flask, client: FlaskClient,
                                                  method: str) -> None:
    with client.session_transaction() as session:
        session["answers"] = {"substance": "ketamine"}

    response = client.open("/exit", method=method)

    assert response.status_code == 303
    assert response.headers["Location"] == "https://www.google.com/"
    assert response.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert "no-store" in response.headers["Cache-Control"]
    assert "session=;" in response.headers["Set-Cookie"]  # the cookie is deleted
    with client.session_transaction() as session:
        assert dict(session) == {}


def test_quick_exit_works_without_a_form_token(app_csrf: Flask) -> None:
    """With an expired page or no token at all, leaving must still work."""
    client = app_csrf.test_client()
    assert client.post("/exit").status_code == 303


def test_quick_exit_goes_where_the_config_says(make_app: Callable[..., Flask]) -> None:
    app = make_app(QUICK_EXIT_URL="https://weather.example/")
    assert app.test_client().get("/exit").headers["Location"] == "https://weather.example/"


def test_the_privacy_page_says_what_is_kept_where_how_long_and_who_sees_it(
        make_app: Callable[..., Flask]) -> None:
    response = make_app(RESULT_RETENTION_DAYS=30, PLAN_RETENTION_DAYS=200
                        ).test_client().get("/privacy")

    assert response.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())
    for section in ("Taking the check", "A result you save", "A relapse-prevention plan",
                    "If you work with a counselor here", "The activity record",
                    "What we never keep", "Our logs"):
        assert section in text
    assert text.count("What:") >= 4 and text.count("Who can see it:") >= 4
    assert "30 days, then we delete it" in text
    assert "200 days after you last saved it, then we delete it with every version" in text
    # Deleted rows outlive the DELETE in the database's files and in backups: say so.
    assert "in the service's backups until those backups are themselves deleted" in text
    assert "until 2 hours after you last used the site" in text
    # The safety plan's copy in the cookie goes two hours after it last changed, however often
    # its pages are looked at (only a change writes the cookie).
    assert "until 2 hours after you last changed it" in text
    assert "no trackers" in text


# --- /healthz --------------------------------------------------------------------------------


def test_healthz_is_ok_uncached_and_sets_no_cookie(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["answers"] = {"substance": "ketamine"}
        session.permanent = True  # would otherwise be refreshed on every response

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_the_result_page_says_when_a_saved_result_is_deleted(
        make_app: Callable[..., Flask], low_risk_answers: dict[str, Any]) -> None:
    app = make_app(RESULT_RETENTION_DAYS=7)
    client = app.test_client()
    with client.session_transaction() as session:
        session["answers"] = low_risk_answers

    assert "we delete it after 7 days" in client.get("/screening/result").get_data(as_text=True)
    saved = client.get(client.post("/screening/save").headers["Location"])
    assert "otherwise we\n  delete it for you on" in saved.get_data(as_text=True)


def test_the_icon_is_served_and_may_be_cached(client: FlaskClient) -> None:
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
        assert "no-store" not in response.headers.get("Cache-Control", "")
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("url", "indexable"), [
    ("/", True),
    ("/privacy", True),
    ("/screening/substance", False),
    ("/r/" + "x" * 43, False),  # a saved result's private link (here, a 404)
    ("/plans/" + "x" * 43, False),
    ("/counselor/login", False),
])
def test_only_the_start_and_privacy_pages_may_be_indexed(client: FlaskClient, url: str,
                                                         indexable: bool) -> None:
    response = client.get(url)
    page = response.get_data(as_text=True)

    assert ('<meta name="robots" content="noindex, nofollow">' not in page) is indexable
    assert ("X-Robots-Tag" not in response.headers) is indexable


@pytest.mark.parametrize(("minutes", "hours", "words"), [
    (1, 1, ["1 minute without activity", "1 hour after signing in"]),
    (15, 8, ["15 minutes without activity", "8 hours after signing in"]),
])
def test_times_are_said_with_the_right_plural(make_app: Callable[..., Flask], minutes: int,
                                              hours: int, words: list[str]) -> None:
    client = make_app(COUNSELOR_IDLE_MINUTES=minutes,
                      COUNSELOR_SESSION_HOURS=hours).test_client()
    text = " ".join(client.get("/counselor/login").get_data(as_text=True).split())
    for phrase in words:
        assert phrase in text
