"""The plan builder in the browser, through Flask's test client.

Forms are filled the way a browser fills them: `open_form` reads the page's <form> and returns
every field it would send (text boxes, the selected option of each select, ticked boxes, the
hidden fields), and the tests change only what a person would change before posting it back.
"""

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlmodel import Session, func, select
from werkzeug.test import TestResponse

from recovery import db
from recovery.models import PlanRevision, RelapsePlan
from recovery.planning.draft import Action, Line, PlanDraft, RedFlag, Trigger
from recovery.plans import store
from recovery.plans.files import plan_to_json
from recovery.questionnaire import store as result_store
from tests.screening_results import low_risk_result

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


@pytest.fixture
def plan(client: FlaskClient) -> str:
    return make_plan(client, RISKY)


@pytest.fixture
def another_install(empty_database_url: str, make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """A second copy of the app with its own, brand-new database and secret key."""
    other = make_app(DATABASE_URL=empty_database_url,
                     SECRET_KEY="another-install-with-its-own-key")
    db.upgrade_database(other)
    yield other


# --- Making a plan ---------------------------------------------------------------------------


def test_the_result_page_offers_a_plan_and_says_what_is_kept(client: FlaskClient) -> None:
    set_answers(client, LOW_RISK)
    result = client.get("/screening/result")

    actions = [f.action for f in post_forms(result)]
    assert "/plans/new" in actions
    text = words(result)
    assert "Make my relapse-prevention plan" in text
    assert "long, random link" in text
    assert "Only people who have the link can see or change it" in text
    assert "delete the plan, with all its versions" in text
    assert 'href="/plans/import"' in markup(result)


def test_the_whole_journey(client: FlaskClient, app: Flask, another_install: Flask) -> None:
    # Screening, then the plan.
    result = answer_questionnaire(client, RISKY)
    assert "Make my relapse-prevention plan" in words(result)
    response = client.post("/plans/new")
    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/plans/{token}")
    assert page.status_code == 200
    assert "Your plan is ready" in words(page)
    assert "Being alone with ketamine within reach" in words(page)

    # Edit every section, one save each.
    edits = edit_every_section(client, token)
    assert revision_numbers(app, token) == list(range(1, len(edits) + 2))
    text = words(client.get(f"/plans/{token}"))
    for expected in edits.values():
        assert expected in text

    # Versions and what changed.
    revisions_page = client.get(f"/plans/{token}/revisions")
    assert revisions_page.status_code == 200
    assert f"{len(edits) + 1} (now)" in words(revisions_page)
    compare = client.get(f"/plans/{token}/compare?from=2&to=3")
    assert compare.status_code == 200
    assert "Added: I want to be there for my kids" in words(compare)
    everything = words(client.get(f"/plans/{token}/compare?from=1&to={len(edits) + 1}"))
    assert "Support contacts" in everything and "Jo · sister · +44 7700 900123" in everything

    # Take it away as a file, bring it back here and on another install: the same bytes.
    first = client.get(f"/plans/{token}/plan.json")
    again = upload(client, "/plans/import", first.data)
    assert again.status_code == 302
    second = client.get(f"{again.headers['Location']}/plan.json")
    assert second.data == first.data
    elsewhere = another_install.test_client()
    moved = upload(elsewhere, "/plans/import", first.data)
    assert moved.status_code == 302
    assert elsewhere.get(f"{moved.headers['Location']}/plan.json").data == first.data

    # Delete it for good.
    confirm = client.get(f"/plans/{token}/delete")
    assert "Delete this plan for good?" in words(confirm)
    gone = client.post(f"/plans/{token}/delete")
    assert gone.status_code == 302
    assert client.get(f"/plans/{token}").status_code == 404
    assert plan_row(app, token) is None
    assert counts(app) == (1, 1)  # only the re-uploaded copy is left


def edit_every_section(client: FlaskClient, token: str) -> dict[str, str]:
    """Make one change in each section through its form; returns text each change shows."""
    data = open_section(client, token, "about")
    data.update(display_name=["Sam"], goal=["cut_down"], review_date=["2027-01-15"],
                crisis_locale=["GB"])
    save_section(client, token, "about", data)

    data = open_section(client, token, "reasons")
    data["reasons-0-text"] = ["I want to be there for my kids"]
    save_section(client, token, "reasons", data)

    data = open_section(client, token, "triggers")
    data["add"] = ["payday"]
    data["triggers-3-text"] = ["Sunday evenings"]
    data["triggers-3-kind"] = ["places"]
    data["triggers-3-rank"] = ["low"]
    data["triggers-3-action1_kind"] = ["call"]
    data["triggers-3-action1_text"] = ["Phone my sister"]
    data["triggers-1-remove"] = ["y"]
    save_section(client, token, "triggers", data)

    data = open_section(client, token, "warning_signs")
    data["warning_signs-2-text"] = ["Skipping breakfast"]
    save_section(client, token, "warning_signs", data)

    data = open_section(client, token, "urge_plan")
    data.update(delay_minutes=["15"], text_person=["Jo"])
    data["distractions-5-text"] = ["Play the guitar"]
    save_section(client, token, "urge_plan", data)

    data = open_section(client, token, "routine")
    data["routine-0-text"] = ["Bed by eleven"]
    save_section(client, token, "routine", data)

    data = open_section(client, token, "contacts")
    data.update({"contacts-0-name": ["Jo"], "contacts-0-role": ["sister"],
                 "contacts-0-phone": ["+44 7700 900123"]})
    save_section(client, token, "contacts", data)

    data = open_section(client, token, "meetings")
    data.update({"meetings-0-kind": ["na"], "meetings-0-name": ["Tuesday group"],
                 "meetings-0-day": ["Tuesday"], "meetings-0-time": ["19:00"],
                 "meetings-0-place": ["Church hall"]})
    save_section(client, token, "meetings", data)

    data = open_section(client, token, "next_steps")
    data["next_steps-0-remove"] = ["y"]
    data["next_steps-3-text"] = ["Call the clinic on Monday"]
    save_section(client, token, "next_steps", data)

    data = open_section(client, token, "lapse_plan")
    data["reminder"] = ["One slip is a lesson, not a verdict."]
    data["first_day-5-text"] = ["Text Jo"]
    save_section(client, token, "lapse_plan", data)

    data = open_section(client, token, "medical")
    data.update({"medical-3-text": ["Headaches that won't go"],
                 "medical-3-action": ["See the GP this week"]})
    save_section(client, token, "medical", data)

    data = open_section(client, token, "harm_reduction")
    data["harm_reduction-0-text"] = ["Never mix, and never alone."]
    save_section(client, token, "harm_reduction", data)

    return {
        "about": "Sam", "reasons": "I want to be there for my kids",
        "triggers": "Sunday evenings", "warning_signs": "Skipping breakfast",
        "urge_plan": "Play the guitar", "routine": "Bed by eleven", "contacts": "Jo (sister)",
        "meetings": "Tuesday group (Narcotics Anonymous (NA)): Tuesday, 19:00, Church hall",
        "next_steps": "Call the clinic on Monday",
        "lapse_plan": "One slip is a lesson, not a verdict.",
        "medical": "Headaches that won't go: See the GP this week",
        "harm_reduction": "Never mix, and never alone.",
    }


def test_each_section_saves_exactly_what_was_typed(client: FlaskClient, app: Flask) -> None:
    token = make_plan(client, RISKY)
    before = latest(app, token)

    edit_every_section(client, token)

    after = latest(app, token)
    assert (after.display_name, after.goal, after.review_date, after.crisis_locale) == (
        "Sam", "cut_down", "2027-01-15", "GB")
    assert after.reasons[0].text == "I want to be there for my kids"
    assert after.reasons[0].because == ""
    texts = [t.text for t in after.triggers]
    assert "Pressure at work, school or home" not in texts  # removed
    assert texts[-2:] == ["Sunday evenings", "Payday or having spare cash"]
    own = after.triggers[-2]
    assert own == Trigger("places", "Sunday evenings", "low", (Action("call", "Phone my sister"),))
    assert after.triggers[-1].rank == "medium" and after.triggers[-1].actions
    assert after.urge_plan.delay_minutes == 15 and after.urge_plan.text_person == "Jo"
    assert after.urge_plan.distractions[-1] == "Play the guitar"
    assert after.contacts[0].phone == "+44 7700 900123"
    assert after.meetings[0].kind == "na"
    assert after.next_steps[0] == before.next_steps[1]
    assert after.lapse_plan.first_day[-1] == "Text Jo"
    assert after.medical[-1].action == "See the GP this week"
    assert after.harm_reduction == ("Never mix, and never alone.",) + before.harm_reduction[1:]
    page = words(client.get(f"/plans/{token}"))
    assert "Samaritans" in page  # the crisis lines follow the plan's country


def test_a_plan_from_a_saved_result_uses_its_answers(client: FlaskClient, app: Flask) -> None:
    set_answers(client, RISKY)
    saved = client.post("/screening/save")
    result_token = saved.headers["Location"].rsplit("/", 1)[1]
    set_answers(client, LOW_RISK)  # today's session says something else

    page = client.get(f"/r/{result_token}")
    assert f"/r/{result_token}/plan" in [f.action for f in post_forms(page)]
    response = client.post(f"/r/{result_token}/plan")

    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert "Strong cravings" in [t.text for t in latest(app, token).triggers]


def test_a_plan_needs_a_finished_screening(client: FlaskClient, app: Flask) -> None:
    set_answers(client, {"substance": "ketamine"})

    response = client.post("/plans/new")

    assert response.status_code == 409
    assert "answer all the questions first" in words(response)
    assert counts(app) == (0, 0)


def test_a_saved_result_from_older_questions_is_refused_kindly(
        client: FlaskClient, app: Flask) -> None:
    with app.app_context():
        session = db.get_session()
        result_token = result_store.save_assessment(
            session, answers={"substance": "ketamine", "retired_question": "yes"},
            result=low_risk_result(app), content_version="2020.01-1")
        session.commit()

    response = client.post(f"/r/{result_token}/plan")

    assert response.status_code == 409
    assert "older set of questions" in words(response)
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("url", ["/r/" + UNKNOWN_TOKEN + "/plan", "/r/short/plan"])
def test_a_plan_from_an_unknown_saved_result_is_404(client: FlaskClient, url: str) -> None:
    assert client.post(url).status_code == 404


# --- The plan page ---------------------------------------------------------------------------


def test_the_plan_page_shows_every_section_and_why(client: FlaskClient, plan: str) -> None:
    page = client.get(f"/plans/{plan}")
    text = words(page)

    for heading in ("About this plan", "My reasons", "My triggers and what I will do",
                    "Early warning signs", "My urge plan", "My daily routine",
                    "Support contacts", "Meetings", "Treatment next steps", "If I slip",
                    "When to get medical help", "Staying safer", "If I'm in crisis", "Review date"):
        assert heading in text, heading
    # Triggers are grouped by kind, ranked, with their if-then steps and the reason for each.
    assert "Places, things and times Being alone with ketamine within reach High risk" in text
    assert "Avoid it: Keep none at home" in text
    assert "Why this is suggested: You said you often use alone or in secret." in text
    assert "Why this is suggested: Secrecy was part of using before." in text
    assert "988 Suicide & Crisis Lifeline" in text
    assert "Wait 20 minutes" in text
    for section in SECTIONS:
        assert f'href="/plans/{plan}/edit/{section}"' in markup(page)
        # "Back to my plan" and a saved edit return to /plans/<link>#<section>.
        assert f'id="{section}"' in markup(page), section
    assert "My safety plan" not in text
    assert "Ketamine treatment aftercare" not in text
    assert 'style="' not in markup(page)  # the CSP allows no inline styles


def test_the_plan_page_links_every_pdf(app: Flask, client: FlaskClient, plan: str) -> None:
    page = markup(client.get(f"/plans/{plan}"))
    with app.test_request_context():
        for layout in ("full", "handout", "wallet"):
            for paper in ("a4", "letter"):
                link = url_for("plans.link.plan_pdf", token=plan, layout=layout, paper=paper)
                assert link == f"/plans/{plan}/pdf/{layout}?paper={paper}"
                assert f'href="{escape(link)}"' in page, link


def test_ketamine_treatment_aftercare_and_at_home_rules(client: FlaskClient) -> None:
    token = make_plan(client, AT_HOME_TREATMENT)

    page = client.get(f"/plans/{token}")

    text = words(page)
    assert "Ketamine treatment aftercare" in text
    assert "Common, and usually passes Call your provider" in text
    assert "Mild dizziness or nausea Severe vomiting" in text
    assert "Safety rules for treatment at home" in text
    assert "A sober person you trust stays with you for the whole session." in text
    assert client.get(edit_url(token, "therapy")).status_code == 404


def test_someone_at_risk_gets_a_safety_plan_they_can_fill_in(
        client: FlaskClient, app: Flask) -> None:
    token = make_plan(client, AT_RISK)
    page = words(client.get(f"/plans/{token}"))
    assert "If you don't feel safe right now" in page
    assert "My safety plan" in page and "Not filled in yet." in page

    data = open_section(client, token, "safety_steps")
    assert "safety_steps-0-remove" not in data
    data["safety_steps-3-response"] = ["My brother Sam, 07700 900456"]
    save_section(client, token, "safety_steps", data)

    steps = latest(app, token).safety_steps
    assert steps[3].response == "My brother Sam, 07700 900456"
    assert [s.prompt for s in steps] == [s.prompt for s in latest(app, token).safety_steps]
    assert "My brother Sam, 07700 900456" in words(client.get(f"/plans/{token}"))


def test_no_safety_plan_section_for_someone_not_at_risk(client: FlaskClient, plan: str) -> None:
    assert client.get(edit_url(plan, "safety_steps")).status_code == 404


# --- Editing ---------------------------------------------------------------------------------


def test_a_suggestion_keeps_its_reason_until_it_is_reworded(client: FlaskClient, app: Flask,
                                                           plan: str) -> None:
    form_page = words(client.get(edit_url(plan, "triggers")))
    assert "Suggested because: You said you often use alone or in secret." in form_page
    data = open_section(client, plan, "triggers")
    data["triggers-0-rank"] = ["low"]
    save_section(client, plan, "triggers", data)
    assert latest(app, plan).triggers[0].because == "You said you often use alone or in secret."

    data = open_section(client, plan, "triggers")
    data["triggers-0-text"] = ["Being alone at home on a Friday"]
    save_section(client, plan, "triggers", data)
    assert latest(app, plan).triggers[0].because == ""

    data = open_section(client, plan, "warning_signs")
    data["warning_signs-1-text"] = ["Letting meals slide"]
    save_section(client, plan, "warning_signs", data)
    signs = latest(app, plan).warning_signs
    assert signs[0].because == "Secrecy was part of using before."
    assert signs[1].because == ""


def test_saving_without_changes_adds_no_version(client: FlaskClient, app: Flask,
                                                plan: str) -> None:
    for section in SECTIONS:
        client.get("/")  # clear flashed messages
        save_section(client, plan, section, open_section(client, plan, section))
        assert flashed(client) == ["Nothing had changed, so no new version was saved."], section

    assert revision_numbers(app, plan) == [1]


def test_emptying_a_box_removes_the_entry(client: FlaskClient, app: Flask, plan: str) -> None:
    data = open_section(client, plan, "routine")
    data["routine-0-text"] = ["   "]
    save_section(client, plan, "routine", data)

    assert len(latest(app, plan).routine) == 5


def test_the_trigger_list_offers_only_triggers_not_in_the_plan(client: FlaskClient,
                                                               plan: str) -> None:
    page = client.get(edit_url(plan, "triggers"))
    offered = post_forms(page)[0].options("add")

    assert "payday" in offered and "alone_with_access" not in offered and "cravings" not in offered
    text = words(page)
    for kind in ("People", "Places, things and times", "Feelings", "Body states", "Thoughts"):
        assert kind in text


def test_a_trigger_with_more_than_three_steps_keeps_them_all(client: FlaskClient,
                                                             app: Flask) -> None:
    steps = tuple(Action("cope", f"Step {n}") for n in range(1, 6))
    draft = replace(latest_draft_for(client, app), triggers=(Trigger("own", "Mondays", "high",
                                                                     steps),))
    token = store_plan(app, draft)

    data = open_section(client, token, "triggers")
    assert data["triggers-0-action5_text"] == ["Step 5"]
    data["triggers-0-rank"] = ["medium"]
    save_section(client, token, "triggers", data)

    assert latest(app, token).triggers[0].actions == steps


def latest_draft_for(client: FlaskClient, app: Flask, answers: dict[str, Any] = LOW_RISK
                     ) -> PlanDraft:
    return latest(app, make_plan(client, answers))


def test_validation_errors_sit_beside_the_field_and_in_a_summary(
        client: FlaskClient, app: Flask, plan: str) -> None:
    data = open_section(client, plan, "contacts")
    data.update({"contacts-0-phone": ["call me maybe"], "contacts-1-role": ["neighbour"]})

    response = client.post(edit_url(plan, "contacts"), data=data)

    assert response.status_code == 422
    page = markup(response)
    assert 'id="error-summary"' in page
    assert 'href="#contacts-0-phone"' in page and 'href="#contacts-1-name"' in page
    assert "Contact 1: Phone: A phone number may hold digits" in words(response)
    assert "Please fill in the name, or leave the whole row empty." in words(response)
    assert re.search(r'id="contacts-0-phone"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                     r'id="contacts-0-phone"', page)
    # What the person typed is still there to fix.
    assert 'value="call me maybe"' in page and 'value="neighbour"' in page
    assert revision_numbers(app, plan) == [1]


# --- Bad input never saves -------------------------------------------------------------------

LONG = "x" * 501

BAD_EDITS: list[tuple[str, dict[str, Any], int]] = [
    # Too long, with the limits of the plan file format.
    ("about", {"display_name": "x" * 41}, 422),
    ("reasons", {"reasons-0-text": LONG}, 422),
    ("triggers", {"triggers-0-text": LONG}, 422),
    ("triggers", {"triggers-0-action1_text": LONG}, 422),
    ("warning_signs", {"warning_signs-0-text": LONG}, 422),
    ("urge_plan", {"text_person": "x" * 81}, 422),
    ("urge_plan", {"grounding": LONG}, 422),
    ("routine", {"routine-0-text": LONG}, 422),
    ("contacts", {"contacts-0-name": "x" * 81}, 422),
    ("contacts", {"contacts-0-name": "Jo", "contacts-0-phone": "1" * 41}, 422),
    ("meetings", {"meetings-0-kind": "na", "meetings-0-place": "x" * 201}, 422),
    ("next_steps", {"next_steps-0-text": LONG}, 422),
    ("lapse_plan", {"reminder": LONG}, 422),
    ("medical", {"medical-0-action": LONG}, 422),
    ("harm_reduction", {"harm_reduction-0-text": LONG}, 422),
    # Control characters.
    ("reasons", {"reasons-0-text": "ok\x00"}, 422),
    ("triggers", {"triggers-0-text": "bell\x07"}, 422),
    ("contacts", {"contacts-0-name": "Jo\x1b[31m"}, 422),
    ("lapse_plan", {"first_day-0-text": "next\x85line"}, 422),
    ("about", {"display_name": "Sam\x7f"}, 422),
    # Line breaks where only one line fits.
    ("about", {"display_name": "Sam\nSmith"}, 422),
    ("contacts", {"contacts-0-name": "Jo", "contacts-0-phone": "555\u20280100"}, 422),
    ("meetings", {"meetings-0-kind": "na", "meetings-0-place": "Hall B\u2029Room 2"}, 422),
    # Wrong types and values that were never offered.
    ("about", {"goal": "maybe"}, 422),
    ("about", {"review_date": "2026-02-30"}, 422),
    ("about", {"review_date": "tomorrow"}, 422),
    ("about", {"review_date": "20261231"}, 422),
    ("about", {"review_date": "1999-12-31"}, 422),
    ("about", {"crisis_locale": "XX"}, 422),
    ("about", {"crisis_locale": ""}, 422),
    ("urge_plan", {"delay_minutes": "abc"}, 422),
    ("urge_plan", {"delay_minutes": "0"}, 422),
    ("urge_plan", {"delay_minutes": "241"}, 422),
    ("urge_plan", {"delay_minutes": "1e3"}, 422),
    ("urge_plan", {"delay_minutes": ""}, 422),
    ("urge_plan", {"delay_minutes": "9" * 5000}, 422),
    ("triggers", {"triggers-0-rank": "extreme"}, 422),
    ("triggers", {"triggers-0-action1_kind": "fight"}, 422),
    ("triggers", {"triggers-3-text": "Mondays", "triggers-3-kind": "villains"}, 422),
    ("triggers", {"add": ["payday", "not_a_trigger"]}, 422),
    ("triggers", {"add": "alone_with_access"}, 422),  # already in the plan
    ("meetings", {"meetings-0-kind": "aa"}, 422),
    ("meetings", {"meetings-0-name": "Tuesday group"}, 422),  # no kind chosen
    ("contacts", {"contacts-0-role": "sister"}, 422),  # no name
    ("contacts", {"contacts-0-name": "Jo", "contacts-0-phone": "call me"}, 422),
    ("medical", {"medical-3-action": "See a GP"}, 422),  # no sign
    # Fields the form never had, fields missing, and fields sent twice.
    ("reasons", {"is_admin": "1"}, 400),
    ("triggers", {"triggers-0-kind": "people"}, 400),  # an existing trigger's kind is fixed
    ("triggers", {"triggers-0-because": "tampered"}, 400),
    ("reasons", {"reasons-99-text": "extra row"}, 400),
    ("safety_steps", {}, 404),
    ("about", {"goal": ["stop", "cut_down"]}, 400),
    ("reasons", {"reasons-0-text": ["one", "two"]}, 400),
]


@pytest.mark.parametrize(("section", "changes", "status"), BAD_EDITS,
                         ids=[f"{s}-{'-'.join(c) or 'none'}-{n}" for s, c, n in BAD_EDITS])
def test_bad_input_is_refused_and_saves_nothing(client: FlaskClient, app: Flask, plan: str,
                                                section: str, changes: dict[str, Any],
                                                status: int) -> None:
    data = open_section(client, plan, section) if status != 404 else {"base_revision": ["1"]}
    data.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})

    response = client.post(edit_url(plan, section), data=data)

    assert response.status_code == status, words(response)[:500]
    assert "Nothing was changed" in words(response) or status == 422 or status == 404
    assert revision_numbers(app, plan) == [1]


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("drop", ["a-field", "base_revision"])
def test_a_form_with_a_field_missing_is_refused(client: FlaskClient, app: Flask, plan: str,
                                                section: str, drop: str) -> None:
    data = open_section(client, plan, section)
    name = drop if drop == "base_revision" else next(
        k for k in data if k not in ("base_revision", "csrf_token", "add")
        and not k.endswith("-remove") and k != "goal")
    del data[name]

    response = client.post(edit_url(plan, section), data=data)

    assert response.status_code == 400, name
    assert "Nothing was changed." in words(response)
    assert revision_numbers(app, plan) == [1]


