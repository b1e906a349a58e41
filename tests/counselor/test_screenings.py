"""Screenings with a client: the questionnaire in counselor mode, the saved result, notes, the
counselor's own choice of path, plans made from a screening, and the history page."""

import json
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import text as sql
from sqlmodel import Session, col, select
from werkzeug.test import TestResponse

from recovery import sealed
from recovery.db import get_session
from recovery.models import AuditEvent, Client, ClientScreening, PlanRevision, RelapsePlan
from recovery.questionnaire import journey
from recovery.seeds import current_content
from tests.counselor.conftest import (
    Account,
    Clock,
    SignIn,
    audit_actions,
    create_account,
    signed_in_client,
    text,
)
from tests.plans.helpers import FormReader, open_form

LOW_RISK: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))
AT_RISK = LOW_RISK | {"s_wish_dead": "yes", "s_thoughts_week": "no", "s_attempt_ever": "no",
                      "s_now": "no"}
HEAVY = LOW_RISK | {"last_use": "past_week", "frequency": "daily", "c_craving": "yes",
                    "c_tolerance": "yes", "c_more_than_meant": "yes", "c_cut_down": "yes",
                    "m_down": "most_days", "a_worry": "most_days"}
NAME = "Robin Quillfeather"
NOTES = "Talked through the weekend pattern; agreed to try the urge plan."
INPUT_RE = re.compile(r'<input[^>]*name="([a-z_0-9]+)"')


@pytest.fixture
def client_id(casey: FlaskClient) -> int:
    response = casey.post("/counselor/clients/new", data={"name": NAME, "consent": "y"})
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def base(client_id: int) -> str:
    return f"/counselor/clients/{client_id}"


def record_answers(browser: FlaskClient, client_id: int, answers: Mapping[str, Any]
                   ) -> list[TestResponse]:
    """Start a screening and answer every step from `answers`, following the crisis page when
    it appears; returns the crisis pages seen. Stops at the review page."""
    response = browser.post(f"{base(client_id)}/screenings/new/start")
    assert response.status_code == 303
    location = response.headers["Location"]
    crisis_pages = []
    for _ in range(40):
        if location.endswith("/screenings/new/result"):
            return crisis_pages
        page = browser.get(location)
        assert page.status_code == 200, (location, page.status_code)
        if location.endswith("/screenings/new/support"):
            crisis_pages.append(page)
            found = re.search(r'href="([^"]+)">Continue the screening', page.get_data(as_text=True))
            assert found is not None
            location = found.group(1)
            continue
        names = {n for n in INPUT_RE.findall(page.get_data(as_text=True))
                 if n not in ("csrf_token",)}
        data = {n: answers[n] for n in names} | {"nav": "next"}
        response = browser.post(location, data=data)
        assert response.status_code == 302, (location, text(response)[:400])
        location = response.headers["Location"]
    pytest.fail("the screening never reached the review page")


def save_screening(browser: FlaskClient, client_id: int, answers: Mapping[str, Any] = LOW_RISK,
                   notes: str = NOTES) -> int:
    record_answers(browser, client_id, answers)
    review = browser.get(f"{base(client_id)}/screenings/new/result")
    assert review.status_code == 200
    saved = browser.post(f"{base(client_id)}/screenings/new/save", data={"notes": notes})
    assert saved.status_code == 303, text(saved)[:400]
    found = re.fullmatch(rf"{base(client_id)}/screenings/(\d+)", saved.headers["Location"])
    assert found is not None
    return int(found.group(1))


def make_plan(browser: FlaskClient, client_id: int, screening_id: int) -> int:
    response = browser.post(f"{base(client_id)}/screenings/{screening_id}/plan")
    assert response.status_code == 303, text(response)[:400]
    found = re.fullmatch(rf"{base(client_id)}/plans/(\d+)", response.headers["Location"])
    assert found is not None
    return int(found.group(1))


def edit_reason(browser: FlaskClient, plan_url: str, reason: str) -> TestResponse:
    """Write `reason` as the plan's first reason through the plan builder's own form."""
    _action, data = open_form(browser, f"{plan_url}/edit/reasons", f"{plan_url}/edit/reasons")
    data["reasons-0-text"] = [reason]
    return browser.post(f"{plan_url}/edit/reasons", data=data)


