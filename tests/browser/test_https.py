"""The journeys that post forms, over real TLS, as a clinic serves the app: gunicorn serving
HTTPS itself, and gunicorn behind a TLS-terminating proxy that sets X-Forwarded-Proto (with
PROXY_FIX_X_PROTO=1). Every form post here must pass the CSRF check as a real browser sends it
(Chromium's own Origin, Sec-Fetch-Site and Referer headers, our referrer policy)."""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.flows import (
    add_client,
    answer_questionnaire,
    low_risk_answers,
    make_plan,
    sign_in,
    start_screening,
)
from tests.browser.harness import Journey
from tests.browser.server import LiveServer, behind_tls_proxy, start_gunicorn
from tests.conftest import fresh_database


@pytest.fixture(scope="module", params=["gunicorn-tls", "proxy-tls"])
def live_server(request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Overrides the plain-HTTP server of conftest.py for this module's journeys."""
    folder = tmp_path_factory.mktemp(request.param)
    with fresh_database(folder) as database_url:
        try:
            if request.param == "gunicorn-tls":
                server = start_gunicorn(database_url, folder, tls=True)
            else:
                server = behind_tls_proxy(
                    start_gunicorn(database_url, folder, tls=False,
                                   settings={"RECOVERY_PROXY_FIX_X_PROTO": "1",
                                             "RECOVERY_PROXY_FIX_X_FOR": "1"}),
                    folder)
        except RuntimeError as error:
            pytest.fail(f"The HTTPS server could not start: {error}", pytrace=False)
        try:
            yield server
        finally:
            server.stop()
            assert "Traceback" not in server.log_path.read_text(), server.log_tail()


def session_cookie(context: BrowserContext) -> dict[str, object]:
    cookies = [c for c in context.cookies() if c["name"] == "session"]
    assert len(cookies) == 1, cookies
    return dict(cookies[0])


def test_self_screening_to_a_saved_result_over_https(
        page: Page, context: BrowserContext, live_server: LiveServer,
        journey: Callable[[str], Journey]) -> None:
    assert live_server.url.startswith("https://")
    trip = journey("https-self-screening")
    start_screening(page, trip)
    answer_questionnaire(page, low_risk_answers())
    expect(page.locator("h1")).to_have_text("Your screening result")
    cookie = session_cookie(context)
    assert cookie["secure"] is True and cookie["httpOnly"] is True

    page.get_by_role("button", name="Save my result").click()
    expect(page).to_have_url(re.compile(r"/r/[^/]+$"))
    expect(page.locator(".notices")).to_contain_text("Your result is saved")
    trip.visit("saved-result")


def test_making_and_editing_a_plan_over_https(page: Page,
                                              journey: Callable[[str], Journey]) -> None:
    start_screening(page)
    answer_questionnaire(page, low_risk_answers())
    make_plan(page)
    expect(page.locator(".notices")).to_contain_text("Your plan is ready")

    page.get_by_role("link", name=re.compile(r"^Edit\W+Support contacts$")).click()
    first_row = page.get_by_role("group", name="Contact 1")
    first_row.get_by_label("Name").fill("Robin")
    first_row.get_by_label("Phone").fill("555 0100")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/plans/[^/]+#contacts$"))
    expect(page.locator(".contact-people")).to_contain_text("Robin: 555 0100")
    journey("https-plan").visit("plan-after-edit")


def test_a_counselor_signs_in_and_adds_a_client_over_https(
        page: Page, live_server: LiveServer, journey: Callable[[str], Journey]) -> None:
    trip = journey("https-counselor")
    page.goto("/counselor/")
    sign_in(page, live_server.admin)
    expect(page.locator("h1")).to_have_text(f"Hello, {live_server.admin.name}")

    page.goto("/counselor/clients/new")
    code = add_client(page, "Jo Example")
    expect(page.locator("dl.facts")).to_contain_text("Jo Example")
    trip.visit("client")
    assert code.startswith("C-")