@pytest.mark.parametrize("base", ["", "abc", "-1", "1.0", " 1", "1" * 10, "٣"])
def test_a_tampered_base_revision_is_refused(client: FlaskClient, app: Flask, plan: str,
                                             base: str) -> None:
    data = open_section(client, plan, "reasons")
    data["reasons-0-text"] = ["A new reason"]
    data["base_revision"] = [base]

    response = client.post(edit_url(plan, "reasons"), data=data)

    assert response.status_code == 400
    assert "reload the page" in words(response)
    assert revision_numbers(app, plan) == [1]


def test_the_goal_may_not_be_left_unchosen(client: FlaskClient, app: Flask, plan: str) -> None:
    data = open_section(client, plan, "about")
    del data["goal"]

    response = client.post(edit_url(plan, "about"), data=data)

    assert response.status_code == 422
    assert 'href="#goal-fieldset"' in markup(response)
    assert revision_numbers(app, plan) == [1]


def test_a_section_form_bigger_than_any_plan_is_413(client: FlaskClient, app: Flask,
                                                    plan: str) -> None:
    data = open_section(client, plan, "reasons")
    data["reasons-0-text"] = ["x" * (300 * 1024)]

    response = client.post(edit_url(plan, "reasons"), data=data)

    assert response.status_code == 413
    assert "Nothing was changed." in words(response)
    assert revision_numbers(app, plan) == [1]


