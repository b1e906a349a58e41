"""The person on a phone at night (issue 18), at 375 px: nothing lost by a stray tap (continuing
comes first, clearing and deleting ask once more), the private links kept and moved without
typing (a QR code), what Quick exit can't do said plainly, steps that don't pile up as form
posts in the history, and a result page that can be taken in."""

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.flows import (
    answer_questionnaire,
    low_risk_answers,
    make_plan,
    press_next,
    start_screening,
    tick_answers,
)
from tests.browser.harness import Journey, visible_text


def test_nothing_is_lost_by_a_stray_tap(page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("night-stray-tap")
    start_screening(page)
    tick_answers(page, low_risk_answers())
    press_next(page)
    second_step = page.url

    # Back on the landing page mid-check: continuing is the big button, starting again isn't.
    page.goto("/")
    continue_button = page.get_by_role("link", name="Continue where you left off")
    expect(continue_button).to_have_class("button")
    expect(page.get_by_role("button", name="Start the check")).to_have_count(0)
    trip.visit("landing-mid-check")

    page.get_by_role("link", name="Start again with no answers").click()
    expect(page.locator("h1")).to_have_text("Clear my answers and stop?")
    trip.visit("clear-confirm")
    page.get_by_role("link", name="No, keep the answers").click()
    expect(page).to_have_url(second_step)  # nothing was lost

    page.get_by_role("link", name="Clear my answers and stop").click()
    page.get_by_role("button", name="Yes, clear my answers and stop").click()
    expect(page.locator(".notices")).to_contain_text("Your answers have been cleared")
    expect(page.get_by_role("button", name="Start the check")).to_be_visible()
    trip.visit("cleared")


def test_steps_do_not_pile_up_as_form_posts(page: Page,
                                            journey: Callable[[str], Journey]) -> None:
    """Each answered step is one entry in the history, a page fetched by GET (post, redirect,
    get): Back shows the previous step with its answer, never asks to send a form again."""
    start_screening(page)
    before = page.evaluate("() => history.length")
    for _ in range(3):
        tick_answers(page, low_risk_answers())
        press_next(page)
    assert page.evaluate("() => history.length") == before + 3
    third_step = page.url

    response = page.go_back()
    assert response is not None and response.request.method == "GET"
    assert response.status == 200
    expect(page.locator("input:checked").first).to_be_checked()
    page.go_forward()
    expect(page).to_have_url(third_step)


def test_quick_exit_says_what_it_cannot_do(page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("night-quick-exit-limits")
    page.goto("/")
    landing = visible_text(page)
    assert "not your browser's history" in landing
    assert "private window" in landing
    trip.visit("landing")
    page.get_by_role("link", name="More about this").click()
    expect(page).to_have_url(re.compile(r"/privacy#quick-exit-limits$"))
    heading = page.locator("#quick-exit-limits")
    expect(heading).to_have_text("What Quick exit can and can't do")
    expect(heading).to_be_in_viewport()
    trip.visit("privacy")


def test_keeping_and_moving_the_private_links(page: Page,
                                              journey: Callable[[str], Journey]) -> None:
    trip = journey("night-links")
    start_screening(page)
    answer_questionnaire(page, low_risk_answers())
    page.get_by_role("button", name="Save my result").click()
    expect(page).to_have_url(re.compile(r"/r/[^/]+$"))
    result_url = page.url
    expect(page.locator(".saved-box")).to_contain_text("password manager")
    qr = page.locator(".saved-box svg.qr-code")
    expect(qr).to_be_hidden()  # folded away until asked for
    page.get_by_text("Open this result on another device, without typing").click()
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("role", "img")
    trip.visit("saved-with-qr")

    plan_url = make_plan(page)
    page.get_by_text("Open this plan on another device, without typing").click()
    expect(page.locator(".saved-box svg.qr-code")).to_be_visible()
    trip.visit("plan-with-qr")
    page.get_by_role("link", name="Open the result").click()
    expect(page).to_have_url(result_url)
    page.get_by_role("link", name="Open my plan").click()
    expect(page).to_have_url(plan_url)

    # Deleting the result asks first, on a page of its own, and points at the plan's link.
    page.goto(result_url)
    page.get_by_role("link", name="Delete this result").click()
    expect(page.locator("h1")).to_have_text("Delete this saved result for good?")
    expect(page.get_by_role("link", name="open your plan")).to_have_attribute(
        "href", re.compile(r"/plans/[^/]+$"))
    trip.visit("delete-confirm")
    page.get_by_role("link", name="No, keep my result").click()
    expect(page).to_have_url(result_url)


def test_a_result_that_can_be_taken_in(page: Page, journey: Callable[[str], Journey]) -> None:
    """Medical help always shows; the rest is grouped under headings that open and close
    without script, each saying its gist while closed."""
    trip = journey("night-result")
    start_screening(page)
    answer_questionnaire(page, low_risk_answers(symptoms=["pee_often"]))
    expect(page.locator("#medical-title")).to_be_visible()  # never folded away
    expect(page.locator(".medical details.result-group")).to_have_count(0)
    groups = page.locator("details.result-group")
    assert groups.count() >= 3
    severity = page.locator("details.result-group", has=page.locator("#severity-title"))
    expect(severity).not_to_have_attribute("open", "")
    expect(severity.locator(".group-gist")).to_contain_text(re.compile(r"\d+ of \d+ areas"))
    expect(page.locator("svg.gauge")).to_be_hidden()
    trip.visit("result-grouped")

    severity.locator("> summary").click()  # opens with no script: details/summary
    expect(page.locator("svg.gauge")).to_be_visible()
    severity.locator("> summary").click()
    expect(page.locator("svg.gauge")).to_be_hidden()
    # "What matters most" points at the first suggested step, and following it opens the group.
    expect(page.locator(".paths details.result-group")).not_to_have_attribute("open", "")
    page.locator(".what-matters a[href='#first-path']").click()
    expect(page.locator("#first-path")).to_be_visible()
    expect(page.locator("#first-path")).to_be_in_viewport()
    # A link to a section (the summary's) lands on its heading, which opens it with a tap.
    page.goto(page.url.split("#")[0] + "#scores-title")
    expect(page.locator("#scores-title")).to_be_in_viewport()
    page.locator("#scores-title").click()
    expect(page.locator("table", has_text="Score").first).to_be_visible()
    trip.visit("result-scores-open")
