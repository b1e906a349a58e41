"""The questionnaire in the browser, through Flask's test client.

Most tests describe a person as a dict of answers (item id -> option id, or a list for "choose
all that apply") and let `answer_questionnaire` walk the pages from the landing page the way a
browser would: it only posts answers for the questions on the page in front of it, so the skip
logic decides what gets asked.
"""

import base64
import html
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from recovery import db, tokens
from recovery.models import Assessment
from recovery.questionnaire import store
from tests.screening_results import low_risk_result

START_URL = "/screening/start"
RESULT_URL = "/screening/result"
SUPPORT_URL = "/screening/support"
SAVE_URL = "/screening/save"
FORGET_URL = "/screening/forget"

# --- The questionnaire's shape, as the tests expect it (checked against the content below) --

STEPS: dict[str, list[str]] = {
    "substance": ["substance", "last_use"],
    "pattern": ["prescribed", "frequency", "amount", "duration", "route"],
    "checklist": [
        "outside_prescription", "c_more_than_meant", "c_cut_down", "c_time_spent", "c_craving",
        "c_duties", "c_relationships", "c_gave_up", "c_hazard", "c_despite_harm", "c_tolerance",
        "c_withdrawal", "w_alone_secret", "w_mood_memory",
    ],
    "other_substances": ["co_use", "medicines"],
    "mixing": ["co_use_together", "depressant_daily"],
    "body": ["symptoms", "seizures"],
    "mood": ["m_interest", "m_down", "a_nervous", "a_worry", "t_event"],
    "trauma": ["t_intrusion", "t_avoid", "t_guard", "t_numb", "t_guilt"],
    "safety": ["s_wish_dead", "s_better_off", "s_thoughts_week", "s_attempt_ever"],
    "safety_more": ["s_attempt_recent", "s_now"],
    "situation": [
        "readiness", "past_treatment", "relapsed", "housing", "people_using", "support_person",
    ],
}
STEP_OF = {item: step for step, items in STEPS.items() for item in items}
MULTI_ITEMS = {"route", "co_use", "medicines", "symptoms", "past_treatment"}
CHECKLIST = [item for item in STEPS["checklist"] if item.startswith("c_")]

# --- People ----------------------------------------------------------------------------------

# A complete, valid answer set; every other person below changes some of its answers.
LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))


def person(**changes: Any) -> dict[str, Any]:
    """The low-risk ketamine user, with some answers changed."""
    return {**LOW_RISK_KETAMINE, **changes}


SEVERE_KETAMINE_DAILY_ALCOHOL = person(
    last_use="past_week",
    frequency="daily",
    amount="blackout",
    duration="years_1_3",
    **dict.fromkeys(CHECKLIST, "yes"),
    w_alone_secret="yes",
    w_mood_memory="yes",
    co_use=["alcohol"],
    co_use_together="yes",
    depressant_daily="yes",
)
ALCOHOL_DRINKER = person(
    substance="alcohol",
    last_use="past_week",
    frequency="several_weekly",
    amount="moderate",
    route=["swallow"],
    depressant_daily="no",
)
STOPPED_OVER_A_YEAR_AGO = person(last_use="over_year")
# Every step and every question applies to this person (useful to test each form).
EVERY_QUESTION = person(
    last_use="past_week",
    prescribed="infusion_clinic",
    route=["clinic"],
    outside_prescription="yes",
    co_use=["alcohol"],
    co_use_together="no",
    depressant_daily="no",
    t_event="yes",
    t_intrusion="no",
    t_avoid="no",
    t_guard="no",
    t_numb="no",
    t_guilt="no",
    s_attempt_ever="yes",
    s_attempt_recent="no",
    s_now="no",
)


def answers_before(step_id: str, answers: Mapping[str, Any] = EVERY_QUESTION) -> dict[str, Any]:
    """The answers a person has given by the time they reach `step_id`."""
    earlier: dict[str, Any] = {}
    for step, items in STEPS.items():
        if step == step_id:
            return earlier
        earlier.update({i: answers[i] for i in items if i in answers})
    raise KeyError(step_id)