def test_a_plan_too_long_for_its_file_is_refused(client: FlaskClient, app: Flask) -> None:
    token = store_plan(app, nearly_full_plan(latest_draft_for(client, app)))
    data = open_section(client, token, "reasons")
    for n in range(3):
        data[f"reasons-{n}-text"] = ["z" * 500]

    response = client.post(edit_url(token, "reasons"), data=data)

    assert response.status_code == 422
    assert "longer than 256 KB, the most a plan file can hold" in words(response)
    assert revision_numbers(app, token) == [1]


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


# --- Two people at once ----------------------------------------------------------------------


def test_a_save_from_an_out_of_date_page_is_a_conflict(client: FlaskClient, app: Flask,
                                                       plan: str) -> None:
    mine = open_section(client, plan, "reasons")
    theirs = open_section(app.test_client(), plan, "reasons")
    theirs["reasons-0-text"] = ["Their reason, saved first"]
    save_section(app.test_client(), plan, "reasons", theirs)

    mine["reasons-0-text"] = ["My reason, saved second"]
    response = client.post(edit_url(plan, "reasons"), data=mine)

    assert response.status_code == 409
    text = words(response)
    assert "Someone saved this plan first" in text
    assert "we kept that save and did not save yours" in text
    assert "My reasons: added Their reason, saved first" in text  # what the other save did
    assert "My reason, saved second" in text  # what this person typed, to copy
    assert revision_numbers(app, plan) == [1, 2]
    assert [r.text for r in latest(app, plan).reasons] == ["Their reason, saved first"]


