"""What the questionnaire's page tests share: its shape, people, reading pages, walking the flow.

Most tests describe a person as a dict of answers (item id -> option id, or a list for "choose
all that apply") and let `answer_questionnaire` walk the pages from the landing page the way a
browser would: it only posts answers for the questions on the page in front of it, so the skip
logic decides what gets asked.
"""

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from recovery import db
from recovery.models import Assessment

START_URL = "/screening/start"
RESULT_URL = "/screening/result"
SUPPORT_URL = "/screening/support"
SAVE_URL = "/screening/save"
FORGET_URL = "/screening/forget"

# --- The questionnaire's shape, as the tests expect it (checked against the content below) --

STEPS: dict[str, list[str]] = {
    "substance": ["substance"],
    "recent_use": ["last_use"],
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
