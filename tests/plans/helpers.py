"""What the plan builder's page tests share: reading pages and filling forms, arranging plans.

Forms are filled the way a browser fills them: `open_form` reads the page's <form> and returns
every field it would send (text boxes, the selected option of each select, ticked boxes, the
hidden fields), and the tests change only what a person would change before posting it back.
"""

import io
import json
import re
from dataclasses import dataclass, field, replace
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, func, select
from werkzeug.test import TestResponse

from recovery import db
from recovery.models import PlanRevision, RelapsePlan
from recovery.planning.draft import Action, Line, PlanDraft, RedFlag, Trigger
from recovery.plans import store
from recovery.plans.files import plan_to_json

LOW_RISK: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))
RISKY = {**LOW_RISK, "c_craving": "yes", "w_alone_secret": "yes", "c_duties": "yes"}
AT_HOME_TREATMENT = {**LOW_RISK, "prescribed": "at_home", "outside_prescription": "no"}
AT_RISK = {**LOW_RISK, "s_wish_dead": "yes", "s_attempt_recent": "no", "s_now": "no"}
SECTIONS = ["about", "reasons", "triggers", "warning_signs", "urge_plan", "routine", "contacts",
            "meetings", "next_steps", "lapse_plan", "medical", "harm_reduction"]
UNKNOWN_TOKEN = "A" * 43


# --- Reading pages and filling forms ---------------------------------------------------------


@dataclass
class Control:
    tag: str
    type: str
    name: str
    value: str
    checked: bool = False


@dataclass
class HtmlForm:
    action: str
    method: str
    enctype: str
    controls: list[Control] = field(default_factory=list)

    def values(self) -> dict[str, list[str]]:
        """What a browser sends when the form is submitted as it stands."""
        sent: dict[str, list[str]] = {}
        for c in self.controls:
            if not c.name or c.type in ("submit", "button", "file"):
                continue
            if c.type in ("checkbox", "radio") and not c.checked:
                continue
            sent.setdefault(c.name, []).append(c.value)
        return sent

    def options(self, name: str) -> list[str]:
        return [c.value for c in self.controls if c.name == name]


