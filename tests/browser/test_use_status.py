"""Two people for whom help with changing use would be wrong (issue 15, principles 1-4): someone
who doesn't use any drugs or alcohol, and a patient in at-home ketamine treatment who takes it
only as prescribed. Both go from the landing page to the result on a phone; every page is
checked and photographed at 375 and 1280 px (test-artifacts/screenshots/use-status-*)."""

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.flows import answer_questionnaire, low_risk_answers, start_screening
from tests.browser.harness import Journey, visible_text

# Suggestions about changing use, as the result page titles them (seeds/paths.yaml), cut short
# where words.yaml spells a word per country ("program", "behavioral").
ABOUT_USE = ("Brief advice", "Peer support groups", "Dual-diagnosis", "Outpatient progra",
             "Cognitive behavio")


def open_every_group(page: Page) -> str:
    """The result page's text with every folded group opened, as a person who taps each
    heading reads it."""
    closed = page.locator("details.result-group:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()
    expect(closed).to_have_count(0)
    return visible_text(page)


def test_someone_who_does_not_use_any(page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("use-status-none")
    answers = {"substance": "no_use", "m_interest": "most_days", "m_down": "several_days",
               "a_nervous": "several_days", "a_worry": "not_at_all", "t_event": "no",
               "s_wish_dead": "no", "s_better_off": "no", "s_thoughts_week": "no",
               "s_attempt_ever": "no", "housing": "stable", "support_person": "yes"}
    start_screening(page, trip)
    answer_questionnaire(page, answers, trip)

    assert trip.visited == ["landing", "step-substance", "step-mood", "step-safety",
                            "step-situation"]
    expect(page.locator("h1")).to_have_text("Your screening result")
    expect(page.locator(".severity .group-gist")).to_have_text("The use checklist doesn't apply")
    trip.visit("result")
    text = open_every_group(page)
    assert "the use checklist doesn't apply" in text
    assert "Care for your mood, worry or a hard experience" in text
    for title in ABOUT_USE:
        assert title not in text
    assert "Staying safer" not in text  # nothing to make safer
    trip.visit("result-opened")


def test_an_as_prescribed_at_home_ketamine_patient(
        page: Page, journey: Callable[[str], Journey]) -> None:
    trip = journey("use-status-prescribed")
    answers = low_risk_answers(prescribed="at_home", outside_prescription="no",
                               route=["swallow"], frequency="weekly", c_tolerance="yes",
                               medicines=["antidepressant"])
    start_screening(page, trip)
    answer_questionnaire(page, answers, trip)

    expect(page.locator("h1")).to_have_text("Your screening result")
    treatment = page.locator("section.treatment")
    expect(treatment.locator("h2")).to_have_text("Your prescribed treatment")
    expect(treatment).to_contain_text("Taking ketamine as prescribed")
    expect(treatment).to_contain_text("sober adult you trust")
    expect(treatment).to_contain_text("don't drive or use machinery until the next day")
    expect(page.locator("section.other-flags")).to_contain_text(
        "Tell your prescriber: That you take ketamine")
    # The treatment's own safety comes before the suggestions.
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Your prescribed treatment") < headings.index("Suggested next steps")
    trip.visit("result")
    text = open_every_group(page)
    for title in ABOUT_USE:
        assert title not in text
    assert "Staying safer" not in text  # the treatment's own safety rules instead
    trip.visit("result-opened")
