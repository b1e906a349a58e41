"""A counselor's screening in progress lives on the server (issue 16 item 1): it survives signing
out and the idle limit, goes on from the client's page after signing in again, belongs to one
counselor and one client, is discarded by the counselor or when its time is up (and by
purge-expired), is sealed with the notes' keys, and leaves nothing but ids in the audit trail
and the logs."""

import logging
import re
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlalchemy import text as sql
from sqlmodel import Session, select

from recovery import create_app
from recovery.db import get_session
from recovery.models import ClientScreening, ScreeningInProgress
from tests.counselor.conftest import Account, Clock, audit_actions, login, text
from tests.counselor.test_screenings import AT_RISK, INPUT_RE, LOW_RISK, base, client_id

__all__ = ["client_id"]  # the fixture, shared with test_screenings

# Steps up to and including the safety questions: a screening cut short mid-conversation.
UNTIL_SAFETY = ("substance", "recent_use", "pattern", "checklist", "other_substances", "mixing",
                "body", "mood", "trauma", "safety")


def answer_steps(browser: FlaskClient, client_id: int, answers: Mapping[str, Any],
                 steps: tuple[str, ...] = UNTIL_SAFETY) -> str:
    """Start a screening and answer the steps named (those that show); returns the URL the
    flow goes to next (the crisis stop, or the next step)."""
    response = browser.post(f"{base(client_id)}/screenings/new/start")
    location = response.headers["Location"]
    while location.rsplit("/", 1)[1] in steps:
        page = browser.get(location)
        assert page.status_code == 200, location
        names = set(INPUT_RE.findall(page.get_data(as_text=True))) - {"csrf_token"}
        response = browser.post(location, data={n: answers[n] for n in names} | {"nav": "next"})
        assert response.status_code == 302, text(response)[:300]
        location = response.headers["Location"]
    return location


def answer_until_review(browser: FlaskClient, location: str, answers: Mapping[str, Any]) -> None:
    while not location.endswith("/screenings/new/result"):
        page = browser.get(location)
        names = set(INPUT_RE.findall(page.get_data(as_text=True))) - {"csrf_token"}
        response = browser.post(location, data={n: answers[n] for n in names} | {"nav": "next"})
        assert response.status_code == 302, text(response)[:300]
        location = response.headers["Location"]


def rows(db: Session) -> list[ScreeningInProgress]:
    db.expire_all()
    return list(db.exec(select(ScreeningInProgress)).all())


def screenings_saved(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(ClientScreening)).one()


def continue_url(page_text: str) -> str:
    found = re.search(r'href="([^"]+)">Continue the screening', page_text)
    assert found is not None, "no way to continue"
    return found.group(1)


@pytest.mark.parametrize("ending", ["sign out", "idle limit"])
def test_a_screening_in_progress_survives_signing_out(
        app: Flask, casey: FlaskClient, client_id: int, counselor: Account, clock: Clock,
        db_session: Session, ending: str) -> None:
    support = answer_steps(casey, client_id, AT_RISK)
    assert support.endswith("/screenings/new/support")  # the suicide answer stopped the flow
    stop = casey.get(support)
    assert "kept on the server as you go, for you alone" in text(stop)
    assert "answers so far are kept in this browser" not in text(stop)
    if ending == "sign out":
        casey.post("/counselor/logout")
    else:
        clock.advance(minutes=app.config["COUNSELOR_IDLE_MINUTES"] + 1)
        timed_out = casey.get(support)
        assert timed_out.status_code == 302 and "/counselor/login" in timed_out.headers["Location"]
    # Nothing of it is in the browser's cookie; on the server, it is still there.
    with casey.session_transaction() as cookie:
        assert not any("answers" in str(value) for value in cookie.values())
    assert casey.get(f"{base(client_id)}/screenings/new/result").status_code == 302
    (kept,) = rows(db_session)
    assert kept.answers["s_wish_dead"] == "yes" and kept.client_id == client_id

    assert login(casey, counselor).status_code == 302
    page = casey.get(base(client_id))
    assert "Your screening in progress" in text(page)
    assert "Started 04 March 2030, 09:00 UTC" in text(page)
    assert "kept for you alone until 05 March 2030" in text(page)
    resumed = casey.get(continue_url(page.get_data(as_text=True)))
    # The first step not yet answered after the safety questions (none of them asked again).
    assert resumed.status_code == 302
    assert resumed.headers["Location"].endswith("/screenings/new/safety_more")
    answer_until_review(casey, resumed.headers["Location"], AT_RISK)
    saved = casey.post(f"{base(client_id)}/screenings/new/save", data={"notes": ""})
    assert saved.status_code == 303
    assert screenings_saved(db_session) == 1 and rows(db_session) == []
    db_session.expire_all()
    assert db_session.exec(select(ClientScreening)).one().answers["s_wish_dead"] == "yes"


def test_a_screening_in_progress_is_one_counselors_and_one_clients(
        casey: FlaskClient, client_id: int, other: Account, sign_in: Callable[..., FlaskClient],
        db_session: Session) -> None:
    assert casey.post(f"{base(client_id)}/shares", data={"email": other.email}).status_code == 303
    answer_steps(casey, client_id, LOW_RISK, ("substance", "recent_use", "pattern"))
    olu = sign_in(other)
    # The colleague the client is shared with sees no screening in progress and can't go on
    # with Casey's; starting their own leaves Casey's as it was.
    assert "Your screening in progress" not in text(olu.get(base(client_id)))
    assert olu.get(f"{base(client_id)}/screenings/new/result").status_code == 302
    answer_steps(olu, client_id, LOW_RISK, ("substance", "recent_use"))
    assert sorted(len(row.answers) for row in rows(db_session)) == [2, 7]
    assert "Your screening in progress" in text(casey.get(base(client_id)))