class FormReader(HTMLParser):
    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._select: Control | None = None
        self._first_option: str | None = None
        self._textarea: Control | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(HtmlForm(a.get("action", ""), a.get("method", "get").lower(),
                                       a.get("enctype", "")))
        elif not self.forms:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            default = "on" if kind in ("checkbox", "radio") else ""
            self.forms[-1].controls.append(Control(tag, kind, a.get("name", ""),
                                                   a.get("value", default), "checked" in a))
        elif tag == "select":
            self._select = Control(tag, "select", a.get("name", ""), "")
            self._first_option = None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._first_option = value if self._first_option is None else self._first_option
            if "selected" in a:
                self._select.value, self._select.checked = value, True
            self.forms[-1].controls.append(Control("option", "option", "", value))
        elif tag == "textarea":
            self._textarea = Control(tag, "textarea", a.get("name", ""), "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            if not self._select.checked:
                self._select.value = self._first_option or ""
            self.forms[-1].controls.append(self._select)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop one newline straight after <textarea>.
            self._textarea.value = re.sub(r"^\r?\n", "", self._textarea.value)
            self.forms[-1].controls.append(self._textarea)
            self._textarea = None


def markup(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def words(response: TestResponse) -> str:
    plain = re.sub(r"<[^>]+>", " ", markup(response))
    return " ".join(unescape(plain).split())


def post_forms(response: TestResponse) -> list[HtmlForm]:
    return [f for f in FormReader(markup(response)).forms if f.method == "post"]


def open_form(client: FlaskClient, url: str, action: str | None = None
              ) -> tuple[str, dict[str, list[str]]]:
    """GET `url` and return the post form's action and the fields it would send."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    forms = [f for f in post_forms(page) if action is None or f.action == action]
    assert forms, f"no post form on {url}"
    return forms[0].action, forms[0].values()


def edit_url(token: str, section: str) -> str:
    return f"/plans/{token}/edit/{section}"


def open_section(client: FlaskClient, token: str, section: str) -> dict[str, list[str]]:
    action, data = open_form(client, edit_url(token, section), edit_url(token, section))
    assert action == edit_url(token, section)
    return data


def save_section(client: FlaskClient, token: str, section: str,
                 data: dict[str, list[str]]) -> TestResponse:
    response = client.post(edit_url(token, section), data=data)
    assert response.status_code == 302, (section, response.status_code, words(response)[:600])
    assert response.headers["Location"].startswith(f"/plans/{token}")
    return response


def flashed(client: FlaskClient) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


# --- Arranging plans -------------------------------------------------------------------------


def set_answers(client: FlaskClient, answers: dict[str, Any]) -> None:
    with client.session_transaction() as session:
        session["answers"] = dict(answers)


def make_plan(client: FlaskClient, answers: dict[str, Any] = LOW_RISK) -> str:
    """Press "Make my relapse-prevention plan" on the result page; returns the plan's token."""
    set_answers(client, answers)
    response = client.post("/plans/new")
    assert response.status_code == 302, words(response)[:400]
    match = re.fullmatch(r"/plans/([A-Za-z0-9_-]{43})", response.headers["Location"])
    assert match, response.headers["Location"]
    return match[1]


def answer_questionnaire(client: FlaskClient, answers: dict[str, Any]) -> TestResponse:
    """Walk the questionnaire page by page, answering the questions on each page."""
    location = client.post("/screening/start").headers["Location"]
    for _ in range(30):
        if location == "/screening/result":
            return client.get(location)
        form = next(f for f in post_forms(client.get(location)) if f.action == location)
        questions = {c.name for c in form.controls if c.type in ("radio", "checkbox")}
        response = client.post(location, data={q: answers[q] for q in questions} | {
            "nav": "next"})
        assert response.status_code == 302, words(response)[:400]
        location = response.headers["Location"]
    pytest.fail("never reached the result page")


def plan_row(app: Flask, token: str) -> RelapsePlan | None:
    with Session(db.get_engine(app)) as session:
        return store.get_plan(session, token=token)


def revision_numbers(app: Flask, token: str) -> list[int]:
    with Session(db.get_engine(app)) as session:
        plan = store.get_plan(session, token=token)
        assert plan is not None
        return [r.number for r in store.revisions(session, plan=plan)]


def latest(app: Flask, token: str) -> PlanDraft:
    with Session(db.get_engine(app)) as session:
        plan = store.get_plan(session, token=token)
        assert plan is not None
        return store.latest_draft(session, plan=plan)


def counts(app: Flask) -> tuple[int, int]:
    """(plans, revisions) in the database."""
    with Session(db.get_engine(app)) as session:
        return (session.exec(select(func.count()).select_from(RelapsePlan)).one(),
                session.exec(select(func.count()).select_from(PlanRevision)).one())


def store_plan(app: Flask, draft: PlanDraft) -> str:
    with Session(db.get_engine(app)) as session:
        token = store.create_plan(session, draft=draft)
        session.commit()
        return token


def upload(client: FlaskClient, url: str, content: bytes, **fields: str) -> TestResponse:
    data: dict[str, Any] = {"plan_file": (io.BytesIO(content), "plan.json", "application/json")}
    data.update(fields)
    return client.post(url, data=data, content_type="multipart/form-data")


def latest_draft_for(client: FlaskClient, app: Flask, answers: dict[str, Any] = LOW_RISK
                     ) -> PlanDraft:
    return latest(app, make_plan(client, answers))


def nearly_full_plan(draft: PlanDraft) -> PlanDraft:
    """`draft` padded with long lines until its file is within 1 KB of the 256 KB limit."""
    long_text = "y" * 500
    draft = replace(draft, triggers=tuple(
        Trigger("own", f"{n:02} {long_text}"[:500], "high", (Action("cope", long_text),) * 3)
        for n in range(50)), harm_reduction=(), medical=tuple(
            RedFlag(f"{n:02}{long_text}"[:500], long_text) for n in range(50)))
    for attr in ("warning_signs", "routine", "next_steps"):
        draft = replace(draft, **{attr: tuple(Line(f"{n:02}{long_text}"[:500])
                                              for n in range(50))})
    padding: list[str] = []
    while len(plan_to_json(replace(draft, harm_reduction=tuple(padding[:50]), lapse_plan=replace(
            draft.lapse_plan, step_up=tuple(padding[50:])))).encode()) < 256 * 1024 - 1024:
        padding.append(long_text)
    draft = replace(draft, harm_reduction=tuple(padding[:50]),
                    lapse_plan=replace(draft.lapse_plan, step_up=tuple(padding[50:])))
    assert 256 * 1024 - 1024 <= len(plan_to_json(draft).encode()) <= 256 * 1024
    return draft
