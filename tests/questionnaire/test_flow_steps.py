"""The flow's steps (questionnaire/flow.py, journey.py): whole journeys, where the focus starts,
going back, skip logic.
"""

import re
import warnings
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.questionnaire.helpers import (
    ALCOHOL_DRINKER,
    EVERY_QUESTION,
    LOW_RISK_KETAMINE,
    MULTI_ITEMS,
    RESULT_URL,
    SEVERE_KETAMINE_DAILY_ALCOHOL,
    STEP_OF,
    STEPS,
    STOPPED_OVER_A_YEAR_AGO,
    SUPPORT_URL,
    Page,
    answer_questionnaire,
    answers_before,
    markup,
    path_blocks,
    person,
    session_answers,
    set_answers,
    step_answers,
    words,
)

# --- The shape of the questionnaire ----------------------------------------------------------


def test_the_tests_know_the_questionnaire(content: Any) -> None:
    actual = {s.id: [i.id for i in s.items] for s in content.questionnaire.steps}
    assert actual == STEPS
    assert {i.id for i in content.questionnaire.items.values() if i.is_multiple} == MULTI_ITEMS
    assert set(EVERY_QUESTION) == set(STEP_OF)


def test_step_pages_use_no_deprecated_wtforms_api(client: FlaskClient) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = client.get("/screening/substance")
        client.post("/screening/substance", data={"substance": "ketamine", "nav": "next"})
    assert response.status_code == 200
    deprecations = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert deprecations == []


# --- Whole journeys --------------------------------------------------------------------------


def test_low_risk_ketamine_user(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, LOW_RISK_KETAMINE)

    assert journey.steps == [
        "substance", "recent_use", "pattern", "checklist", "other_substances", "body", "mood",
        "safety", "situation",
    ]
    assert not journey.support_pages
    result = journey.result
    assert result is not None
    text = words(result)
    assert "How your use looks: ketamine" in text
    assert "You said yes to 0 of 10 areas" in text
    assert "lowest band" in text
    assert "Brief advice and keeping track of your use" in text
    assert "Medically supervised withdrawal" not in text
    assert "See a doctor" not in text
    assert 'class="crisis"' not in markup(result)


def test_severe_ketamine_user_who_mixes_with_daily_alcohol(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, SEVERE_KETAMINE_DAILY_ALCOHOL)

    assert "mixing" in journey.steps
    assert journey.visit("mixing").page.questions == ["co_use_together", "depressant_daily"]
    result = journey.result
    assert result is not None
    text = words(result)
    assert "You said yes to 10 of 10 areas" in text
    assert "severe band" in text
    assert "Mixing with downers" in text and "Daily downers" in text
    first, *others = path_blocks(result)
    assert "Medically supervised withdrawal (detox) assessment" in first
    assert "Why this is suggested" in first
    assert ("You use alcohol, benzodiazepines or opioids on most days or feel unwell without"
            " them.") in " ".join(first.split())
    titles = [re.search(r"<h3>(.*?)</h3>", block)[1] for block in others]  # type: ignore[index]
    assert "Medically supervised withdrawal (detox) assessment" not in titles
    assert "Outpatient program and aftercare" in titles


def test_alcohol_user_is_not_asked_ketamine_questions(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, ALCOHOL_DRINKER)

    asked = journey.questions
    assert "medicines" not in asked
    assert "prescribed" not in asked
    assert "outside_prescription" not in asked
    offered = {option for visit in journey.visits for name in visit.page.questions
               for option in visit.page.options(name)}
    assert not offered & {"infusion_clinic", "esketamine", "at_home"}
    assert "alcohol" not in journey.visit("other_substances").page.options("co_use")
    assert "ketamine" in journey.visit("other_substances").page.options("co_use")
    # Drinking alone brings up the question about daily downers, not about mixing.
    assert journey.visit("mixing").page.questions == ["depressant_daily"]
    result = journey.result
    assert result is not None
    assert "How your use looks: alcohol" in words(result)


