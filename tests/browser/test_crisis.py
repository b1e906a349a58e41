"""Someone says they have wished they were dead: crisis help comes at once, before any more
questions, and leads the result page."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.flows import answer_questionnaire, low_risk_answers, start_screening
from tests.browser.harness import Journey


def test_a_positive_suicide_answer_goes_straight_to_help(
        page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("crisis")
    answers = low_risk_answers(s_wish_dead="yes", s_now="no")
    start_screening(page)
    answer_questionnaire(page, answers, until="/screening/support")

    expect(page.locator("h1")).to_have_text("Your safety comes first")
    expect(page.locator('a[href="tel:988"]').first).to_be_visible()
    trip.visit("support")

    page.get_by_role("link", name="Continue the questions").click()
    expect(page).to_have_url(re.compile(r"/screening/safety_more$"))
    answer_questionnaire(page, answers, trip)

    main = page.locator("main")
    # The crisis section comes before the result itself, and its heading is the page's h1.
    expect(main.locator(":scope > section").first).to_have_class("crisis")
    expect(main.locator("h1")).to_have_text("Your safety comes first")
    expect(main.locator(".crisis").get_by_role("link", name="988").first).to_be_visible()
    headings = main.locator("h1, h2").all_inner_texts()
    assert headings.index("Your safety comes first") < headings.index("Your screening result")
    trip.visit("result")