def test_a_stale_upload_is_a_conflict_too(client: FlaskClient, app: Flask, plan: str) -> None:
    file = client.get(f"/plans/{plan}/plan.json").data
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)

    response = upload(client, f"/plans/{plan}/import", file, base_revision="1")

    assert response.status_code == 409
    assert "Your file was not used" in words(response)
    assert revision_numbers(app, plan) == [1, 2]


# --- Versions --------------------------------------------------------------------------------


def test_compare_lists_what_was_added_removed_and_changed(client: FlaskClient,
                                                          plan: str) -> None:
    data = open_section(client, plan, "contacts")
    data.update({"contacts-0-name": ["Jo"], "contacts-1-name": ["Ali"]})
    save_section(client, plan, "contacts", data)
    data = open_section(client, plan, "contacts")
    data.update({"contacts-0-phone": ["0123"], "contacts-1-remove": ["y"],
                 "contacts-2-name": ["Kim"]})
    save_section(client, plan, "contacts", data)

    text = words(client.get(f"/plans/{plan}/compare?from=2&to=3"))

    assert "Support contacts" in text
    assert "Added: Kim" in text
    assert "Removed: Ali" in text
    assert "Changed: Jo became Jo · 0123" in text
    assert "Nothing changed between these two versions." in words(
        client.get(f"/plans/{plan}/compare?from=2&to=2"))