def test_last_use_over_a_year_ago_skips_pattern_and_checklist(client: FlaskClient) -> None:
    stopped = answer_questionnaire(client, STOPPED_OVER_A_YEAR_AGO)
    still_using = answer_questionnaire(client, LOW_RISK_KETAMINE)

    assert stopped.steps == [
        "substance", "recent_use", "other_substances", "body", "mood", "safety", "situation",
    ]
    assert stopped.visits[-1].progress == (7, 7)
    assert still_using.visits[-1].progress == (9, 9)
    # Right after the page that asks, the page count already leaves out the two skipped steps.
    assert stopped.visits[2].progress[1] == still_using.visits[2].progress[1] - 2
    result = stopped.result
    assert result is not None
    assert "haven't used in the past 12 months" in words(result)
    assert "<svg" not in markup(result)


def test_each_step_says_step_k_of_n_with_a_progress_bar(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, SEVERE_KETAMINE_DAILY_ALCOHOL)

    totals = []
    for position, visit in enumerate(journey.visits, start=1):
        k, n = visit.progress
        assert k == position, visit.step
        assert k <= n
        totals.append(n)
        assert f"(step {k} of {n})" in markup(visit.response).split("</title>")[0]
    assert totals == sorted(totals, reverse=True), "the number of steps should never grow"
    assert journey.visits[-1].progress[0] == journey.visits[-1].progress[1]
    assert "See my result" in words(journey.visits[-1].response)
    assert 'value="back"' not in markup(journey.visits[0].response)
    assert all('value="back"' in markup(v.response) for v in journey.visits[1:])


# --- Where the focus starts ------------------------------------------------------------------


def autofocused(response: TestResponse) -> list[str]:
    """The start tags that carry `autofocus` (a page should have at most one)."""
    return re.findall(r"<[^>]*\sautofocus[\s>=][^>]*>?", markup(response))


def test_each_step_starts_with_the_focus_on_its_first_question(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, EVERY_QUESTION)

    for visit in journey.visits:
        first = visit.page.questions[0]
        focused = [(i.get("name"), i.get("value")) for i in visit.page.inputs
                   if "autofocus" in i]
        assert focused == [(first, visit.page.options(first)[0])], visit.step


def test_a_step_opened_again_focuses_the_answer_chosen_before(client: FlaskClient) -> None:
    answer_questionnaire(client, ALCOHOL_DRINKER, stop_at="pattern")

    page = Page(markup(client.get("/screening/substance")))
    focused = [(i.get("name"), i.get("value")) for i in page.inputs if "autofocus" in i]
    assert focused == [("substance", "alcohol")]


def test_a_step_with_errors_focuses_the_error_summary(client: FlaskClient) -> None:
    answer_questionnaire(client, LOW_RISK_KETAMINE, stop_at="substance")

    response = client.post("/screening/substance", data={"nav": "next"})
    assert response.status_code == 422
    [tag] = autofocused(response)
    assert 'id="error-summary"' in tag and 'tabindex="-1"' in tag and 'role="alert"' in tag


# --- Going back and changing answers ---------------------------------------------------------


