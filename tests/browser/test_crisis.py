"""Someone says they have wished they were dead: crisis help comes at once, before any more
questions, and leads the result page; the plan made from it starts with a safety plan."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.flows import (
    answer_questionnaire,
    low_risk_answers,
    make_plan,
    start_screening,
)
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

    # The plan made from it starts with the safety plan; its edit form asks each step as the
    # safety plan's own pages do: the box is named by the step and described by its question.
    make_plan(page)
    page.locator("#safety_steps").get_by_role("link", name=re.compile(r"^Edit")).click()
    box = page.get_by_role("textbox", name="My warning signs", exact=True)
    expect(box).to_have_accessible_description(
        re.compile(r"^What tells you that a hard time may be starting\? Thoughts, feelings"))
    trip.visit("plan-safety-edit")
    box.fill("Not sleeping, staying in my room")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page).to_have_url(re.compile(r"/plans/[^/]+(#safety_steps)?$"))
    expect(page.locator("#safety_steps").locator("xpath=..")).to_contain_text(
        "Not sleeping, staying in my room")
