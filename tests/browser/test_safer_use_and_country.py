"""Two journeys of issue 15: the crisis stop's country picker, with JavaScript switched off
(it is a plain form), and the safer-use section a ketamine user not ready to stop sees on the
result, with why."""

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.flows import answer_questionnaire, low_risk_answers, start_screening
from tests.browser.harness import (
    PHONE,
    SCREENSHOT_DIR,
    WIDTHS,
    Journey,
    NetworkGuard,
    PageSources,
    screenshot_name,
)
from tests.browser.server import LiveServer
from tests.browser.vnu import NuChecker


@pytest.fixture
def no_script_page(browser: Browser, live_server: LiveServer,
                   network_guard: NetworkGuard) -> Iterator[Page]:
    """A tab with JavaScript switched off for the pages (the test itself may still read them)."""
    context: BrowserContext = browser.new_context(
        viewport=PHONE, base_url=live_server.url, locale="en-US", java_script_enabled=False,
        ignore_https_errors=live_server.url.startswith("https:"))
    context.route("**/*", network_guard.handle)
    yield context.new_page()
    context.close()
    assert network_guard.unexpected() == []


class NoScriptVisits:
    """Journey.visit without axe (it injects a script, which can't run here): the server's HTML
    through the Nu checker, and a screenshot at each width. The same pages are checked with axe
    in the next test, with scripts on."""

    def __init__(self, page: Page, checker: NuChecker) -> None:
        self.page, self.checker, self.sources, self.count = page, checker, PageSources(page), 0

    def visit(self, step: str) -> None:
        self.page.wait_for_load_state("load")
        self.count += 1
        assert self.checker.errors(self.sources.html()) == []
        for width_name, viewport in WIDTHS:
            self.page.set_viewport_size(viewport)
            self.page.screenshot(path=SCREENSHOT_DIR / screenshot_name(
                "country-no-js", self.count, step, width_name), full_page=True)
        self.page.set_viewport_size(PHONE)


def test_the_support_pages_country_picker_works_without_javascript(
        no_script_page: Page, html_checker: NuChecker, screenshot_dir: object) -> None:
    page = no_script_page
    trip = NoScriptVisits(page, html_checker)
    answers = low_risk_answers(s_wish_dead="yes", s_now="no")
    start_screening(page)
    answer_questionnaire(page, answers, until="/screening/support")
    expect(page.locator('a[href="tel:988"]').first).to_be_visible()
    trip.visit("support-us")

    page.get_by_label("Showing numbers for").select_option("GB")
    page.get_by_role("button", name="Change country").click()

    expect(page).to_have_url(re.compile(r"/screening/support\?region=GB$"))
    expect(page.locator("h1")).to_have_text("Your safety comes first")
    samaritans = page.locator("main").get_by_role("link", name="Call 116 123", exact=True)
    expect(samaritans).to_be_visible()
    expect(page.locator('a[href="tel:988"]')).to_have_count(0)
    trip.visit("support-gb")
    # The questions go on, and the choice holds: the result's crisis lines are the UK's.
    page.get_by_role("link", name="Continue the questions").click()
    answer_questionnaire(page, answers)
    crisis = page.locator(".crisis")
    expect(crisis.get_by_role("link", name="Call 116 123", exact=True)).to_be_visible()
    expect(page.get_by_label("Showing numbers for")).to_have_value("GB")
    trip.visit("result-gb")


def test_the_support_pages_country_picker_passes_the_checks(
        page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("country")
    start_screening(page)
    answer_questionnaire(page, low_risk_answers(s_wish_dead="yes", s_now="no"),
                         until="/screening/support")
    page.get_by_label("Showing numbers for").select_option("CA")
    page.get_by_role("button", name="Change country").click()

    expect(page.get_by_role("heading", name="9-8-8 Suicide Crisis Helpline")).to_be_visible()
    trip.visit("support-ca")


def test_a_ketamine_user_not_ready_to_stop_sees_how_to_stay_safer(
        page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("safer-use")
    answers = low_risk_answers(readiness="not_ready", last_use="past_week",
                               frequency="weekly", w_alone_secret="yes")
    start_screening(page)
    answer_questionnaire(page, answers)

    section = page.locator("section.safer-use")
    expect(section.get_by_role("heading", level=2)).to_have_text("Staying safer with ketamine")
    expect(section).to_contain_text("Never use alone")
    expect(section).to_contain_text("K-hole")
    expect(section).to_contain_text("see your primary care doctor within a week or two")
    why = section.locator(".why-box")
    expect(why).to_contain_text("You said you don't see your use as a problem")
    expect(why).to_contain_text("You used in the past month")
    section.scroll_into_view_if_needed()
    trip.visit("result")
