"""A counselor's screening as a record: their choice of path leads the plan made from it, the
saved screening shows every answer, and its PDF summary prints for the clinic's file."""

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.flows import (
    add_client,
    answer_questionnaire,
    low_risk_answers,
    pdf_page_size,
    pdf_text,
    sign_in,
    url_path,
)
from tests.browser.harness import SCREENSHOT_DIR, Journey
from tests.browser.server import LiveServer

REASON = "detox not indicated"


def test_a_chosen_path_leads_the_plan_and_the_screening_prints_as_a_record(
        page: Page, live_server: LiveServer, journey: Callable[[str], Journey],
        tmp_path: Path) -> None:
    trip = journey("counselor-record")
    page.goto("/counselor/login")
    sign_in(page, live_server.admin)
    page.goto("/counselor/clients/new")
    page.get_by_label("Clinic record number (optional)").fill("MRN-20417")
    code = add_client(page, "Ari Example")

    page.get_by_role("button", name="Start a screening with this client").click()
    answer_questionnaire(page, low_risk_answers(substance="alcohol", depressant_daily="yes",
                                                m_down="most_days", m_interest="most_days"),
                         until="/screenings/new/result")
    page.get_by_label("Notes (optional)").fill("Drinks daily, small amounts.\nNo shakes.")
    page.get_by_role("button", name="Save the screening").click()
    expect(page.locator(".notices")).to_contain_text("The screening is saved.")
    expect(page.locator("#choice-title + p")).to_contain_text(
        "Medically supervised withdrawal")
    # Every answer, step by step, in words: one not used as evidence anywhere.
    answers = page.locator("section.answers")
    expect(answers.locator("caption")).to_contain_text(["What this is about", "Your situation"])
    expect(answers.get_by_role("row", name=re.compile("someone you trust"))).to_contain_text(
        "Yes")
    trip.visit("screening-every-answer")

    page.get_by_label("Path you recommend").select_option("dual_diagnosis")
    page.get_by_label("Why you chose it").fill(REASON)
    page.get_by_role("button", name="Save the choice of path").click()
    expect(page.locator("#plan-title + p")).to_contain_text(
        "start from your choice of path, Dual-diagnosis (integrated) treatment")
    trip.visit("screening-path-chosen")

    page.get_by_role("button", name="Make a plan from this screening").click()
    expect(page).to_have_url(re.compile(r"/counselor/clients/\d+/plans/\d+$"))
    steps = page.locator("section", has=page.get_by_role("heading",
                                                          name="Treatment next steps"))
    expect(steps.locator("li").first).to_contain_text(
        "Ask for a service that treats mood, anxiety or trauma together with substance use.")
    expect(steps.locator("li").first).to_contain_text(f"Their reason: {REASON}")
    expect(steps).not_to_contain_text("detox service and ask for a withdrawal assessment")
    trip.visit("plan-from-chosen-path")

    page.get_by_role("link", name=f"Back to client {code}").click()
    page.locator("table a[href*='/screenings/']").first.click()
    trip.visit("screening-before-printing")
    with page.expect_download() as info:
        page.locator("#record-title ~ .pdf-links").get_by_role("link", name="A4").click()
    download = info.value
    assert download.failure() is None
    assert re.fullmatch(r"screening-record-\d{4}-\d{2}-\d{2}\.pdf", download.suggested_filename)
    record = tmp_path / download.suggested_filename
    download.save_as(record)

    words = pdf_text(record)
    for piece in (f"Screening record: client {code}", "MRN-20417", live_server.admin.name,
                  "Chosen by the counselor: Dual-diagnosis (integrated) treatment",
                  f"Reason: {REASON}", "Suggested by the screening: Medically supervised",
                  "Drinks daily, small amounts.", "Low mood", "Daily downers"):
        assert piece in words, piece
    assert "Ari Example" not in words  # the code and the record number identify the client
    assert "(A4)" in pdf_page_size(record)
    pages = subprocess.run(["pdfinfo", str(record)], capture_output=True, text=True,
                           check=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", pages, re.M).group(1)) <= 2  # type: ignore[union-attr]
    # Drawn as images beside the journey's screenshots, to be looked at.
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(record),
                    str(SCREENSHOT_DIR / "counselor-record-pdf")], check=True)

    # Leave the admin's caseload as it was: the counselor journey may start from an empty one.
    page.goto("/counselor/clients")
    page.get_by_role("link", name=code).click()
    page.goto(f"{url_path(page)}/delete")
    page.get_by_role("button", name=f"Yes, delete client {code}").click()
    expect(page.locator(".notices")).to_contain_text(f"Client {code} and everything recorded")