def test_discarding_from_the_client_page_deletes_the_answers(
        casey: FlaskClient, client_id: int, db_session: Session) -> None:
    answer_steps(casey, client_id, LOW_RISK, ("substance", "recent_use", "pattern"))
    page = casey.get(base(client_id))
    assert f'href="{base(client_id)}/screenings/new/forget">Discard' in page.get_data(as_text=True)
    confirm = text(casey.get(f"{base(client_id)}/screenings/new/forget"))
    assert "deletes the answers recorded so far in this screening of client" in confirm
    assert "from this browser" not in confirm
    response = casey.post(f"{base(client_id)}/screenings/new/forget")
    assert response.status_code == 303 and response.headers["Location"] == base(client_id)
    assert rows(db_session) == [] and screenings_saved(db_session) == 0
    assert "Your screening in progress" not in text(casey.get(base(client_id)))


def test_starting_again_starts_from_nothing(casey: FlaskClient, client_id: int,
                                            db_session: Session) -> None:
    answer_steps(casey, client_id, LOW_RISK, ("substance", "recent_use", "pattern"))
    page = text(casey.get(base(client_id)))
    assert "Start again with a new screening" in page
    casey.post(f"{base(client_id)}/screenings/new/start")
    (row,) = rows(db_session)
    assert row.answers == {}


def test_after_its_time_a_screening_in_progress_is_gone_and_purged(
        app: Flask, casey: FlaskClient, client_id: int, counselor: Account, clock: Clock,
        db_session: Session) -> None:
    answer_steps(casey, client_id, LOW_RISK, ("substance", "recent_use", "pattern"))
    clock.advance(hours=23, minutes=50)
    assert login(casey, counselor).status_code == 302  # the next day's sign-in
    assert "Your screening in progress" in text(casey.get(base(client_id)))
    runner = app.test_cli_runner()
    assert "Deleted 0 screenings in progress" in runner.invoke(args=["purge-expired"]).output
    clock.advance(minutes=10)
    assert "Your screening in progress" not in text(casey.get(base(client_id)))
    assert casey.get(f"{base(client_id)}/screenings/new/result").status_code == 302
    assert "Deleted 1 screening in progress" in runner.invoke(args=["purge-expired"]).output
    assert rows(db_session) == []


def test_the_time_kept_is_a_setting_and_the_pages_say_it(
        make_app: Callable[..., Flask], client_id: int, casey: FlaskClient,
        database_url: str) -> None:
    app = casey.application
    app.config["COUNSELOR_SCREENING_KEEP_HOURS"] = 2
    step = casey.get(answer_steps(casey, client_id, LOW_RISK, ("substance",)))
    assert "or for 2 hours after the last answer" in text(step)
    assert "at most 2 hours after the last answer" in text(app.test_client().get("/privacy"))
    for hours in (0, -1, "24", 1.5, None, True):
        with pytest.raises(SystemExit, match="COUNSELOR_SCREENING_KEEP_HOURS must be a whole"):
            create_app({"TESTING": True, "DATABASE_URL": database_url,
                        "COUNSELOR_SCREENING_KEEP_HOURS": hours})


def test_deleting_the_client_deletes_the_screening_in_progress(
        casey: FlaskClient, client_id: int, db_session: Session) -> None:
    answer_steps(casey, client_id, LOW_RISK, ("substance", "recent_use", "pattern"))
    response = casey.post(f"{base(client_id)}/delete")
    assert response.status_code == 303, text(response)[:300]
    assert rows(db_session) == []


def test_answers_in_progress_are_sealed_and_resealed(
        make_app: Callable[..., Flask], app: Flask, counselor: Account, clock: Clock) -> None:
    from recovery import sealed

    keyed = make_app(ENCRYPTION_KEYS=[sealed.new_key()], COUNSELOR_NOW=clock)
    browser = keyed.test_client()
    assert login(browser, counselor).status_code == 302
    new = browser.post("/counselor/clients/new", data={"name": "Robin", "consent": "y"})
    client_id = int(new.headers["Location"].rsplit("/", 1)[1])
    answer_steps(browser, client_id, AT_RISK)
    with keyed.app_context():
        stored = get_session().execute(sql("SELECT answers FROM screening_in_progress")).one()[0]
        assert "sealed:v1" in str(stored) and "ketamine" not in str(stored)
    result = keyed.test_cli_runner().invoke(args=["reseal"])
    assert "screening_in_progress.answers: 1 rows sealed with the first key" in result.output
    assert "Your screening in progress" in text(browser.get(base(client_id)))


def test_nothing_of_the_answers_reaches_the_audit_trail_or_the_logs(
        casey: FlaskClient, client_id: int, db_session: Session,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    answer_steps(casey, client_id, AT_RISK)
    casey.post("/counselor/logout")
    events = " ".join(" ".join(str(part) for part in event) for event in audit_actions(db_session))
    logged = caplog.text
    for answer in ("ketamine", "s_wish_dead", "past_week", "never_alone"):
        assert answer not in events and answer not in logged