def one_screening(db: Session) -> ClientScreening:
    db.expire_all()
    rows = db.exec(select(ClientScreening)).all()
    assert len(rows) == 1
    return rows[0]


# --- Recording a screening -----------------------------------------------------------------


def test_a_screening_in_counselor_mode_gives_the_same_explained_result(
        app: Flask, casey: FlaskClient, client_id: int, counselor: Account,
        db_session: Session) -> None:
    record_answers(casey, client_id, HEAVY)
    assert db_session.exec(select(func.count()).select_from(ClientScreening)).one() == 0

    review = text(casey.get(f"{base(client_id)}/screenings/new/result"))
    assert "Review and save: client C-" in review
    assert "This is a screening, not a diagnosis" in review
    assert "Suggested next steps" in review and "Why this is suggested" in review

    screening_id = save_screening_from_review(casey, client_id)
    row = one_screening(db_session)
    assert row.id == screening_id and row.client_id == client_id
    assert row.counselor_id == counselor.id and row.notes == NOTES
    # The stored result is the engine's own, and the summary columns agree with it.
    with app.test_request_context():
        from recovery.screening.engine import screen
        from recovery.seeds import current_content
        expected = screen(HEAVY, current_content(), locale="US").to_dict()
    assert row.result == json.loads(json.dumps(expected))
    assert row.answers == HEAVY
    assert row.severity_score == expected["severity"]["score"] == 4
    assert (row.mood_score, row.anxiety_score) == tuple(
        s["score"] for s in expected["scores"] if s["scale"] in ("mood", "anxiety"))
    assert row.flag_count == len(expected["flags"]) and row.is_at_risk is False

    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert NOTES in page and "Suggested by the screening:" in page
    assert expected["paths"][0]["title"] in page
    actions = [(a, d) for a, _u, _o, d in audit_actions(db_session)]
    assert ("create", f"client {client_id}") in actions
    assert ("view", f"client {client_id}") in actions
    assert NOTES not in str(audit_actions(db_session))
    # Answers in progress are gone from the browser once saved.
    assert casey.get(f"{base(client_id)}/screenings/new/result").status_code == 302


def save_screening_from_review(browser: FlaskClient, client_id: int) -> int:
    saved = browser.post(f"{base(client_id)}/screenings/new/save", data={"notes": NOTES})
    assert saved.status_code == 303
    return int(saved.headers["Location"].rsplit("/", 1)[1])


def test_a_suicide_risk_answer_stops_for_the_counselor_at_once(
        casey: FlaskClient, client_id: int, db_session: Session) -> None:
    crisis_pages = record_answers(casey, client_id, AT_RISK)
    assert len(crisis_pages) == 1
    page = text(crisis_pages[0])
    assert "Safety first" in page and "brief suicide safety assessment" in page
    assert 'href="tel:988"' in crisis_pages[0].get_data(as_text=True)
    review = text(casey.get(f"{base(client_id)}/screenings/new/result"))
    # Crisis comes before the rest of the result on the review page too.
    assert review.index("Safety first") < review.index("Suggested next steps")
    screening_id = save_screening_from_review(casey, client_id)
    assert one_screening(db_session).is_at_risk is True
    saved = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert saved.index("Safety first") < saved.index("Recommended path")


def test_the_counselor_support_page_offers_the_country_picker(
        casey: FlaskClient, client_id: int) -> None:
    """A client from elsewhere needs their own country's lines: the counselor's crisis stop has
    the same picker as the self-screening's."""
    (support,) = record_answers(casey, client_id, AT_RISK)[:1]
    assert '<form method="get" class="region-picker">' in support.get_data(as_text=True)

    canada = casey.get(f"{base(client_id)}/screenings/new/support", query_string={"region": "CA"})

    assert canada.status_code == 200
    assert "9-8-8 Suicide Crisis Helpline" in text(canada)
    assert "Crisis Text Line" not in text(canada)
    assert '<option value="CA" selected>Canada</option>' in canada.get_data(as_text=True)


