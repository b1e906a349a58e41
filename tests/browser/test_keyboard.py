"""The whole questionnaire with the keyboard alone: Tab, Space, arrows and Enter. After every
page load the focus is on the first question (or on the error summary), and it shows."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.flows import (
    MAX_STEPS,
    RESULT_PATH,
    answer_step_by_keyboard,
    assert_visible_focus,
    current_step,
    focused,
    is_next_button,
    low_risk_answers,
    press_and_load,
    question_names,
    tab_to,
    url_path,
    wait_for_page_focus,
)
from tests.browser.harness import Journey


def test_the_questionnaire_by_keyboard_alone(page: Page,
                                             journey: Callable[[str], Journey]) -> None:
    trip = journey("keyboard")
    page.goto("/")
    trip.visit("landing")

    # Quick exit comes first, then the skip link, which shows itself when focused and leads
    # into the main content.
    page.keyboard.press("Tab")
    quick_exit = focused(page)
    assert quick_exit["text"].startswith("Quick exit")
    assert_visible_focus(quick_exit)
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Skip to main content"
    assert_visible_focus(skip)
    expect(page.get_by_role("link", name="Skip to main content")).to_be_in_viewport()
    page.keyboard.press("Enter")
    tab_to(page, "the Start button", lambda el: el["text"] == "Start the check")
    assert_visible_focus(focused(page))
    press_and_load(page, "Enter")

    # An empty step: the error summary takes the focus, and its link leads to the question.
    first_question = question_names(page)[0]
    tab_to(page, "the Next button", is_next_button)
    press_and_load(page, "Enter")
    summary = wait_for_page_focus(page)
    assert summary["id"] == "error-summary", summary
    assert_visible_focus(summary)
    trip.visit("step-with-errors")
    page.keyboard.press("Tab")
    assert focused(page)["tag"] == "a"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page)["name"] == first_question

    answers = low_risk_answers()
    for _ in range(MAX_STEPS):
        if url_path(page).endswith(RESULT_PATH):
            break
        step = current_step(page)
        first = wait_for_page_focus(page)
        assert first["name"] == question_names(page)[0], f"step {step}: focus on {first}"
        assert_visible_focus(first)
        trip.visit(f"step-{step}")
        answer_step_by_keyboard(page, answers)
    expect(page.locator("h1")).to_have_text("Your screening result")
    trip.visit("result")