def step_answers(step_id: str, answers: Mapping[str, Any] = EVERY_QUESTION) -> dict[str, Any]:
    return {i: answers[i] for i in STEPS[step_id] if i in answers}


# --- Reading pages ---------------------------------------------------------------------------


class Page(HTMLParser):
    """What the tests read from a page: form inputs, URLs in attributes, and <progress>."""

    URL_ATTRIBUTES = ("href", "src", "action", "formaction", "srcset", "poster", "data")

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: list[dict[str, str | None]] = []
        self.urls: list[tuple[str, str, dict[str, str | None]]] = []
        self.progress: dict[str, str | None] | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input":
            self.inputs.append(found)
        if tag == "progress":
            self.progress = found
        for name in self.URL_ATTRIBUTES:
            value = found.get(name)
            if value is not None:
                self.urls.append((value, tag, found))

    @property
    def questions(self) -> list[str]:
        """Names of the questions on the page, in order."""
        names: list[str] = []
        for found in self.inputs:
            name = found.get("name")
            if found.get("type") in ("radio", "checkbox") and name and name not in names:
                names.append(name)
        return names

    def options(self, name: str) -> list[str]:
        return [str(i.get("value")) for i in self.inputs if i.get("name") == name]

    def checked(self, name: str) -> list[str]:
        return [str(i.get("value")) for i in self.inputs
                if i.get("name") == name and "checked" in i]

    def hidden(self, name: str) -> str | None:
        return next((i.get("value") for i in self.inputs
                     if i.get("type") == "hidden" and i.get("name") == name), None)