def test_the_review_and_saved_pages_give_the_counselor_the_words_for_counselors(
        app: Flask, casey: FlaskClient, client_id: int) -> None:
    """The crisis section speaks to the counselor (flags.yaml's `counselor:` text) on the review
    page and the saved screening, as the support page does; before, the review page showed an
    empty paragraph and the saved page the sentence written for the client."""
    with app.app_context():
        raised = journey.crisis_flags(current_content(), AT_RISK)
    assert raised
    for_counselor = [" ".join(flag.counselor.split()) for flag in raised]
    for_client = [" ".join(flag.text.split()) for flag in raised]
    record_answers(casey, client_id, AT_RISK)
    review = casey.get(f"{base(client_id)}/screenings/new/result")
    screening_id = save_screening_from_review(casey, client_id)
    saved = casey.get(f"{base(client_id)}/screenings/{screening_id}")
    for page in (review, saved):
        words = text(page)
        start = words.index("Safety first")
        crisis_part = words[start:min(words.find(heading, start) % (len(words) + 1)
                                      for heading in ("Recommended path", "Suggested next steps"))]
        for sentence in for_counselor:
            assert sentence in crisis_part
        for sentence in for_client:
            assert sentence not in crisis_part
        assert '<p class="lead"></p>' not in page.get_data(as_text=True)


NON_USER = {"substance": "no_use", "m_interest": "most_days", "m_down": "several_days",
            **{k: LOW_RISK[k] for k in ("a_nervous", "a_worry", "t_event", "s_wish_dead",
                                        "s_better_off", "s_thoughts_week", "s_attempt_ever",
                                        "housing", "support_person")}}


def test_a_client_who_does_not_use_any_is_screened_for_mood_and_safety_only(
        app: Flask, casey: FlaskClient, client_id: int, db_session: Session) -> None:
    """The first step's "I don't use any" works in counselor mode as in the self-screening,
    and neither the result nor the plan made from it suggests treatment for substance use."""
    record_answers(casey, client_id, NON_USER)
    review = text(casey.get(f"{base(client_id)}/screenings/new/result"))
    assert "Care for your mood, worry or a hard experience" in review
    with app.app_context():
        content = current_content()
    about_use = [p for p in content.paths if p.id in ("brief_advice", "dual_diagnosis",
                                                      "peer_support", "outpatient_aftercare")]
    for path in about_use:
        assert path.title not in review

    screening_id = save_screening_from_review(casey, client_id)
    assert one_screening(db_session).answers == NON_USER
    plan_id = make_plan(casey, client_id, screening_id)
    plan = text(casey.get(f"{base(client_id)}/plans/{plan_id}"))
    assert content.plan.next_steps["mental_health_care"] in plan
    for path in about_use:
        assert content.plan.next_steps[path.id] not in plan


def test_steps_refuse_bad_answers_and_keep_nothing(casey: FlaskClient, client_id: int,
                                                   db_session: Session) -> None:
    casey.post(f"{base(client_id)}/screenings/new/start")
    response = casey.post(f"{base(client_id)}/screenings/new/substance",
                          data={"substance": "not-a-drug", "nav": "next"})
    assert response.status_code == 422
    assert "isn't one of the options" in text(response)
    # Skipping ahead goes back to the first unanswered step.
    ahead = casey.get(f"{base(client_id)}/screenings/new/situation")
    assert ahead.status_code == 302 and ahead.headers["Location"].endswith("/new/substance")
    assert casey.get(f"{base(client_id)}/screenings/new/result").status_code == 302
    assert db_session.exec(select(func.count()).select_from(ClientScreening)).one() == 0


def test_without_a_screening_under_way_the_steps_send_back_to_the_client(
        casey: FlaskClient, client_id: int) -> None:
    for path in ("/screenings/new/substance", "/screenings/new/result",
                 "/screenings/new/support"):
        response = casey.get(base(client_id) + path)
        assert response.status_code == 302 and response.headers["Location"] == base(client_id)


def test_answers_in_progress_belong_to_one_client(casey: FlaskClient, client_id: int) -> None:
    second = casey.post("/counselor/clients/new", data={"consent": "y"})
    second_id = int(second.headers["Location"].rsplit("/", 1)[1])
    record_answers(casey, client_id, LOW_RISK)
    # The other client's screening has not started: nothing of the first leaks into it.
    assert casey.get(f"{base(second_id)}/screenings/new/result").status_code == 302
    assert "Your screening in progress" in text(casey.get(base(client_id)))
    assert "Your screening in progress" not in text(casey.get(base(second_id)))


