"""The safety plan of issue 15, in a real browser on a 320 px phone: offered on the crisis
support page, made one step per page (Next, Skip, Back, an error shown and fixed), the
country's crisis lines already on it, reviewed, saved under a private link, printed on one
page, a step changed, and deleted after a page that asks once more."""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.flows import (
    answer_questionnaire,
    low_risk_answers,
    pdf_page_size,
    pdf_text,
    start_screening,
    url_path,
)
from tests.browser.harness import NARROW, Journey

STEP_URL = re.compile(r"/safety-plan/steps/([a-z_]+)$")


def go(page: Page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state("load")


def at_step(page: Page, trip: Journey, step_id: str, number: int) -> None:
    expect(page).to_have_url(re.compile(rf"/safety-plan/steps/{step_id}$"))
    expect(page.locator(".progress-text")).to_contain_text(f"step {number} of 7")
    trip.visit(f"step-{number}-{step_id}")
    page.set_viewport_size(NARROW)


def test_a_safety_plan_from_the_support_page_to_its_pdf(
        page: Page, journey: Callable[[str], Journey], tmp_path: Path) -> None:
    trip = journey("safety-plan")
    page.set_viewport_size(NARROW)
    start_screening(page)
    answer_questionnaire(page, low_risk_answers(s_wish_dead="yes", s_now="no"),
                         until="/screening/support")
    trip.visit("support")
    page.set_viewport_size(NARROW)
    page.get_by_role("link", name="Make a safety plan").click()
    expect(page.locator("h1")).to_have_text("My safety plan")
    trip.visit("start")
    page.get_by_role("link", name="Start my safety plan").click()

    at_step(page, trip, "warning_signs", 1)
    page.get_by_label("Line 1", exact=True).fill("Not sleeping, staying in my room")
    go(page, "Next")
    at_step(page, trip, "on_my_own", 2)
    page.get_by_label("Line 1", exact=True).fill("This will not be kept")
    go(page, "Skip this step")
    at_step(page, trip, "distractions", 3)
    page.get_by_label("Line 1", exact=True).fill("The climbing gym")
    go(page, "Back")
    expect(page.get_by_label("Line 1", exact=True)).to_have_value("")  # the skip kept nothing
    go(page, "Next")
    expect(page.get_by_label("Line 1", exact=True)).to_have_value("The climbing gym")
    go(page, "Next")

    at_step(page, trip, "people", 4)
    page.get_by_label("Name 1", exact=True).fill("Sam (my brother)")
    page.get_by_label("Phone number 1", exact=True).fill("555-0101")
    go(page, "Next")
    at_step(page, trip, "professionals", 5)
    expect(page.locator('main a[href="tel:988"]').first).to_be_visible()
    page.get_by_label("Name 1", exact=True).fill("Dr Lee, my doctor")
    page.get_by_label("Phone number 1", exact=True).fill("+1 212 555 0199")
    go(page, "Next")

    at_step(page, trip, "surroundings", 6)
    page.get_by_label("Line 1", exact=True).fill("x" * 300)
    go(page, "Next")
    expect(page.locator(".error-summary")).to_contain_text("keep each line to 100 characters")
    trip.visit("step-6-error")
    page.set_viewport_size(NARROW)
    page.get_by_label("Line 1", exact=True).fill("Give my spare pills to the pharmacy")
    go(page, "Next")
    at_step(page, trip, "reasons", 7)
    page.get_by_label("Line 1", exact=True).fill("My daughter Ivy")
    go(page, "Next: review my plan")

    expect(page).to_have_url(re.compile(r"/safety-plan/review$"))
    expect(page.locator('a[href="tel:5550101"]')).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("This will not be kept")
    trip.visit("review")
    page.set_viewport_size(NARROW)
    page.get_by_role("link", name="Clear it from this browser").click()
    expect(page.locator("h1")).to_have_text("Clear your safety plan from this browser?")
    trip.visit("forget")
    page.set_viewport_size(NARROW)
    page.get_by_role("link", name="Keep it").click()  # asked first: nothing lost
    expect(page.locator("main")).to_contain_text("My daughter Ivy")
    go(page, "Save and get my private link")

    expect(page).to_have_url(re.compile(r"/safety-plan/[A-Za-z0-9_-]{43}$"))
    link = url_path(page)
    for words in ("My daughter Ivy", "The climbing gym", "Sam (my brother)",
                  "988 Suicide & Crisis Lifeline"):
        expect(page.locator("main")).to_contain_text(words)
    expect(page.locator('a[href="tel:+12125550199"]')).to_be_visible()
    trip.visit("saved")
    page.set_viewport_size(NARROW)

    with page.expect_download() as info:
        page.get_by_role("link", name="PDF on A4 paper").click()
    pdf = tmp_path / info.value.suggested_filename
    info.value.save_as(pdf)
    text = pdf_text(pdf)
    assert re.fullmatch(r"safety-plan-\d{4}-\d\d-\d\d\.pdf", pdf.name)
    assert "(A4)" in pdf_page_size(pdf)
    for words in ("My safety plan", "Not sleeping, staying in my room", "Sam (my brother)",
                  "555-0101", "Call 988", "My daughter Ivy"):
        assert words in text
    info_lines = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                check=True, timeout=30).stdout
    assert re.search(r"^Pages:\s+1$", info_lines, re.MULTILINE)

    page.get_by_role("link", name="Change “My reasons to live”").click()
    trip.visit("edit-reasons")
    page.set_viewport_size(NARROW)
    page.get_by_label("Line 2", exact=True).fill("Seeing the sea again")
    go(page, "Save")
    expect(page.locator("#reasons")).to_contain_text("Seeing the sea again")

    page.get_by_role("link", name="Delete this safety plan").click()
    trip.visit("delete")
    page.set_viewport_size(NARROW)
    go(page, "Delete my safety plan")
    expect(page.locator(".notices")).to_contain_text("deleted")
    gone = page.goto(link)
    assert gone is not None and gone.status == 404