def markup(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def words(response: TestResponse) -> str:
    """The page's text without tags, entities decoded and whitespace collapsed."""
    plain = re.sub(r"<[^>]+>", " ", markup(response))
    return " ".join(html.unescape(plain).split())


def step_progress(response: TestResponse) -> tuple[int, int]:
    """(k, n) from "Step k of n", checked against the <progress> element."""
    match = re.search(r"Step (\d+) of (\d+)", words(response))
    assert match, "no 'Step k of n' on the page"
    k, n = int(match[1]), int(match[2])
    bar = Page(markup(response)).progress
    assert bar is not None, "no <progress> element on the page"
    assert (bar.get("value"), bar.get("max")) == (str(k), str(n))
    return k, n


def continue_link(response: TestResponse) -> str:
    match = re.search(r'href="([^"]+)"[^>]*>\s*Continue the questions', markup(response))
    assert match, "the support page has no way back to the questions"
    return html.unescape(match[1])


# --- Driving the questionnaire ---------------------------------------------------------------


@dataclass
class Visit:
    step: str
    page: Page
    response: TestResponse
    progress: tuple[int, int]


@dataclass
class Journey:
    visits: list[Visit] = field(default_factory=list)
    support_pages: list[TestResponse] = field(default_factory=list)
    result: TestResponse | None = None

    @property
    def steps(self) -> list[str]:
        return [v.step for v in self.visits]

    @property
    def questions(self) -> list[str]:
        return [q for v in self.visits for q in v.page.questions]

    def visit(self, step_id: str) -> Visit:
        return next(v for v in self.visits if v.step == step_id)


def answer_questionnaire(client: FlaskClient, answers: Mapping[str, Any], *,
                         stop_at: str | None = None) -> Journey:
    """Start from the landing page and answer each page's questions from `answers`.

    Follows the crisis support page when it appears. Stops at the result page, or just before
    posting the step `stop_at`.
    """
    response = client.post(START_URL)
    assert response.status_code == 302
    location = response.headers["Location"]
    journey = Journey()
    for _ in range(3 * len(STEPS)):
        if location == RESULT_URL:
            journey.result = client.get(RESULT_URL)
            assert journey.result.status_code == 200
            return journey
        if location == SUPPORT_URL:
            support = client.get(SUPPORT_URL)
            assert support.status_code == 200
            journey.support_pages.append(support)
            location = continue_link(support)
            continue
        step_id = location.removeprefix("/screening/")
        response = client.get(location)
        assert response.status_code == 200, f"GET {location} gave {response.status_code}"
        page = Page(markup(response))
        journey.visits.append(Visit(step_id, page, response, step_progress(response)))
        if step_id == stop_at:
            return journey
        unanswered = [q for q in page.questions if q not in answers]
        assert not unanswered, f"step {step_id}: the person has no answer for {unanswered}"
        data = {q: answers[q] for q in page.questions} | {"nav": "next"}
        response = client.post(location, data=data)
        assert response.status_code == 302, (
            f"step {step_id} refused {data}: {response.status_code} {words(response)[:500]}")
        location = response.headers["Location"]
    pytest.fail("the questionnaire never reached the result page")


def session_answers(client: FlaskClient) -> dict[str, Any]:
    with client.session_transaction() as session:
        return dict(session.get("answers", {}))


def set_answers(client: FlaskClient, answers: Mapping[str, Any]) -> None:
    """Put answers straight into the person's session, as if they had answered the pages."""
    with client.session_transaction() as session:
        session["answers"] = dict(answers)


def saved_assessments(app: Flask) -> list[Assessment]:
    with Session(db.get_engine(app)) as session:
        return list(session.exec(select(Assessment)).all())


def assessment_count(app: Flask) -> int:
    return len(saved_assessments(app))


def path_blocks(response: TestResponse) -> list[str]:
    """The HTML of each suggested path, in order."""
    paths = markup(response).split('<ol class="path-list">', 1)[1].split("</ol>", 1)[0]
    return paths.split('<li class="path">')[1:]


def save_result(client: FlaskClient) -> str:
    """Press "Save my result"; returns the private token from the redirect."""
    response = client.post(SAVE_URL)
    assert response.status_code == 302
    match = re.fullmatch(r"/r/([A-Za-z0-9_-]+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return match[1]


@pytest.fixture
def content(app: Flask) -> Any:
    # Read without pushing an app context: an outer context would make every request share it.
    return app.extensions["recovery.content"]


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
        "substance", "pattern", "checklist", "other_substances", "body", "mood", "safety",
        "situation",
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
    assert "Outpatient programme and aftercare" in titles


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
        "substance", "other_substances", "body", "mood", "safety", "situation",
    ]
    assert stopped.visits[-1].progress == (6, 6)
    assert still_using.visits[-1].progress == (8, 8)
    # Right after the first page, the page count already leaves out the two skipped steps.
    assert stopped.visits[1].progress[1] == still_using.visits[1].progress[1] - 2
    result = stopped.result
    assert result is not None
    assert "You haven't used in the past 12 months" in words(result)
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
    assert response.headers["Location"] == "/screening/substance"
    page = Page(markup(client.get("/screening/substance")))
    assert page.checked("substance") == ["ketamine"]
    assert page.checked("last_use") == ["past_month"]

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


# --- Medical flags ---------------------------------------------------------------------------


def test_medical_flags_say_see_a_doctor_how_soon_and_what_to_tell(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, person(symptoms=["chest_pain", "pee_pain"],
                                                  seizures="yes"))

    assert journey.result is not None
    page = markup(journey.result)
    medical = page.split('id="medical-title">', 1)[1].split("</section>", 1)[0]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", medical)).split())
    assert text.startswith("See a doctor")
    emergency = text.index("Chest pain, a racing heart or trouble breathing Emergency")
    soon = text.index("Bladder symptoms with ketamine use Within a week or two")
    assert emergency < soon, "the most urgent flag comes first"
    assert "Seizures and ketamine Within a week or two" in text
    assert text.count("Tell the doctor:") == 3
    assert "Tell the doctor: That you use ketamine, how often, and for how long." in text
    assert page.index('<section class="medical"') < page.index('<section class="severity"')


# --- The result page -------------------------------------------------------------------------


def test_result_page_explains_itself(client: FlaskClient) -> None:
    journey = answer_questionnaire(client, SEVERE_KETAMINE_DAILY_ALCOHOL)

    assert journey.result is not None
    page = markup(journey.result)
    svg = re.search(r"<svg\b[^>]*>.*?</svg>", page, re.S)
    assert svg, "no inline gauge"
    assert 'role="img"' in svg[0].split(">", 1)[0]
    title = re.search(r"<title\b[^>]*>([^<]+)</title>", svg[0])
    assert title and "10 of 10" in title[1]
    text = words(journey.result)
    assert "screening, not a diagnosis" in text
    assert "not an ASAM" in text
    blocks = path_blocks(journey.result)
    assert len(blocks) >= 5
    for block in blocks:
        assert "Why this is suggested" in block
        reasons = block.split("Why this is suggested", 1)[1]
        assert "<li>" in reasons, "a path without a reason"


# --- Saving and deleting ---------------------------------------------------------------------


def test_save_stores_exactly_one_assessment(app: Flask, client: FlaskClient,
                                            content: Any) -> None:
    answer_questionnaire(client, SEVERE_KETAMINE_DAILY_ALCOHOL)
    answers = session_answers(client)

    token = save_result(client)

    rows = saved_assessments(app)
    assert len(rows) == 1
    row = rows[0]
    assert row.answers == answers
    assert row.content_version == content.version
    assert row.result["severity"]["level"] == "severe"
    assert row.result["paths"][0]["id"] == "supervised_withdrawal"
    assert row.result["content_version"] == content.version
    assert row.token_hash == tokens.hash_token(token)
    saved = client.get(f"/r/{token}")
    assert saved.status_code == 200
    assert "Medically supervised withdrawal" in words(saved)


def test_saved_page_explains_what_is_kept_and_who_can_see_it(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    token = save_result(client)

    saved = client.get(f"/r/{token}")

    text = words(saved)
    assert "Your result is saved" in text
    assert "We keep your answers and this result, nothing else" in text
    assert "no name, email or IP address" in text
    assert "Anyone with the link can see it" in text
    assert f"/r/{token}" in text
    assert f'action="/r/{token}/delete"' in markup(saved)
    assert "Save my result" not in text


def test_the_token_is_not_stored_in_plain_text(app: Flask, client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    token = save_result(client)

    with db.get_engine(app).connect() as connection:
        rows = connection.execute(text("SELECT * FROM assessment")).all()
    assert len(rows) == 1
    stored = " ".join(str(value) for value in rows[0])
    assert token not in stored
    assert token.encode().hex() not in stored


def test_delete_removes_the_result_for_good(app: Flask, client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    token = save_result(client)
    assert assessment_count(app) == 1

    response = client.post(f"/r/{token}/delete")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "deleted for good" in words(client.get("/"))
    assert assessment_count(app) == 0
    assert client.get(f"/r/{token}").status_code == 404
    assert client.post(f"/r/{token}/delete").status_code == 404


def test_deleting_one_result_leaves_the_others(app: Flask, client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    first = save_result(client)
    second = save_result(client)
    assert first != second

    assert client.post(f"/r/{first}/delete").status_code == 302

    assert client.get(f"/r/{first}").status_code == 404
    assert client.get(f"/r/{second}").status_code == 200


@pytest.mark.parametrize("token", [
    "A" * 43,                       # well formed, but nobody has it
    "abc",                          # too short
    "A" * 44,                       # too long
    "A" * 42 + "=",                 # not in the alphabet
    "A" * 42 + "%C3%A9",            # non-ASCII
    "%00" + "A" * 42,               # a NUL byte
    "' OR 1=1 --" + "A" * 32,
])
def test_unknown_and_malformed_tokens_are_404(app: Flask, client: FlaskClient,
                                               token: str) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    save_result(client)

    assert client.get(f"/r/{token}").status_code == 404
    assert client.post(f"/r/{token}/delete").status_code == 404
    assert assessment_count(app) == 1


@pytest.mark.parametrize("answers", [
    {},
    answers_before("body", LOW_RISK_KETAMINE),
    {k: v for k, v in LOW_RISK_KETAMINE.items() if k != "support_person"},
])
def test_saving_before_finishing_is_409_and_writes_nothing(
        app: Flask, client: FlaskClient, answers: dict[str, Any]) -> None:
    set_answers(client, answers)

    response = client.post(SAVE_URL)

    assert response.status_code == 409
    assert "Traceback" not in markup(response)
    assert assessment_count(app) == 0


# --- Privacy of answers in progress ----------------------------------------------------------


def test_the_session_cookie_does_not_reveal_the_answers(client: FlaskClient) -> None:
    answer_questionnaire(client, SEVERE_KETAMINE_DAILY_ALCOHOL)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert session_answers(client)["substance"] == "ketamine"  # it is in there, encrypted

    value = cookie.value
    padded = value.lstrip(".").split(".")[0]
    decoded = base64.urlsafe_b64decode(padded + "=" * (-len(padded) % 4))
    for secret in ("ketamine", "alcohol", "substance", "c_craving", "s_wish_dead", "answers"):
        assert secret not in value
        assert secret.encode() not in decoded
        assert secret.encode("utf-16-le") not in decoded


@pytest.mark.parametrize("tamper", [
    lambda v: v[:-5] + ("AAAAA" if not v.endswith("AAAAA") else "BBBBB"),
    lambda v: v[: len(v) // 2],
    lambda v: "garbage",
    lambda v: "",
    lambda v: base64.urlsafe_b64encode(b'{"answers": {"substance": "ketamine"}}').decode(),
])
def test_a_tampered_cookie_is_ignored(client: FlaskClient, tamper: Any) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    cookie = client.get_cookie("session")
    assert cookie is not None

    client.set_cookie("session", tamper(cookie.value))

    landing = client.get("/")
    assert landing.status_code == 200
    assert "Start the check" in words(landing)
    assert session_answers(client) == {}
    response = client.get("/screening/pattern")
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/substance"


def test_forget_clears_the_answers(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK_KETAMINE)
    assert "Start again" in words(client.get("/"))

    response = client.post(FORGET_URL)

    assert response.status_code == 302
    assert session_answers(client) == {}
    landing = client.get("/")
    assert "Your answers have been cleared" in words(landing)
    assert "Start the check" in words(landing)


# --- CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_client(app_csrf: Flask) -> FlaskClient:
    return app_csrf.test_client()


def refused_for_csrf(response: TestResponse) -> bool:
    return (response.status_code == 400
            and "This form has expired or was sent from somewhere else" in words(response)
            and "Traceback" not in markup(response))


@pytest.mark.parametrize("step_id", list(STEPS))
def test_step_without_csrf_token_is_refused(csrf_client: FlaskClient, step_id: str) -> None:
    earlier = answers_before(step_id)
    set_answers(csrf_client, earlier)

    response = csrf_client.post(f"/screening/{step_id}",
                                data={**step_answers(step_id), "nav": "next"})

    assert refused_for_csrf(response)
    assert session_answers(csrf_client) == earlier


@pytest.mark.parametrize("url", [START_URL, FORGET_URL])
def test_start_and_forget_without_csrf_token_are_refused(csrf_client: FlaskClient,
                                                         url: str) -> None:
    set_answers(csrf_client, LOW_RISK_KETAMINE)

    response = csrf_client.post(url)

    assert refused_for_csrf(response)
    assert session_answers(csrf_client) == LOW_RISK_KETAMINE


def test_save_without_csrf_token_is_refused(app_csrf: Flask, csrf_client: FlaskClient) -> None:
    set_answers(csrf_client, LOW_RISK_KETAMINE)

    assert refused_for_csrf(csrf_client.post(SAVE_URL))
    assert refused_for_csrf(csrf_client.post(SAVE_URL, data={"csrf_token": "forged"}))
    assert assessment_count(app_csrf) == 0


def test_delete_without_csrf_token_is_refused(app_csrf: Flask, csrf_client: FlaskClient) -> None:
    with Session(db.get_engine(app_csrf)) as session:
        token = store.save_assessment(session, answers={"substance": "ketamine"},
                                      result=low_risk_result(app_csrf), content_version="test")
        session.commit()

    assert refused_for_csrf(csrf_client.post(f"/r/{token}/delete"))
    assert assessment_count(app_csrf) == 1


def test_the_pages_own_csrf_tokens_are_accepted(app_csrf: Flask,
                                                csrf_client: FlaskClient) -> None:
    landing = Page(markup(csrf_client.get("/")))
    token = landing.hidden("csrf_token")
    assert token
    response = csrf_client.post(START_URL, data={"csrf_token": token})
    assert response.headers["Location"] == "/screening/substance"

    page = Page(markup(csrf_client.get("/screening/substance")))
    response = csrf_client.post("/screening/substance", data={
        **step_answers("substance", LOW_RISK_KETAMINE), "nav": "next",
        "csrf_token": page.hidden("csrf_token")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/screening/pattern"

    set_answers(csrf_client, LOW_RISK_KETAMINE)
    result = Page(markup(csrf_client.get(RESULT_URL)))
    response = csrf_client.post(SAVE_URL, data={"csrf_token": result.hidden("csrf_token")})
    assert response.status_code == 302
    assert assessment_count(app_csrf) == 1


# --- Bad input -------------------------------------------------------------------------------


def post_step(client: FlaskClient, step_id: str, data: Any, **kwargs: Any) -> TestResponse:
    return client.post(f"/screening/{step_id}", data=data, **kwargs)


def assert_refused(client: FlaskClient, response: TestResponse, unchanged: Mapping[str, Any],
                   *, status: int = 422) -> None:
    assert response.status_code == status, words(response)[:500]
    assert "Traceback" not in markup(response)
    assert session_answers(client) == unchanged


@pytest.mark.parametrize("step_id", list(STEPS))
def test_missing_answers_are_shown_beside_each_field(client: FlaskClient, step_id: str) -> None:
    earlier = answers_before(step_id)
    set_answers(client, earlier)

    response = post_step(client, step_id, {"nav": "next"})

    assert_refused(client, response, earlier)
    page = markup(response)
    assert "<title>Error: " in page
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    for item in STEPS[step_id]:
        assert f'href="#{item}-fieldset"' in summary, item
        assert f'id="{item}-fieldset"' in page, item
        fieldset = page.split(f'id="{item}-fieldset"', 1)[1].split("</fieldset>", 1)[0]
        assert f'id="{item}-error"' in fieldset, item
        expected = ("Please choose at least one option, or 'None of these'."
                    if item in MULTI_ITEMS else "Please choose an answer.")
        assert expected in html.unescape(fieldset)


def test_one_missing_answer_keeps_the_others_on_the_page(client: FlaskClient) -> None:
    earlier = answers_before("pattern")
    set_answers(client, earlier)
    given = {k: v for k, v in step_answers("pattern").items() if k != "amount"}

    response = post_step(client, "pattern", {**given, "nav": "next"})

    assert_refused(client, response, earlier)
    page = Page(markup(response))
    assert page.checked("frequency") == [EVERY_QUESTION["frequency"]]
    assert page.checked("route") == EVERY_QUESTION["route"]
    assert 'id="amount-error"' in markup(response)
    assert 'id="frequency-error"' not in markup(response)


@pytest.mark.parametrize("item", list(STEP_OF))
def test_an_option_that_does_not_exist_is_refused(client: FlaskClient, item: str) -> None:
    step_id = STEP_OF[item]
    earlier = answers_before(step_id)
    set_answers(client, earlier)
    bad = ["no_such_option"] if item in MULTI_ITEMS else "no_such_option"

    response = post_step(client, step_id, {**step_answers(step_id), item: bad, "nav": "next"})

    assert_refused(client, response, earlier)
    fieldset = markup(response).split(f'id="{item}-fieldset"', 1)[1].split("</fieldset>", 1)[0]
    assert "That answer isn&#39;t one of the options" in fieldset
    assert 'href="#' + item + '-fieldset"' in markup(response)


@pytest.mark.parametrize("earlier, step_id, item, value", [
    ({"substance": "opioids"}, "pattern", "prescribed", "esketamine"),
    ({"substance": "cannabis"}, "pattern", "prescribed", "infusion_clinic"),
    ({"substance": "ketamine"}, "pattern", "prescribed", "prescribed_other"),
    ({"substance": "alcohol"}, "other_substances", "co_use", ["alcohol"]),
    ({"substance": "ketamine"}, "other_substances", "co_use", ["ketamine", "cannabis"]),
])
def test_an_option_hidden_by_skip_logic_is_refused(
        client: FlaskClient, earlier: dict[str, Any], step_id: str, item: str,
        value: Any) -> None:
    answered = {**answers_before(step_id, LOW_RISK_KETAMINE), **earlier, "last_use": "past_week"}
    set_answers(client, answered)
    data = {**step_answers(step_id, LOW_RISK_KETAMINE), item: value, "nav": "next"}

    response = post_step(client, step_id, data)

    assert_refused(client, response, answered)


def test_answers_to_questions_hidden_by_skip_logic_are_ignored(client: FlaskClient) -> None:
    set_answers(client, answers_before("pattern", ALCOHOL_DRINKER))

    response = post_step(client, "pattern", {
        **step_answers("pattern", ALCOHOL_DRINKER), "prescribed": "prescribed_other",
        "nav": "next"})

    assert response.status_code == 302
    assert "prescribed" not in session_answers(client)
    assert session_answers(client)["frequency"] == ALCOHOL_DRINKER["frequency"]


@pytest.mark.parametrize("step_id, item, value", [
    ("pattern", "route", ["snort", "snort"]),
    ("other_substances", "co_use", ["none_of_these", "opioids"]),
    ("other_substances", "medicines", ["none_of_these", "antidepressant"]),
    ("other_substances", "medicines", ["not_sure", "none_of_these"]),
    ("body", "symptoms", ["fever", "none_of_these"]),
    ("situation", "past_treatment", ["none_of_these", "detox"]),
])
def test_exclusive_or_repeated_choices_are_refused(
        client: FlaskClient, step_id: str, item: str, value: list[str]) -> None:
    earlier = answers_before(step_id)
    set_answers(client, earlier)

    response = post_step(client, step_id, {**step_answers(step_id), item: value, "nav": "next"})

    assert_refused(client, response, earlier)
    assert f'id="{item}-error"' in markup(response)


@pytest.mark.parametrize("step_id, item, value", [
    ("substance", "substance", ["ketamine", "alcohol"]),
    ("checklist", "c_craving", ["yes", "no"]),
])
def test_several_values_for_a_single_choice_are_refused(
        client: FlaskClient, step_id: str, item: str, value: list[str]) -> None:
    earlier = answers_before(step_id)
    set_answers(client, earlier)

    response = post_step(client, step_id, {**step_answers(step_id), item: value, "nav": "next"})

    assert_refused(client, response, earlier)


def test_unknown_extra_fields_are_ignored(client: FlaskClient) -> None:
    response = post_step(client, "substance", {
        **step_answers("substance", LOW_RISK_KETAMINE), "nav": "next",
        "favourite_colour": "blue", "c_craving": "yes", "answers": "{}", "__proto__": "x",
        "ünïcödé\u202e": "\x00", "csrf_token": "whatever"})

    assert response.status_code == 302
    assert session_answers(client) == step_answers("substance", LOW_RISK_KETAMINE)


@pytest.mark.parametrize("value", [
    "ketamine\x00",
    "\x00",
    "ketamine\r\n",
    " ketamine",
    "KETAMINE",
    "\u202eketamine",
    "ke\u0301tamine",
    "\uff4b\uff45\uff54\uff41\uff4d\uff49\uff4e\uff45",  # full-width letters
    "\ufeffketamine",
    "\U0001f489",
    "\x1b[31mketamine",
    "ketamine" * 500,
])
def test_odd_characters_in_an_answer_are_refused(client: FlaskClient, value: str) -> None:
    response = post_step(client, "substance",
                         {"substance": value, "last_use": "past_week", "nav": "next"})

    assert_refused(client, response, {})
    assert "\x00" not in markup(response) and "\x1b" not in markup(response)


@pytest.mark.parametrize("body", [
    b"substance=%FF%FE&last_use=past_week",
    b"substance=%C0%80&last_use=past_week",
    b"substance=\xff\xfe&last_use=past_week",
    b"substance=ketamine&last_use=%ED%A0%80",  # an encoded lone surrogate
    b"\x00\x01\x02",
])
def test_undecodable_form_bytes_are_refused(client: FlaskClient, body: bytes) -> None:
    response = post_step(client, "substance", body,
                         content_type="application/x-www-form-urlencoded")

    assert_refused(client, response, {})


def test_odd_characters_in_a_multiple_choice_answer_are_refused(client: FlaskClient) -> None:
    earlier = answers_before("pattern")
    set_answers(client, earlier)

    response = post_step(client, "pattern", {**step_answers("pattern"),
                                             "route": ["snort\x00", "clinic"], "nav": "next"})

    assert_refused(client, response, earlier)


@pytest.mark.parametrize("data, content_type", [
    ({"substance": "x" * (70 * 1024)}, None),  # more than MAX_CONTENT_LENGTH
    ({"substance": "ketamine", "pad": "x" * (70 * 1024)}, "multipart/form-data"),
    ({"substance": "x" * (20 * 1024)}, "multipart/form-data"),  # one huge field
    ({f"f{i}": "x" for i in range(300)}, "multipart/form-data"),  # too many parts
])
def test_huge_bodies_are_413(client: FlaskClient, data: dict[str, str],
                             content_type: str | None) -> None:
    kwargs = {"content_type": content_type} if content_type else {}
    response = post_step(client, "substance", data, **kwargs)

    assert_refused(client, response, {}, status=413)
    assert "more data than we accept" in words(response)


@pytest.mark.parametrize("method, url", [
    ("GET", SAVE_URL),
    ("GET", START_URL),
    ("GET", FORGET_URL),
    ("PUT", "/screening/substance"),
    ("DELETE", "/screening/substance"),
    ("PATCH", "/screening/pattern"),
    ("POST", RESULT_URL),
    ("POST", SUPPORT_URL),
    ("PUT", SAVE_URL),
    ("GET", "/r/" + "A" * 43 + "/delete"),
    ("POST", "/r/" + "A" * 43),
    ("POST", "/"),
])
def test_wrong_methods_are_405(client: FlaskClient, method: str, url: str) -> None:
    set_answers(client, LOW_RISK_KETAMINE)

    response = client.open(url, method=method)

    assert response.status_code == 405
    assert "can&#39;t be used that way" in markup(response)
    assert session_answers(client) == LOW_RISK_KETAMINE


# --- Headers and links -----------------------------------------------------------------------


def open_page(client: FlaskClient, name: str) -> TestResponse:
    """One page of each kind, reached the way a person would reach it."""
    if name == "landing":
        return client.get("/")
    if name == "step":
        set_answers(client, answers_before("pattern", LOW_RISK_KETAMINE))
        return client.get("/screening/pattern")
    if name == "step with errors":
        return client.post("/screening/substance", data={"nav": "next"})
    if name == "support":
        set_answers(client, person(s_wish_dead="yes", s_now="no"))
        return client.get(SUPPORT_URL)
    if name == "result":
        set_answers(client, person(s_wish_dead="yes", s_now="no", symptoms=["chest_pain"]))
        return client.get(RESULT_URL)
    if name == "saved":
        set_answers(client, person(symptoms=["blood_urine"]))
        return client.get(f"/r/{save_result(client)}")
    if name == "not found":
        return client.get("/r/nope")
    raise ValueError(name)


CRISIS_CHAT = "https://988lifeline.org/chat"
PAGES = ["landing", "step", "step with errors", "support", "result", "saved", "not found"]


@pytest.mark.parametrize("name", PAGES)
def test_security_headers(client: FlaskClient, name: str) -> None:
    response = open_page(client, name)
    assert response.status_code in (200, 404, 422)

    csp = response.headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_link_only_to_this_site_and_to_crisis_contacts(
        client: FlaskClient, name: str) -> None:
    response = open_page(client, name)
    page = Page(markup(response))
    assert page.urls
    for url, tag, _attrs in page.urls:
        if url.startswith(("tel:", "sms:")) or url == CRISIS_CHAT:
            continue
        assert url.startswith(("/", "#")) and not url.startswith("//"), (
            f"third-party URL in <{tag}>: {url}")
    # The CSP allows no inline script or style, so the pages must not need any.
    assert "<script" not in markup(response)
    assert " style=" not in markup(response) and "<style" not in markup(response)


def test_every_crisis_chat_link_has_rel_noreferrer(client: FlaskClient) -> None:
    page = Page(markup(open_page(client, "result")))

    chat_links = [attrs for url, _tag, attrs in page.urls if url == CRISIS_CHAT]
    assert len(chat_links) >= 2  # in the crisis section and in the footer
    for attrs in chat_links:
        assert "noreferrer" in (attrs.get("rel") or "").split(), attrs
