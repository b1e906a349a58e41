"""Someone screens themselves on a phone: landing page, every step, the result, a plan, an edit
and each PDF; then saving and deleting a result."""

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.flows import (
    answer_questionnaire,
    download_after_preview,
    download_pdf,
    low_risk_answers,
    make_plan,
    pdf_page_size,
    pdf_text,
    start_screening,
)
from tests.browser.harness import Journey, visible_text

LOW_RISK_STEPS = ["substance", "recent_use", "pattern", "checklist", "other_substances", "body",
                  "mood", "safety", "situation"]


def test_screening_to_plan_and_each_pdf(page: Page, journey: Callable[[str], Journey],
                                        tmp_path: Path) -> None:
    trip = journey("self-screening")
    start_screening(page, trip)
    answer_questionnaire(page, low_risk_answers(), trip)
    assert trip.visited == ["landing"] + [f"step-{s}" for s in LOW_RISK_STEPS]

    expect(page.locator("h1")).to_have_text("Your screening result")
    assert_gauge_has_words(page)
    trip.visit("result")

    make_plan(page)
    expect(page.locator(".notices")).to_contain_text("Your plan is ready")
    trip.visit("plan")

    page.get_by_role("link", name=re.compile(r"^Edit\W+Support contacts$")).click()
    trip.visit("edit-contacts")
    first_row = page.get_by_role("group", name="Contact 1")
    first_row.get_by_label("Name").fill("Robin")
    first_row.get_by_label("Phone").fill("555 0100")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/plans/[^/]+#contacts$"))
    expect(page.locator(".contact-people")).to_contain_text("Robin: 555 0100")
    trip.visit("plan-after-edit")

    full = download_pdf(page, "The full plan", 0, tmp_path)
    assert full.name.startswith("recovery-plan-full-")
    assert "(A4)" in pdf_page_size(full)
    assert_in_order(pdf_text(full), "My relapse-prevention plan", "Support contacts",
                    "Robin", "Crisis help")

    letter = download_pdf(page, "The full plan", 1, tmp_path / "letter")
    assert "(letter)" in pdf_page_size(letter)

    # The share-safe printouts open a preview first: leave the first item out, then download.
    page.locator(".plan-links li", has_text="A one-page handout").get_by_role("link").first.click()
    expect(page.locator("h1")).to_have_text("Check your handout before you print it")
    first = page.locator(".print-item").first
    left_out = first.locator("label").inner_text().strip()
    first.get_by_role("checkbox").uncheck()
    page.get_by_role("button", name="Save my choices and check again").click()
    expect(page.locator(".print-item").first.get_by_role("checkbox")).not_to_be_checked()
    page.go_back()
    page.go_back()
    handout_text = pdf_text(download_after_preview(page, "A one-page handout", 0, tmp_path,
                                                   trip, "handout-preview"))
    assert "My recovery plan" in handout_text
    assert left_out and left_out not in handout_text
    # Share-safe: no substance, no phone numbers.
    assert "ketamine" not in handout_text.lower()
    assert "555 0100" not in handout_text

    wallet_text = pdf_text(download_after_preview(page, "A wallet card", 0, tmp_path, trip,
                                                  "wallet-preview"))
    assert_in_order(wallet_text, "If I'm struggling", "988", "Robin")


def test_versions_compare_in_words_and_restore(page: Page,
                                               journey: Callable[[str], Journey]) -> None:
    trip = journey("versions")
    start_screening(page)
    answer_questionnaire(page, low_risk_answers())
    plan_url = make_plan(page)
    page.goto(f"{plan_url}/edit/meetings")
    first_row = page.get_by_role("group", name="Meeting 1")
    first_row.get_by_label("Kind of meeting").select_option(label="Narcotics Anonymous (NA)")
    first_row.get_by_label("Name").fill("Tuesday group")
    page.get_by_role("button", name="Save").click()
    page.goto(f"{plan_url}/edit/urge_plan")
    page.get_by_label("Who I'll text when an urge hits").fill("Robin")
    page.get_by_role("button", name="Save").click()

    page.goto(f"{plan_url}/revisions")
    text = visible_text(page)
    assert "Changed: Meetings" in text and "Changed: My urge plan" in text
    trip.visit("revisions")
    page.get_by_role("link", name="See the changes since version 1").click()
    text = visible_text(page)
    assert "Added: Narcotics Anonymous (NA) · Tuesday group" in text
    assert "na ·" not in text
    trip.visit("compare")

    page.goto(f"{plan_url}/compare?from=1&to=3")
    assert "Text or call: Robin" in visible_text(page)
    trip.visit("compare-two-steps")
    page.goto(f"{plan_url}/revisions")
    page.get_by_role("button", name="Restore version 1").click()
    expect(page.locator(".notices")).to_contain_text("Version 1 is back. It is saved as version 4.")
    assert "Tuesday group" not in visible_text(page)
    trip.visit("plan-restored")


def test_save_then_delete_a_result(page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("save-delete")
    start_screening(page)
    answer_questionnaire(page, low_risk_answers())

    page.get_by_role("button", name="Save my result").click()
    expect(page).to_have_url(re.compile(r"/r/[^/]+$"))
    saved_url = page.url
    expect(page.locator(".notices")).to_contain_text("Your result is saved")
    expect(page.locator(".saved-box")).to_contain_text(saved_url)
    trip.visit("saved")

    page.get_by_role("link", name="Delete this result").click()
    expect(page.locator("h1")).to_have_text("Delete this saved result for good?")
    trip.visit("delete-confirm")
    page.get_by_role("button", name="Delete this result for good").click()
    expect(page.locator(".notices")).to_contain_text("deleted for good")
    trip.visit("deleted")

    response = page.goto(saved_url)
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("Sorry, that didn't work")
    trip.visit("deleted-link")


def assert_gauge_has_words(page: Page) -> None:
    """The gauge is a picture of the count: it has a name and a description, and the page
    says the same count in words for everyone."""
    gauge = page.locator("svg.gauge")
    expect(gauge).to_have_attribute("role", "img")
    title = gauge.locator("title").text_content() or ""
    description = gauge.locator("desc").text_content() or ""
    score = re.search(r"(\d+) of (\d+)", title)
    assert score is not None, title
    assert "Bands:" in description
    assert f"{score.group(1)} of {score.group(2)}" in visible_text(page)


def assert_in_order(text: str, *parts: str) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position} in: {text[:2000]}"
        position = found + len(part)


def test_every_plan_edit_form(page: Page, journey: Callable[[str], Journey]) -> None:
    """Each section's edit form, as sent and as shown again with an error, passes the page
    checks (axe, headings, the Nu HTML checker)."""
    trip = journey("plan-forms")
    start_screening(page)
    answer_questionnaire(page, low_risk_answers())
    plan_url = make_plan(page)
    edit_links = page.locator("a[href*='/edit/']")
    sections = sorted({(edit_links.nth(i).get_attribute("href") or "").rsplit("/", 1)[-1]
                       for i in range(edit_links.count())})
    assert {"about", "triggers", "contacts", "urge_plan", "lapse_plan"} <= set(sections)
    for section in sections:
        page.goto(f"{plan_url}/edit/{section}")
        trip.visit(f"edit-{section}")

    page.goto(f"{plan_url}/edit/contacts")
    first_row = page.get_by_role("group", name="Contact 1")
    first_row.get_by_label("Name").fill("Robin")
    first_row.get_by_label("Phone").fill("call me")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_contain_text("A phone number may hold digits")
    trip.visit("edit-contacts-errors")

    page.goto("/plans/import")
    trip.visit("import")
