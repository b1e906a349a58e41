"""The crisis and medical persons of the clinical tables (tests/screening/test_clinical_ranking.py)
walked through the self-screening in a real browser: every crisis stop on the way, then the
result's first lines (what matters most: crisis help, medical care, the first step), the harms
named, and the ranking the engine gave. Declining the "right now" question is also walked in
the counselor's mount, whose crisis stop must treat it as immediate danger."""

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import (
    add_client,
    current_step,
    press_next,
    sign_in,
    start_screening,
    tick_answers,
    url_path,
)
from tests.browser.harness import Journey, visible_text
from tests.browser.server import LiveServer
from tests.screening.test_clinical_ranking import PERSONS, Person

WALKED = [p for p in PERSONS if {"crisis", "medical"} & set(p.values[0].tags)]
STOP_TITLES = {"emergency": "Please get help right now", "today": "Your safety comes first"}
MAX_PAGES = 30


def walk(page: Page, answers: dict[str, Any], trip: Journey, result: str, continue_label: str
         ) -> list[str]:
    """Answer step by step until the result; at each crisis stop, check and keep the page and
    continue. The crisis stops' headings, in order."""
    stops: list[str] = []
    for _ in range(MAX_PAGES):
        path = url_path(page)
        if path.endswith(result):
            return stops
        if path.endswith("/support"):
            stops.append(page.locator("h1").inner_text())
            expect(page.locator('a[href^="tel:"]').first).to_be_visible()
            trip.visit(f"support-{len(stops)}")
            page.get_by_role("link", name=continue_label).click()
            continue
        assert current_step(page) is not None, page.url
        tick_answers(page, answers)
        press_next(page)
    raise AssertionError(f"no result after {MAX_PAGES} pages; at {page.url}")


@pytest.mark.parametrize("person", WALKED)
def test_self_screening_journey(page: Page, journey: Callable[[str], Journey],
                                person: Person) -> None:
    expected = person.expect
    trip = journey(f"clinical-{person.id}")
    start_screening(page)
    stops = walk(page, person.answers, trip, "/screening/result", "Continue the questions")

    main = page.locator("main")
    if expected.crisis != "none":
        # The most urgent crisis words come last: "right now" is asked on the last safety page.
        assert stops and stops[-1] == STOP_TITLES[expected.crisis], stops
        expect(main.locator(":scope > section").first).to_have_class("crisis")
        expect(main.locator("h1")).to_have_text(STOP_TITLES[expected.crisis])
    else:
        assert stops == []
        expect(main.locator("h1")).to_have_text("Your screening result")
    lines = main.locator(".what-matters .priorities li").all_inner_texts()
    kinds = [re.sub(r"^priority-", "", c.split()[-1]) for c in
             main.locator(".what-matters .priorities li").evaluate_all(
                 "items => items.map(i => i.className)")]
    if expected.priorities is not None:
        assert kinds == list(expected.priorities), lines
    first_path = main.locator(".path-list > li h3").first.inner_text()
    assert lines[-1].endswith(f"{first_path}."), (lines, first_path)
    if "medical" in person.tags:
        expect(main.locator(".what-matters .harms li").first).to_be_visible()
        expect(main.locator("#medical-title")).to_have_text("See a doctor")
    text = visible_text(page)
    assert "No clear sign of a problem" not in text and "ASAM" not in text
    assert "screening, not a diagnosis" in text
    trip.visit("result")


def test_declining_right_now_stops_the_counselor_as_an_emergency(
        page: Page, live_server: LiveServer, journey: Callable[[str], Journey]) -> None:
    person: Person = next(p.values[0] for p in WALKED if p.values[0].id == "now-declined")
    trip = journey("clinical-counselor-now-declined")
    page.goto("/counselor/login")
    sign_in(page, live_server.admin)
    page.goto("/counselor/clients/new")
    code = add_client(page, "Ren Example")
    page.get_by_role("button", name="Start a screening with this client").click()

    stops: list[str] = []
    for _ in range(MAX_PAGES):
        if url_path(page).endswith("/screenings/new/support"):
            stops.append(visible_text(page))
            trip.visit(f"support-{len(stops)}")
            if "immediate danger" in stops[-1]:
                break
            page.get_by_role("link", name="Continue the screening").click()
            continue
        tick_answers(page, person.answers)
        press_next(page)
    expect(page.locator("h1")).to_have_text(f"Safety first: client {code}")
    assert "Treat this as possible immediate danger" in stops[-1]
    assert len(stops) == 2, "the first stop is for the safety page, the second for 'right now'"

    # Leave the admin's caseload as it was: the counselor journey starts from an empty one.
    page.goto("/counselor/clients")
    page.get_by_role("link", name=code).click()
    page.goto(f"{url_path(page)}/delete")
    page.get_by_role("button", name=f"Yes, delete client {code}").click()
    expect(page.locator("body")).to_contain_text("You have no clients yet")