@pytest.mark.parametrize(("query", "status"), [
    ("", 400), ("from=1", 400), ("from=1&to=x", 400), ("from=-1&to=1", 400),
    ("from=1&to=" + "9" * 12, 400), ("from=1&to=2", 404), ("from=0&to=1", 404),
    ("from=1&to=99", 404),
])
def test_compare_with_bad_numbers(client: FlaskClient, plan: str, query: str,
                                  status: int) -> None:
    response = client.get(f"/plans/{plan}/compare?{query}")

    assert response.status_code == status
    assert ("compare" if status == 400 else "no version") in words(response)


def test_the_versions_page_offers_each_step_and_any_pair(client: FlaskClient,
                                                         plan: str) -> None:
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)

    page = client.get(f"/plans/{plan}/revisions")

    assert "2 (now)" in words(page)
    assert f"/plans/{plan}/compare?from=1&amp;to=2" in markup(page)
    compare_forms = [f for f in FormReader(markup(page)).forms if f.method == "get"
                     and f.action == f"/plans/{plan}/compare"]
    assert compare_forms and compare_forms[0].values() == {"from": ["1"], "to": ["2"]}


# --- The plan as a file ----------------------------------------------------------------------


def test_download_is_the_plan_as_an_attachment(client: FlaskClient, app: Flask,
                                               plan: str) -> None:
    response = client.get(f"/plans/{plan}/plan.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="recovery-plan-{date.today().isoformat()}.json"')
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.data) == latest(app, plan).to_dict()
    assert response.data.decode("utf-8") == plan_to_json(latest(app, plan))


