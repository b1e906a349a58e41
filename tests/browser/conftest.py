"""Fixtures for the browser journeys: the real app server, Debian's Chromium, and a fresh
browser context per test with no way off the machine.

The suite runs on whichever database the rest of the run uses (SQLite, or PostgreSQL when
RECOVERY_TEST_DATABASE_URL is set), so `./scripts/test` takes these journeys through both.
"""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    Response,
    sync_playwright,
)

from tests.browser.harness import (
    CHROMIUM_ARGS,
    PHONE,
    SCREENSHOT_DIR,
    Journey,
    NetworkGuard,
    PageSources,
    chromium_path,
)
from tests.browser.server import LiveServer, free_port, start_server
from tests.browser.vnu import NuChecker
from tests.conftest import fresh_database

# Long enough for a PDF render on a busy 2-core machine, short enough to fail fast.
ACTION_TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`flask --app recovery run` on 127.0.0.1, on a database of its own, with one admin."""
    tmp = tmp_path_factory.mktemp("live-server")
    with fresh_database(tmp) as database_url:
        try:
            server = start_server(database_url, tmp / "server.log")
        except RuntimeError as error:
            pytest.fail(f"The app server could not start: {error}", pytrace=False)
        try:
            yield server
        finally:
            server.stop()  # before its database is dropped


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless. If it cannot start, every browser test fails (never skips):
    a CI machine without a browser must not pass by testing nothing."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def launch_chromium(playwright: Playwright) -> Browser:
    path = chromium_path()
    try:
        return playwright.chromium.launch(executable_path=path, headless=True,
                                          args=CHROMIUM_ARGS)
    except Error as error:
        problem = error.message
    pytest.fail(f"Chromium could not start from {path}: {problem}\n"
                "The browser tests need Debian's chromium package: apt-get install chromium "
                "(.ci/run installs it). Never run `playwright install`.", pytrace=False)


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """The screenshot folder, emptied once per session so it shows only this run's pages."""
    shutil.rmtree(SCREENSHOT_DIR, ignore_errors=True)
    SCREENSHOT_DIR.mkdir(parents=True)
    return SCREENSHOT_DIR


@pytest.fixture
def network_guard() -> NetworkGuard:
    return NetworkGuard()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer,
            network_guard: NetworkGuard) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) at phone size, that may only talk to 127.0.0.1."""
    # The HTTPS journeys' certificate is a throw-away one made for the test.
    context = browser.new_context(viewport=PHONE, base_url=live_server.url,
                                  accept_downloads=True, locale="en-US",
                                  ignore_https_errors=live_server.url.startswith("https:"))
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.route("**/*", network_guard.handle)
    yield context
    context.close()
    assert not network_guard.unexpected(), (
        f"The browser tried to leave the machine: {network_guard.unexpected()}")


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab that fails the test on any script error, console error (CSP violations show up
    there) or failed load of the app's own files.

    Pages themselves may answer 4xx on purpose (a step with errors is a 422), so only
    subresources count; Chromium's console line for such a page is left out for that reason.
    """
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console error: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} for {response.url}")

    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    assert not errors, "The browser reported errors:\n  " + "\n  ".join(errors)


@pytest.fixture(scope="session")
def html_checker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NuChecker]:
    """The W3C Nu HTML checker, started once for the session (it fails, never skips)."""
    try:
        checker = NuChecker(free_port(), tmp_path_factory.mktemp("vnu") / "vnu.log")
    except RuntimeError as error:
        pytest.fail(f"The Nu HTML checker could not start: {error}", pytrace=False)
    yield checker
    checker.stop()


@pytest.fixture
def journey(page: Page, screenshot_dir: Path,
            html_checker: NuChecker) -> Callable[[str], Journey]:
    """`journey("name")` starts a journey on this test's tab; see `Journey.visit`."""
    sources = PageSources(page)

    def start(name: str) -> Journey:
        return Journey(page, name, html_checker, sources)

    return start