def test_discarding_keeps_nothing(casey: FlaskClient, client_id: int,
                                  db_session: Session) -> None:
    record_answers(casey, client_id, LOW_RISK)
    confirm = casey.get(f"{base(client_id)}/screenings/new/forget")  # asks once more first
    assert confirm.status_code == 200
    assert "Stop and discard these answers?" in text(confirm)
    assert casey.get(f"{base(client_id)}/screenings/new/result").status_code == 200
    response = casey.post(f"{base(client_id)}/screenings/new/forget")
    assert response.status_code == 303
    assert casey.get(f"{base(client_id)}/screenings/new/result").status_code == 302
    assert db_session.exec(select(func.count()).select_from(ClientScreening)).one() == 0


@pytest.mark.parametrize("notes, message", [
    ("n" * 4001, "4,000 characters or fewer"),
    ("bad\x00note", "unusual invisible characters"),
])
def test_bad_notes_are_refused_and_nothing_is_saved(casey: FlaskClient, client_id: int,
                                                    db_session: Session, notes: str,
                                                    message: str) -> None:
    record_answers(casey, client_id, LOW_RISK)
    response = casey.post(f"{base(client_id)}/screenings/new/save", data={"notes": notes})
    assert response.status_code == 422 and message in text(response)
    assert db_session.exec(select(func.count()).select_from(ClientScreening)).one() == 0


def test_notes_keep_line_breaks_and_can_be_changed(casey: FlaskClient, client_id: int,
                                                   db_session: Session) -> None:
    screening_id = save_screening(casey, client_id)
    url = f"{base(client_id)}/screenings/{screening_id}/notes"
    assert casey.post(url, data={"notes": "Line one\r\nLine two"}).status_code == 303
    assert one_screening(db_session).notes == "Line one\r\nLine two"
    assert casey.post(url, data={"notes": "x" * 4001}).status_code == 422
    assert one_screening(db_session).notes == "Line one\r\nLine two"


# --- The counselor's choice of path --------------------------------------------------------


def test_a_chosen_path_is_kept_beside_the_suggestion(casey: FlaskClient, client_id: int,
                                                     counselor: Account,
                                                     db_session: Session) -> None:
    screening_id = save_screening(casey, client_id, HEAVY)
    before = one_screening(db_session).result
    url = f"{base(client_id)}/screenings/{screening_id}/override"
    reason = "Works nights; intensive outpatient fits better than a weekly group."
    response = casey.post(url, data={"path": "outpatient_aftercare", "reason": reason})
    assert response.status_code == 303, text(response)[:300]
    row = one_screening(db_session)
    assert (row.override_path, row.override_reason, row.override_by) == (
        "outpatient_aftercare", reason, counselor.id)
    assert row.result == before  # the engine's suggestion is untouched
    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert "Your choice:" in page and reason in page and "Suggested by the screening:" in page
    assert ("update", f"client {client_id}; path chosen") in [
        (a, d) for a, _u, _o, d in audit_actions(db_session)]
    # Back to the suggestion.
    assert casey.post(url, data={"path": "", "reason": ""}).status_code == 303
    row = one_screening(db_session)
    assert (row.override_path, row.override_reason, row.override_by) == (None, "", None)


@pytest.mark.parametrize("data, message", [
    ({"path": "outpatient_aftercare", "reason": "  "}, "Please say why"),
    ({"path": "made_up", "reason": "because"}, "one of the paths in the list"),
    ({"path": "outpatient_aftercare", "reason": "r" * 1001}, "1,000 characters or fewer"),
])
def test_a_bad_choice_of_path_is_refused(casey: FlaskClient, client_id: int,
                                         db_session: Session, data: dict[str, str],
                                         message: str) -> None:
    screening_id = save_screening(casey, client_id)
    response = casey.post(f"{base(client_id)}/screenings/{screening_id}/override", data=data)
    assert response.status_code == 422 and message in text(response)
    assert one_screening(db_session).override_path is None


# --- Plans for a client --------------------------------------------------------------------