def test_uploading_into_a_plan_makes_the_file_the_next_version(
        client: FlaskClient, app: Flask, plan: str) -> None:
    file = json.loads(client.get(f"/plans/{plan}/plan.json").data)
    file["display_name"] = "From the file"
    file["reasons"] = [{"text": "Written elsewhere", "because": ""}]

    response = upload(client, f"/plans/{plan}/import", json.dumps(file).encode(),
                      base_revision="1")

    assert response.status_code == 302
    assert revision_numbers(app, plan) == [1, 2]
    assert latest(app, plan).to_dict() == file
    again = upload(client, f"/plans/{plan}/import", json.dumps(file).encode(), base_revision="2")
    assert again.status_code == 302
    assert revision_numbers(app, plan) == [1, 2]  # the same plan again is not a new version


def test_an_uploaded_phone_number_ending_in_a_newline_is_refused(
        client: FlaskClient, app: Flask, plan: str) -> None:
    file = json.loads(client.get(f"/plans/{plan}/plan.json").data)
    file["contacts"] = [{"name": "Sam", "role": "sister", "phone": "555 0100\n"}]

    response = upload(client, f"/plans/{plan}/import", json.dumps(file).encode(),
                      base_revision="1")

    assert response.status_code == 422
    assert "must be a single line" in words(response)
    assert revision_numbers(app, plan) == [1]


def test_the_upload_pages_explain_themselves(client: FlaskClient, plan: str) -> None:
    new = client.get("/plans/import")
    assert new.status_code == 200
    assert "Only people who have the link can see or change it" in words(new)
    into = client.get(f"/plans/{plan}/import")
    assert "becomes the newest version of this plan" in words(into)
    form = post_forms(into)[0]
    assert form.enctype == "multipart/form-data"
    assert form.values()["base_revision"] == ["1"]


def valid_file(client: FlaskClient) -> dict[str, Any]:
    token = make_plan(client, RISKY)
    result: dict[str, Any] = json.loads(client.get(f"/plans/{token}/plan.json").data)
    return result


def with_changes(file: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**file, **changes}).encode()


BAD_FILES: list[tuple[str, Callable[[dict[str, Any]], bytes], str]] = [
    ("empty", lambda f: b"", "This file is empty"),
    ("not-utf8", lambda f: json.dumps(f).encode("utf-16"), "isn't UTF-8"),
    ("latin1", lambda f: json.dumps({**f, "display_name": "Zoë"}, ensure_ascii=False).encode()
     .replace("Zoë".encode(), "Zoë".encode("latin-1")), "isn't UTF-8"),
    ("not-json", lambda f: b"<html>hello</html>", "isn't valid JSON"),
    ("truncated", lambda f: json.dumps(f).encode()[:-20], "isn't valid JSON"),
    ("deep-nesting", lambda f: b"[" * 100_000 + b"]" * 100_000, "nested far too deeply"),
    ("deep-inside", lambda f: json.dumps({**f, "reasons": "X"}).encode().replace(
        b'"X"', b"[" * 50_000 + b"]" * 50_000), "nested far too deeply"),
    ("huge-integer", lambda f: json.dumps(f).encode().replace(
        b'"delay_minutes": 20', b'"delay_minutes": ' + b"9" * 5000), "isn't valid JSON"),
    ("big-integer", lambda f: with_changes(f, urge_plan={**f["urge_plan"],
                                                         "delay_minutes": 10 ** 300}),
     "between 1 and 240"),
    ("infinity", lambda f: json.dumps(f).encode().replace(
        b'"delay_minutes": 20', b'"delay_minutes": Infinity'), "isn't valid JSON"),
    ("float", lambda f: with_changes(f, urge_plan={**f["urge_plan"], "delay_minutes": 1e308}),
     "whole number"),
    ("nan", lambda f: json.dumps(f).encode().replace(
        b'"delay_minutes": 20', b'"delay_minutes": NaN'), "isn't valid JSON"),
    ("duplicate-key", lambda f: json.dumps(f).encode().replace(
        b'"goal":', b'"goal": "stop", "goal":'), "appears twice"),
    ("control-chars", lambda f: with_changes(f, display_name="Sam\u0000"), "control characters"),
    ("escape-sequence", lambda f: with_changes(f, display_name="\u001b[2J"),
     "control characters"),
    ("lone-surrogate", lambda f: json.dumps(f).encode().replace(
        b'"display_name": ""', b'"display_name": "\\ud800"'), "text"),
    ("unknown-field", lambda f: with_changes(f, is_admin=True), "unknown field 'is_admin'"),
    ("missing-field", lambda f: json.dumps({k: v for k, v in f.items() if k != "goal"}).encode(),
     "missing field 'goal'"),
    ("wrong-type", lambda f: with_changes(f, reasons="my health"), "expected a list"),
    ("wrong-schema", lambda f: with_changes(f, schema="something-else"), "not a plan file"),
    ("wrong-version", lambda f: with_changes(f, schema_version=2), "unsupported version"),
    ("bool-version", lambda f: with_changes(f, schema_version=True), "unsupported version"),
    ("too-long", lambda f: with_changes(f, display_name="x" * 41), "longer than 40"),
    ("too-many", lambda f: with_changes(f, reasons=[{"text": "r", "because": ""}] * 51),
     "at most 50"),
    ("bad-rank", lambda f: with_changes(f, triggers=[{**f["triggers"][0], "rank": "huge"}]),
     "My triggers and what I will do (triggers[0].rank)"),
    ("bad-date", lambda f: with_changes(f, review_date="2026-02-30"), "a date such as"),
    ("a-list", lambda f: b"[]", "expected an object"),
    ("a-string", lambda f: b'"plan"', "expected an object"),
    ("null", lambda f: b"null", "expected an object"),
]