def test_back_keeps_answers_and_shows_them_checked(client: FlaskClient) -> None:
    answer_questionnaire(client, LOW_RISK_KETAMINE, stop_at="checklist")

    response = client.post("/screening/checklist",
                           data={"c_more_than_meant": "yes", "nav": "back"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/pattern"
    pattern = client.get("/screening/pattern")
    assert pattern.status_code == 200
    page = Page(markup(pattern))
    assert page.checked("prescribed") == ["not_prescribed"]
    assert page.checked("frequency") == ["less_than_monthly"]
    assert page.checked("route") == ["snort"]

    response = client.post("/screening/pattern", data={
        **step_answers("pattern", LOW_RISK_KETAMINE), "nav": "back"})
    assert response.headers["Location"] == "/screening/recent_use"
    page = Page(markup(client.get("/screening/recent_use")))
    assert page.checked("last_use") == ["past_month"]
    response = client.post("/screening/recent_use", data={"last_use": "past_month",
                                                           "nav": "back"})
    assert response.headers["Location"] == "/screening/substance"
    page = Page(markup(client.get("/screening/substance")))
    assert page.checked("substance") == ["ketamine"]

    # The half-answered checklist kept the one answer given before going back.
    checklist = client.get("/screening/checklist")
    assert checklist.status_code == 200
    page = Page(markup(checklist))
    assert page.checked("c_more_than_meant") == ["yes"]
    assert page.checked("c_cut_down") == []
    assert session_answers(client)["c_more_than_meant"] == "yes"


def test_back_drops_invalid_answers_on_the_page_but_keeps_valid_ones(
        client: FlaskClient) -> None:
    answer_questionnaire(client, LOW_RISK_KETAMINE, stop_at="pattern")

    response = client.post("/screening/pattern", data={
        "frequency": "weekly", "amount": "not-an-option", "nav": "back"})
    assert response.status_code == 302
    kept = session_answers(client)
    assert kept["frequency"] == "weekly"
    assert "amount" not in kept


def test_changing_the_substance_drops_answers_that_no_longer_apply(client: FlaskClient) -> None:
    ketamine_at_a_clinic = person(prescribed="esketamine", outside_prescription="no",
                                  medicines=["antidepressant"])
    answer_questionnaire(client, ketamine_at_a_clinic, stop_at="body")
    before = session_answers(client)
    assert before["prescribed"] == "esketamine"
    assert before["medicines"] == ["antidepressant"]
    assert before["outside_prescription"] == "no"

    response = client.post("/screening/substance", data={
        "substance": "opioids", "last_use": "past_month", "nav": "next"})

    # The clinic answer was about ketamine: the pattern page must be answered again.
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/pattern"
    after = session_answers(client)
    assert after["substance"] == "opioids"
    for gone in ("prescribed", "medicines", "outside_prescription"):
        assert gone not in after
    for kept in ("frequency", "amount", "route", "c_more_than_meant", "co_use"):
        assert after[kept] == before[kept]
    page = Page(markup(client.get("/screening/pattern")))
    assert page.checked("prescribed") == []
    assert "esketamine" not in page.options("prescribed")
    assert page.checked("frequency") == ["less_than_monthly"]


# --- Skip logic and the order of steps -------------------------------------------------------


def test_checklist_is_skipped_without_use_in_the_past_year(client: FlaskClient) -> None:
    answer_questionnaire(client, STOPPED_OVER_A_YEAR_AGO, stop_at="other_substances")

    for skipped in ("/screening/checklist", "/screening/pattern"):
        response = client.get(skipped)
        assert response.status_code == 302
        assert response.headers["Location"] == "/screening/other_substances"


@pytest.mark.parametrize("answered, opened, sent_to", [
    ({}, "body", "substance"),
    ({}, "situation", "substance"),
    (answers_before("pattern", LOW_RISK_KETAMINE), "safety", "pattern"),
    (answers_before("mood", LOW_RISK_KETAMINE), "situation", "mood"),
    # Only people who said yes to a hard experience see the trauma step.
    (answers_before("safety", LOW_RISK_KETAMINE), "trauma", "safety"),
])
def test_opening_a_later_step_goes_to_the_first_unfinished_one(
        client: FlaskClient, answered: dict[str, Any], opened: str, sent_to: str) -> None:
    set_answers(client, answered)

    response = client.get(f"/screening/{opened}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/screening/{sent_to}"
    assert session_answers(client) == answered


@pytest.mark.parametrize("url", [
    "/screening/no-such-step", "/screening/SUBSTANCE", "/screening/substance%00",
    "/screening/%E2%80%AEsubstance", "/screening/" + "x" * 2000,
])
def test_unknown_step_is_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404
    assert client.post(url, data={"substance": "ketamine"}).status_code == 404


def test_result_before_finishing_sends_you_back_to_the_questions(client: FlaskClient) -> None:
    set_answers(client, answers_before("body", LOW_RISK_KETAMINE))

    response = client.get(RESULT_URL)

    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/body"


def test_support_page_without_any_risk_is_404(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    assert client.get(SUPPORT_URL).status_code == 404