def test_a_plan_from_a_screening_is_edited_exported_and_audited(
        casey: FlaskClient, client_id: int, counselor: Account, db_session: Session) -> None:
    screening_id = save_screening(casey, client_id, HEAVY)
    plan_id = make_plan(casey, client_id, screening_id)
    plan_url = f"{base(client_id)}/plans/{plan_id}"
    page = casey.get(plan_url)
    assert page.status_code == 200
    body = text(page)
    assert "Plan for client C-" in body and "private to its link" not in body
    # Every link on the page stays under the client.
    for link in re.findall(r'href="(/plans/[^"]*)"', page.get_data(as_text=True)):
        pytest.fail(f"a client plan links to a private-link page: {link}")
    # The handout opens its preview first (what will print, masked), on the same mount.
    assert f'href="{plan_url}/print/handout?paper=letter"' in page.get_data(as_text=True)

    edit = edit_reason(casey, plan_url, "Be there for my sister")
    assert edit.status_code == 302 and edit.headers["Location"].startswith(plan_url)
    assert "Be there for my sister" in text(casey.get(plan_url))
    for layout in ("full", "handout", "wallet"):
        pdf = casey.get(f"{plan_url}/pdf/{layout}?paper=a4")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert casey.get(f"{plan_url}/plan.json").status_code == 200
    compare = casey.get(f"{plan_url}/compare?from=1&to=2")
    assert compare.status_code == 200 and "Be there for my sister" in text(compare)

    events = [(a, o, d) for a, _u, o, d in audit_actions(db_session)]
    assert ("create", str(plan_id), f"client {client_id}; from screening {screening_id}") in events
    assert ("view", str(plan_id), f"client {client_id}; show") in events
    assert ("update", str(plan_id), f"client {client_id}; edit") in events
    for layout in ("full", "handout", "wallet"):
        assert ("export", str(plan_id), f"client {client_id}; plan_pdf {layout}") in events
    assert ("export", str(plan_id), f"client {client_id}; download") in events
    assert "sister" not in str(events)


def test_client_plan_changes_are_not_public_submissions(app: Flask, casey: FlaskClient,
                                                        client_id: int) -> None:
    """The per-address limit on public submissions covers the plan pages under a private link
    (tests/test_rate_limits.py), not the same pages mounted under a client: a counselor's
    office shares one address."""
    app.config["PUBLIC_SUBMISSION_RATE_LIMIT"] = "1 per minute"
    plan_id = make_plan(casey, client_id, save_screening(casey, client_id))
    plan_url = f"{base(client_id)}/plans/{plan_id}"
    for reason in ("First", "Second", "Third"):
        assert edit_reason(casey, plan_url, reason).status_code == 302


def test_a_refused_plan_change_leaves_no_audit_event(casey: FlaskClient, client_id: int,
                                                     db_session: Session) -> None:
    plan_id = make_plan(casey, client_id, save_screening(casey, client_id))
    plan_url = f"{base(client_id)}/plans/{plan_id}"
    assert edit_reason(casey, plan_url, "first").status_code == 302
    _action, stale = open_form(casey, f"{plan_url}/edit/reasons", f"{plan_url}/edit/reasons")
    stale["base_revision"] = ["1"]
    before = len(audit_actions(db_session))
    response = casey.post(f"{plan_url}/edit/reasons", data=stale | {"reasons-0-text": ["x"]})
    assert response.status_code == 409
    assert len(audit_actions(db_session)) == before


def test_restoring_a_client_plan_version_is_audited_without_its_content(
        casey: FlaskClient, client_id: int, db_session: Session) -> None:
    plan_id = make_plan(casey, client_id, save_screening(casey, client_id))
    plan_url = f"{base(client_id)}/plans/{plan_id}"
    assert edit_reason(casey, plan_url, "Be there for my sister").status_code == 302
    versions = casey.get(f"{plan_url}/revisions")
    restore = [f for f in FormReader(versions.get_data(as_text=True)).forms
               if f.action == f"{plan_url}/revisions/1/restore"]
    assert restore and "Changed: My reasons" in text(versions)

    stale = casey.post(f"{plan_url}/revisions/1/restore", data={"base_revision": "1"})
    assert stale.status_code == 409  # conflict-checked like any save, and not audited
    done = casey.post(f"{plan_url}/revisions/1/restore", data=restore[0].values())

    assert done.status_code == 302 and done.headers["Location"] == plan_url
    assert "Be there for my sister" not in text(casey.get(plan_url))
    events = [(a, o, d) for a, _u, o, d in audit_actions(db_session)]
    assert events.count(("update", str(plan_id), f"client {client_id}; restore")) == 1
    assert "sister" not in str(events)