@pytest.mark.parametrize(("make_file", "message"), [(m, msg) for _n, m, msg in BAD_FILES],
                         ids=[n for n, _m, _msg in BAD_FILES])
@pytest.mark.parametrize("into_plan", [False, True], ids=["new-plan", "into-plan"])
def test_a_bad_file_is_refused_with_a_message_and_changes_nothing(
        client: FlaskClient, app: Flask, make_file: Callable[[dict[str, Any]], bytes],
        message: str, into_plan: bool) -> None:
    file = valid_file(client)
    token = make_plan(client)
    before = counts(app)
    url = f"/plans/{token}/import" if into_plan else "/plans/import"

    response = upload(client, url, make_file(file), **({"base_revision": "1"} if into_plan
                                                       else {}))

    assert response.status_code == 422, words(response)[:400]
    text = words(response)
    assert message in text
    assert "Nothing was changed." in text
    assert 'id="error-summary"' in markup(response)
    assert counts(app) == before


def multipart(file: bytes, **fields: str) -> tuple[bytes, str]:
    """A multipart body built by hand: the test client spools big bodies to a temporary file
    that it never closes, which pytest (rightly) reports."""
    boundary = "----plan-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="plan_file"; '
                 f'filename="plan.json"\r\nContent-Type: application/json\r\n\r\n'.encode()
                 + file + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize("size", [256 * 1024 + 1, 270 * 1024, 300 * 1024, 2 * 1024 * 1024])
def test_an_oversized_file_is_413(client: FlaskClient, app: Flask, size: int) -> None:
    token = make_plan(client)

    for url, fields in (("/plans/import", {}), (f"/plans/{token}/import",
                                                {"base_revision": "1"})):
        body, content_type = multipart(b" " * size, **fields)
        response = client.post(url, data=body, content_type=content_type)
        assert response.status_code == 413
        assert "256 KB" in words(response) and "Nothing was changed." in words(response)
    assert counts(app) == (1, 1)


def test_a_file_just_under_the_limit_is_read(client: FlaskClient, app: Flask) -> None:
    file = valid_file(client)
    body = plan_to_json_bytes(file)
    padded = body + b" " * (256 * 1024 - len(body))

    response = upload(client, "/plans/import", padded)

    assert response.status_code == 302
    assert counts(app) == (2, 2)


def plan_to_json_bytes(file: dict[str, Any]) -> bytes:
    return json.dumps(file, ensure_ascii=False, indent=2).encode() + b"\n"


def test_a_compact_file_that_would_outgrow_the_limit_is_refused(
        client: FlaskClient, app: Flask) -> None:
    # Fits as uploaded, but not as we write it out again (indented): its download could never
    # be uploaded again, so it is refused now.
    draft = nearly_full_plan(latest_draft_for(client, app))
    draft = replace(draft, reasons=tuple(Line("z" * 500) for _ in range(6)))
    compact = json.dumps(draft.to_dict(), ensure_ascii=False, separators=(",", ":")).encode()
    assert len(compact) <= 256 * 1024 < len(plan_to_json(draft).encode())

    response = upload(client, "/plans/import", compact)

    assert response.status_code == 422
    assert "longer than 256 KB" in words(response)
    assert counts(app) == (1, 1)


@pytest.mark.parametrize("fields", [
    {}, {"plan_file": (io.BytesIO(b""), "")},
    {"plan_file": (io.BytesIO(b"{}"), "plan.json"), "extra": "1"},
    {"plan_file": [(io.BytesIO(b"{}"), "a.json"), (io.BytesIO(b"{}"), "b.json")]},
    {"plan_file": (io.BytesIO(b"{}"), "plan.json"), "other_file": (io.BytesIO(b"{}"), "x")},
])
def test_an_upload_without_exactly_one_file_is_refused(client: FlaskClient, app: Flask,
                                                       fields: dict[str, Any]) -> None:
    response = client.post("/plans/import", data=fields, content_type="multipart/form-data")

    assert response.status_code in (400, 422)
    assert "Nothing was changed" in words(response) or "Please choose your plan file" in words(
        response)
    assert counts(app) == (0, 0)


def test_an_upload_that_is_not_multipart_asks_for_a_file(client: FlaskClient, app: Flask) -> None:
    response = client.post("/plans/import", data={})

    assert response.status_code == 422
    assert "Please choose your plan file" in words(response)
    assert counts(app) == (0, 0)


# --- Deleting --------------------------------------------------------------------------------


def test_delete_asks_first_then_removes_every_version(client: FlaskClient, app: Flask,
                                                      plan: str) -> None:
    other = make_plan(client)
    data = open_section(client, plan, "about")
    data["display_name"] = ["Sam"]
    save_section(client, plan, "about", data)

    confirm = client.get(f"/plans/{plan}/delete")
    assert "It can't be undone" in words(confirm)
    assert counts(app) == (2, 3)
    response = client.post(f"/plans/{plan}/delete")

    assert response.status_code == 302
    assert "deleted for good" in " ".join(flashed(client))
    assert counts(app) == (1, 1)
    assert plan_row(app, other) is not None
    assert client.post(f"/plans/{plan}/delete").status_code == 404


