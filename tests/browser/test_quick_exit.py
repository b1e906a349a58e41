"""Quick exit, by keyboard, from the middle of the questionnaire: the browser leaves for the
neutral site at once and the answers are gone when the site is opened again."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.flows import focused, low_risk_answers, press_next, start_screening, tick_answers
from tests.browser.harness import Journey, NetworkGuard

EXIT_URL = "https://www.google.com/"  # the default QUICK_EXIT_URL


def test_quick_exit_leaves_at_once_and_forgets_the_answers(
        page: Page, journey: Callable[[str], Journey], network_guard: NetworkGuard) -> None:
    trip = journey("quick-exit")
    start_screening(page)
    tick_answers(page, low_risk_answers())
    press_next(page)
    trip.visit("second-step")

    network_guard.expect_offsite(EXIT_URL)  # still blocked: the test never leaves 127.0.0.1
    # The step put the focus on its first question; Shift+Tab goes back up to the quick exit.
    for _ in range(5):
        page.keyboard.press("Shift+Tab")
        if focused(page)["text"].startswith("Quick exit"):
            break
    assert focused(page)["text"].startswith("Quick exit")
    # The request for the neutral site is blocked (the test never leaves 127.0.0.1).
    with page.expect_event("requestfailed") as failed:
        page.keyboard.press("Enter")
    assert failed.value.url.startswith(EXIT_URL)

    # Opening the site again in the same browser: the answers are gone.
    again = page.context.new_page()
    again.goto("/")
    expect(again.get_by_role("button", name="Start the check")).to_be_visible()
    expect(again.get_by_role("link", name="Continue where you left off")).to_have_count(0)


def test_the_privacy_page(page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("privacy")
    page.goto("/")
    page.get_by_role("link", name="Privacy: what we keep").click()
    expect(page.locator("h1")).to_have_text("Your privacy")
    trip.visit("privacy")