def test_a_client_plan_is_never_reachable_through_a_private_link(
        app: Flask, casey: FlaskClient, client_id: int, db_session: Session) -> None:
    from recovery.plans import store
    from recovery.tokens import hash_token
    plan_id = make_plan(casey, client_id, save_screening(casey, client_id))
    # Even someone who somehow had a matching token: give the plan a known one.
    plan = db_session.get(RelapsePlan, plan_id)
    assert plan is not None and plan.client_id == client_id
    token = "K" * 43
    plan.token_hash = hash_token(token)
    db_session.add(plan)
    db_session.commit()
    with app.app_context():
        from recovery.db import get_session
        assert store.get_plan(get_session(), token=token) is not None
    visitor = app.test_client()
    for url in (f"/plans/{token}", f"/plans/{token}/plan.json", f"/plans/{token}/pdf/full",
                f"/plans/{token}/revisions"):
        assert visitor.get(url).status_code == 404, url
    assert visitor.post(f"/plans/{token}/delete").status_code == 404
    assert db_session.get(RelapsePlan, plan_id) is not None


def test_deleting_a_client_plan_returns_to_the_client(casey: FlaskClient, client_id: int,
                                                      db_session: Session) -> None:
    plan_id = make_plan(casey, client_id, save_screening(casey, client_id))
    response = casey.post(f"{base(client_id)}/plans/{plan_id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == base(client_id)
    db_session.expire_all()
    assert db_session.get(RelapsePlan, plan_id) is None
    assert ("delete", str(plan_id)) in [(a, o) for a, _u, o, _d in audit_actions(db_session)]


# --- History -------------------------------------------------------------------------------


def test_the_history_shows_every_screening_as_a_chart_and_a_table(
        casey: FlaskClient, client_id: int, clock: Clock, db_session: Session) -> None:
    first = save_screening(casey, client_id, HEAVY)
    earlier = db_session.get(ClientScreening, first)
    assert earlier is not None
    earlier.taken_at = clock.now - timedelta(days=30)  # as if recorded a month ago
    db_session.add(earlier)
    db_session.commit()
    second = save_screening(casey, client_id, LOW_RISK)
    plan_id = make_plan(casey, client_id, second)
    assert edit_reason(casey, f"{base(client_id)}/plans/{plan_id}", "Sleep").status_code == 302

    page = casey.get(f"{base(client_id)}/history")
    assert page.status_code == 200
    markup = page.get_data(as_text=True)
    assert markup.count('role="img"') == 3  # the checklist, the scores, the flags
    assert "2 screenings from 02 February 2030 to 04 March 2030" in text(page)
    # Ketamine's two points and low mood's two, and the two legends' swatches.
    assert markup.count('<circle class="marker style-1"') == 2 + 2 + 2
    rows = re.findall(r'<tr>\s*<th scope="row"><a href="[^"]+/screenings/(\d+)"', markup)
    assert rows == [str(second), str(first)]  # newest first, every one
    assert "4 of 10" in text(page) and "0 of 10" in text(page)
    assert f"{base(client_id)}/plans/{plan_id}/compare?from=1&amp;to=2" in markup
    assert ("view", str(client_id), "history") in [
        (a, o, d) for a, _u, o, d in audit_actions(db_session)]


ALCOHOL = LOW_RISK | {"substance": "alcohol", "c_more_than_meant": "yes", "c_cut_down": "yes",
                     "c_time_spent": "yes", "c_craving": "yes", "c_duties": "yes",
                     "c_tolerance": "yes", "c_withdrawal": "yes", "depressant_daily": "no"}


def test_another_substance_is_another_line_and_the_table_names_it(
        casey: FlaskClient, client_id: int, clock: Clock, db_session: Session) -> None:
    """A ketamine screening (0 of 10) and a later alcohol one (7 of 11) are two series on a
    time axis, never one line that climbs like a relapse."""
    first = save_screening(casey, client_id, LOW_RISK)
    earlier = db_session.get(ClientScreening, first)
    assert earlier is not None
    earlier.taken_at = clock.now - timedelta(days=60)
    db_session.add(earlier)
    db_session.commit()
    save_screening(casey, client_id, ALCOHOL)
    page = casey.get(f"{base(client_id)}/history")
    markup, words = page.get_data(as_text=True), text(page)
    assert "Ketamine (share of 10 areas)" in words and "Alcohol (share of 11 areas)" in words
    checklist = markup[markup.index('aria-labelledby="checklist-title'):]
    checklist = checklist[:checklist.index("</svg>")]
    assert checklist.count("<polyline") == 0  # one screening per substance: no line joins them
    assert checklist.count('class="marker style-1"') == 1
    assert checklist.count('class="marker style-2"') == 1
    cells = re.findall(r"<td>([^<]*)</td>", markup)
    assert cells[:2] == ["Alcohol", "7 of 11"] and "Ketamine" in cells and "0 of 10" in cells


def test_summaries_saved_before_they_named_the_substance_are_completed(
        casey: FlaskClient, client_id: int, db_session: Session) -> None:
    screening_id = save_screening(casey, client_id, HEAVY)
    row = db_session.get(ClientScreening, screening_id)
    assert row is not None
    row.summary = {key: row.summary[key] for key in (
        "severity_score", "severity_max", "mood_score", "anxiety_score", "flag_count",
        "is_at_risk")}  # as revision 0007 wrote them
    db_session.add(row)
    db_session.commit()
    page = casey.get(f"{base(client_id)}/history")
    assert page.status_code == 200
    assert "Ketamine (share of 10 areas)" in text(page) and "Low mood (share of 6)" in text(page)
    db_session.expire_all()
    assert "substance" not in db_session.get(ClientScreening, screening_id).summary  # read only


def test_with_encryption_on_the_pages_read_sealed_screenings(
        app: Flask, make_app: Callable[..., Flask]) -> None:
    """The client page, the screening and the history chart open the sealed answers, result,
    scores and path; the database row holds none of them."""
    keyed = make_app(ENCRYPTION_KEYS=[sealed.new_key()])
    browser = signed_in_client(keyed, create_account(keyed, email="kim@example.org"))
    client_id = int(browser.post("/counselor/clients/new", data={"name": NAME, "consent": "y"})
                    .headers["Location"].rsplit("/", 1)[1])
    screening_id = save_screening(browser, client_id, HEAVY)
    assert browser.post(f"{base(client_id)}/screenings/{screening_id}/override",
                        data={"path": "dual_diagnosis", "reason": "Low mood too"}
                        ).status_code == 303

    history = browser.get(f"{base(client_id)}/history")
    assert history.status_code == 200
    assert "Ketamine (share of 10 areas)" in text(history)
    assert "4 of 10" in text(history)
    assert "Dual-diagnosis (integrated) treatment" in text(history)  # the chosen path
    assert "4 of 10" in text(browser.get(f"{base(client_id)}"))
    screening_page = text(browser.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert "Your choice:" in screening_page and "Low mood too" in screening_page
    with keyed.app_context():
        stored = " ".join(str(v) for v in get_session().execute(
            sql("SELECT * FROM client_screening")).one())
    assert "dual_diagnosis" not in stored and "ketamine" not in stored
    assert "severity_score" not in stored and "c_craving" not in stored


def test_an_empty_history_says_so(casey: FlaskClient, client_id: int) -> None:
    page = text(casey.get(f"{base(client_id)}/history"))
    assert "No screenings yet." in page and "No plans yet." in page


# --- Access --------------------------------------------------------------------------------


def object_urls(app: Flask, client_id: int, screening_id: int, plan_id: int
                ) -> list[tuple[str, str]]:
    """(method, url) of every screening and client-plan URL, from the URL map, so a new one
    can't be forgotten here."""
    values = {"<int:client_id>": str(client_id), "<int:screening_id>": str(screening_id),
              "<int:plan_id>": str(plan_id), "<step:step_id>": "substance",
              "<section_id>": "reasons", "<layout>": "full", "<int:number>": "1"}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[:2] in (["counselor", "screenings"],
                                            ["counselor", "client_screening"],
                                            ["counselor", "client_plans"]):
            url = rule.rule
            for key, value in values.items():
                url = url.replace(key, value)
            assert "<" not in url, rule.rule
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((method, url))
    return found


@pytest.fixture
def full_client(casey: FlaskClient, client_id: int) -> tuple[int, int, int]:
    screening_id = save_screening(casey, client_id, HEAVY)
    return client_id, screening_id, make_plan(casey, client_id, screening_id)


def test_another_counselor_gets_404_for_every_screening_and_plan_url(
        app: Flask, sign_in: SignIn, other: Account, full_client: tuple[int, int, int],
        db_session: Session) -> None:
    urls = object_urls(app, *full_client)
    assert len(urls) >= 20
    outsider = sign_in(other)
    events_before = db_session.exec(select(func.count()).select_from(AuditEvent)).one()
    for method, url in urls:
        response = outsider.open(url, method=method, data={"notes": "x", "base_revision": "1"})
        assert response.status_code == 404, (method, url)
        body = response.get_data(as_text=True)
        assert NAME not in body and NOTES not in body and "C-" not in body, url
    db_session.expire_all()
    row = db_session.exec(select(ClientScreening)).one()
    assert row.notes == NOTES
    assert db_session.exec(select(func.count()).select_from(RelapsePlan)).one() == 1
    # Nothing was seen, so nothing about the client was audited for the outsider.
    events = db_session.exec(select(AuditEvent).where(col(AuditEvent.user_id) == other.id)).all()
    assert {e.action for e in events} <= {"login"}
    assert db_session.exec(select(func.count()).select_from(AuditEvent)).one() >= events_before


def test_visitors_are_sent_to_sign_in_from_every_screening_and_plan_url(
        app: Flask, full_client: tuple[int, int, int]) -> None:
    visitor = app.test_client()
    for method, url in object_urls(app, *full_client):
        response = visitor.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/counselor/login"), url


def test_a_colleague_it_is_shared_with_can_work_on_it(
        app: Flask, casey: FlaskClient, sign_in: SignIn, other: Account,
        full_client: tuple[int, int, int]) -> None:
    client_id, screening_id, plan_id = full_client
    assert casey.post(f"{base(client_id)}/shares", data={"email": other.email}).status_code == 303
    colleague = sign_in(other)
    assert colleague.get(f"{base(client_id)}/screenings/{screening_id}").status_code == 200
    assert colleague.get(f"{base(client_id)}/plans/{plan_id}").status_code == 200
    assert colleague.get(f"{base(client_id)}/history").status_code == 200
    # Deleting a screening stays with the client's own counselor.
    assert colleague.post(
        f"{base(client_id)}/screenings/{screening_id}/delete").status_code == 403


def test_ids_of_another_client_do_not_mix(casey: FlaskClient, full_client: tuple[int, int, int]
                                          ) -> None:
    client_id, screening_id, plan_id = full_client
    second = casey.post("/counselor/clients/new", data={"consent": "y"})
    second_id = int(second.headers["Location"].rsplit("/", 1)[1])
    assert casey.get(f"{base(second_id)}/screenings/{screening_id}").status_code == 404
    assert casey.get(f"{base(second_id)}/plans/{plan_id}").status_code == 404


# --- Deleting ------------------------------------------------------------------------------


def test_deleting_a_screening_erases_it_and_keeps_an_audit_entry(
        casey: FlaskClient, client_id: int, db_session: Session) -> None:
    screening_id = save_screening(casey, client_id)
    url = f"{base(client_id)}/screenings/{screening_id}/delete"
    assert "Delete the screening of" in text(casey.get(url))
    assert casey.post(url).status_code == 303
    assert db_session.exec(select(func.count()).select_from(ClientScreening)).one() == 0
    events = [(a, o, d) for a, _u, o, d in audit_actions(db_session)]
    assert ("view", str(screening_id), f"client {client_id}; delete confirmation") in events
    assert ("delete", str(screening_id), f"client {client_id}") in events


def test_deleting_a_client_erases_screenings_plans_and_notes(
        casey: FlaskClient, full_client: tuple[int, int, int], db_session: Session) -> None:
    client_id, _screening_id, _plan_id = full_client
    assert casey.post(f"{base(client_id)}/delete").status_code == 303
    db_session.expire_all()
    for table in (Client, ClientScreening, RelapsePlan, PlanRevision):
        assert db_session.exec(select(func.count()).select_from(table)).one() == 0, table
    events = db_session.exec(select(AuditEvent)).all()
    assert events, "the audit log keeps its entries"
    every_word = " ".join(f"{e.action} {e.object_type} {e.object_id} {e.detail}" for e in events)
    assert NAME not in every_word and NOTES not in every_word
