"""The crisis stop (questionnaire/flow.py support page) and crisis lines on the result."""

import re

import pytest
from flask.testing import FlaskClient

from tests.questionnaire.helpers import (
    LOW_RISK_KETAMINE,
    RESULT_URL,
    SUPPORT_URL,
    Page,
    answer_questionnaire,
    answers_before,
    continue_link,
    markup,
    person,
    set_answers,
    step_answers,
    words,
)

# --- Crisis ----------------------------------------------------------------------------------


@pytest.mark.parametrize("item, answer", [
    ("s_wish_dead", "yes"),
    ("s_better_off", "declined"),
    ("s_thoughts_week", "yes"),
    ("s_attempt_ever", "declined"),
])
def test_a_suicide_risk_answer_goes_straight_to_support(
        client: FlaskClient, item: str, answer: str) -> None:
    set_answers(client, answers_before("safety", LOW_RISK_KETAMINE))

    response = client.post("/screening/safety", data={
        **step_answers("safety", LOW_RISK_KETAMINE), item: answer, "nav": "next"})

    assert response.status_code == 302
    assert response.headers["Location"] == SUPPORT_URL
    support = client.get(SUPPORT_URL)
    assert support.status_code == 200
    assert "Your safety comes first" in words(support)
    # After the support page the questions go on where they stopped.
    assert continue_link(support) == "/screening/safety_more"


def test_support_page_lists_crisis_lines_and_labels_samhsa_as_a_referral_line(
        client: FlaskClient) -> None:
    journey = answer_questionnaire(client, person(s_wish_dead="yes", s_now="no"))

    assert journey.support_pages
    support = journey.support_pages[0]
    page = Page(markup(support))
    links = {url for url, _tag, _attrs in page.urls}
    assert {"tel:988", "sms:988", "https://988lifeline.org/chat", "tel:911",
            "sms:741741?body=HOME"} <= links
    text = words(support)
    assert "988 Suicide & Crisis Lifeline" in text
    assert "Call 988" in text and "Text 988" in text and "Chat 988lifeline.org/chat" in text
    assert "Crisis Text Line" in text
    resources = {
        name.strip(): block
        for block in markup(support).split('<li class="resource ')[1:]
        for name in re.findall(r'class="resource-name">([^<]+)', block)
    }
    samhsa = resources["SAMHSA National Helpline"]
    assert samhsa.startswith("resource-referral")
    assert "treatment referral, not a crisis line" in samhsa
    for crisis_line in ("988 Suicide &amp; Crisis Lifeline", "Crisis Text Line"):
        assert resources[crisis_line].startswith("resource-crisis")
        assert "treatment referral" not in resources[crisis_line]
    assert resources["Emergency services"].startswith("resource-emergency")
    # The "need help now" footer lists crisis lines only, never the referral line.
    footer = markup(support).split('<footer', 1)[1]
    assert "988" in footer and "SAMHSA" not in footer


def test_the_support_page_offers_the_country_picker_and_keeps_the_choice(
        client: FlaskClient) -> None:
    """Someone abroad needs numbers that work where they are: the crisis stop has the result
    page's picker, a plain GET form back to itself, and the choice holds on the result."""
    set_answers(client, answers_before("safety", LOW_RISK_KETAMINE))
    client.post("/screening/safety", data={
        **step_answers("safety", LOW_RISK_KETAMINE), "s_wish_dead": "yes", "nav": "next"})
    support = markup(client.get(SUPPORT_URL))
    picker = support.split('<form method="get" class="region-picker">', 1)[1].split("</form>")[0]
    assert '<option value="US" selected>United States</option>' in picker
    assert '<option value="GB">United Kingdom</option>' in picker

    uk = client.get(SUPPORT_URL, query_string={"region": "GB"})

    assert uk.status_code == 200
    assert "Samaritans" in words(uk) and "tel:116123" in markup(uk)
    assert "tel:988" not in markup(uk) and "tel:911" not in markup(uk)
    assert '<option value="GB" selected>United Kingdom</option>' in markup(uk)
    # The questions go on where they stopped, and the choice is kept for the rest.
    assert continue_link(uk) == "/screening/safety_more"
    assert "Samaritans" in words(client.get("/screening/safety_more"))


def test_an_unknown_country_keeps_the_default(client: FlaskClient) -> None:
    answer_questionnaire(client, person(s_wish_dead="yes", s_now="no"))

    page = client.get(SUPPORT_URL, query_string={"region": "<script>"})

    assert page.status_code == 200 and "tel:988" in markup(page)
    assert "<script>" not in markup(page).split("<main", 1)[1]


def test_support_is_shown_once_when_later_answers_add_no_risk(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, person(s_wish_dead="yes", s_now="no"))

    assert journey.steps[-3:] == ["safety", "safety_more", "situation"]
    # Shown after the safety step; "no" to "thoughts of ending your life right now" on the next
    # step raises nothing new, so the flow should not stop a second time.
    assert len(journey.support_pages) == 1


def test_support_is_shown_again_when_the_next_answers_raise_the_risk(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, person(s_wish_dead="yes", s_now="yes"))

    assert len(journey.support_pages) == 2
    assert "Please get help right now" in words(journey.support_pages[1])


@pytest.mark.parametrize("risk", [
    {"s_wish_dead": "yes", "s_now": "no"},
    {"s_thoughts_week": "declined", "s_now": "declined"},
    {"s_attempt_ever": "yes", "s_attempt_recent": "yes", "s_now": "no"},
])
def test_result_shows_the_crisis_section_before_severity_and_paths(
        client: FlaskClient, risk: dict[str, str]) -> None:
    journey = answer_questionnaire(client, person(**risk))

    assert journey.support_pages, "the support page was not shown"
    assert journey.result is not None
    page = markup(journey.result)
    crisis = page.index('<section class="crisis"')
    severity = page.index('<section class="severity"')
    paths = page.index('<section class="paths"')
    assert crisis < severity < paths
    crisis_section = page[crisis:severity]
    assert 'href="tel:988"' in crisis_section and 'href="tel:911"' in crisis_section
    # The section's heading is the h1, so the crisis lines under it are h2s, not h3s.
    assert '<h2 class="resource-name">' in crisis_section
    assert "<h3" not in crisis_section
    assert "If things get worse" not in page
    assert "Dual-diagnosis (integrated) treatment" in page


def test_result_without_risk_still_shows_crisis_lines(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, LOW_RISK_KETAMINE)

    assert journey.result is not None
    page = markup(journey.result)
    assert '<section class="crisis"' not in page
    later = page.split('<section class="crisis-always"', 1)[1].split("</section>", 1)[0]
    assert "If things get worse" in later
    assert 'href="tel:988"' in later and 'href="tel:911"' in later


def test_crisis_lines_follow_the_chosen_country(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)

    uk = client.get(RESULT_URL, query_string={"region": "GB"})
    assert "Samaritans" in words(uk) and 'href="tel:999"' in markup(uk)
    # The choice is remembered; an unknown region changes nothing and is not echoed.
    again = client.get(RESULT_URL, query_string={"region": "<script>alert(1)</script>"})
    assert again.status_code == 200
    assert "Samaritans" in words(again)
    assert "<script>alert" not in markup(again)