# --- Links, methods and CSRF -----------------------------------------------------------------

GET_PAGES = ["", "/edit/about", "/edit/triggers", "/revisions", "/compare?from=1&to=1",
             "/plan.json", "/import", "/delete"]
POST_PAGES = ["/edit/about", "/edit/reasons", "/import", "/delete"]


@pytest.mark.parametrize("token", [UNKNOWN_TOKEN, "short", "A" * 44, "A" * 42 + "!",
                                   "%00" * 43, "../" * 10])
@pytest.mark.parametrize("suffix", GET_PAGES + POST_PAGES)
def test_unknown_or_malformed_plan_links_are_404(client: FlaskClient, token: str,
                                                 suffix: str) -> None:
    for method in ("GET", "POST") if suffix in POST_PAGES else ("GET",):
        response = client.open(f"/plans/{token}{suffix}", method=method,
                               data={"base_revision": "1"} if method == "POST" else None)
        assert response.status_code == 404, (method, suffix)


def test_unknown_sections_are_404(client: FlaskClient, plan: str) -> None:
    for section in ("nope", "therapy", "crisis", "ABOUT", "about%00", "x" * 300):
        assert client.get(edit_url(plan, section)).status_code == 404
        assert client.post(edit_url(plan, section), data={"base_revision": "1"}
                           ).status_code == 404


@pytest.mark.parametrize(("method", "url"), [
    ("GET", "/plans/new"), ("PUT", "/plans/new"), ("GET", "/r/{result}/plan"),
    ("POST", "/plans/{plan}"), ("DELETE", "/plans/{plan}"), ("PUT", "/plans/{plan}/edit/about"),
    ("POST", "/plans/{plan}/plan.json"), ("POST", "/plans/{plan}/revisions"),
    ("POST", "/plans/{plan}/compare"), ("DELETE", "/plans/{plan}/delete"),
    ("PATCH", "/plans/{plan}/import"), ("PUT", "/plans/import"),
])
def test_wrong_methods_are_405(client: FlaskClient, app: Flask, plan: str, method: str,
                               url: str) -> None:
    response = client.open(url.format(plan=plan, result=UNKNOWN_TOKEN), method=method)

    assert response.status_code == 405
    assert counts(app) == (1, 1)


@pytest.fixture
def csrf_client(app_csrf: Flask) -> FlaskClient:
    return app_csrf.test_client()


def stored_plan(app: Flask) -> str:
    with app.app_context():
        session = db.get_session()
        set_token = store.create_plan(session, draft=PlanDraft(
            content_version="2026.11-1", substance="ketamine", substance_text="ketamine",
            review_date="2026-12-31", crisis_locale="US"))
        session.commit()
    return set_token


@pytest.mark.parametrize("url", [
    "/plans/new", "/r/{result}/plan", "/plans/import", "/plans/{plan}/import",
    "/plans/{plan}/delete", *(f"/plans/{{plan}}/edit/{s}" for s in SECTIONS),
])
def test_every_post_needs_a_csrf_token(app_csrf: Flask, csrf_client: FlaskClient,
                                       url: str) -> None:
    token = stored_plan(app_csrf)
    set_answers(csrf_client, LOW_RISK)
    with app_csrf.app_context():
        session = db.get_session()
        result = result_store.save_assessment(session, answers=LOW_RISK,
                                              result=low_risk_result(app_csrf),
                                              content_version="v")
        session.commit()
    target = url.format(plan=token, result=result)
    # A real form for the page, so only the token is missing.
    data: dict[str, Any] = {"base_revision": "1"}
    if "/edit/" in target:
        data = open_form(csrf_client, target, target)[1]
        assert data.pop("csrf_token")

    for token_value in (None, "", "forged-token"):
        sent = data | ({} if token_value is None else {"csrf_token": token_value})
        response = csrf_client.post(target, data=sent)
        assert response.status_code == 400, (target, token_value)
        assert "This form has expired" in words(response)
    assert counts(app_csrf) == (1, 1)


def test_forms_work_with_csrf_on(app_csrf: Flask, csrf_client: FlaskClient) -> None:
    set_answers(csrf_client, LOW_RISK)
    result_page = csrf_client.get("/screening/result")
    made = [f for f in post_forms(result_page) if f.action == "/plans/new"][0]
    response = csrf_client.post("/plans/new", data=made.values())
    assert response.status_code == 302
    token = response.headers["Location"].rsplit("/", 1)[1]

    data = open_section(csrf_client, token, "reasons")
    data["reasons-0-text"] = ["With CSRF on"]
    save_section(csrf_client, token, "reasons", data)
    file = csrf_client.get(f"/plans/{token}/plan.json").data
    _action, fields = open_form(csrf_client, f"/plans/{token}/import")
    imported = upload(csrf_client, f"/plans/{token}/import", file.replace(
        b"With CSRF on", b"From a file"), **{k: v[0] for k, v in fields.items()})
    assert imported.status_code == 302
    _action, fields = open_form(csrf_client, "/plans/import")
    assert upload(csrf_client, "/plans/import", file,
                  **{k: v[0] for k, v in fields.items()}).status_code == 302
    _action, fields = open_form(csrf_client, f"/plans/{token}/delete")
    assert csrf_client.post(f"/plans/{token}/delete", data=fields).status_code == 302
    assert counts(app_csrf) == (1, 1)


def test_plan_pages_are_never_cached_and_allow_no_inline_style(client: FlaskClient,
                                                                plan: str) -> None:
    for suffix in GET_PAGES:
        response = client.get(f"/plans/{plan}{suffix}")
        assert response.status_code == 200, suffix
        assert response.headers["Cache-Control"] == "no-store"
        assert "style=" not in markup(response) and "<script" not in markup(response)
