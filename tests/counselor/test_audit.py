"""The audit log: `record`, the admin's paginated page, and the CSV export."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from recovery.counselor import audit
from recovery.counselor.admin import queries
from recovery.db import get_engine, get_session
from recovery.models import AuditEvent, User
from recovery.seeds import current_content
from tests.counselor.conftest import Account, audit_actions, signed_in_client, text
from tests.counselor.test_screenings import HEAVY, base, edit_reason, make_plan, save_screening


def add_events(app: Flask, count: int, **fields: str) -> None:
    """`count` events, one a minute from 2020-01-01, each with its number as object_id."""
    with Session(app.extensions["recovery.engine"]) as db:
        start = datetime(2020, 1, 1, tzinfo=UTC)
        for i in range(count):
            db.add(AuditEvent(at=start + timedelta(minutes=i), action="view",
                              object_type="client", object_id=str(i), **fields))
        db.commit()


@pytest.fixture
def admin_client(app: Flask, admin: Account) -> FlaskClient:
    return signed_in_client(app, admin)


def read_csv(client: FlaskClient) -> list[list[str]]:
    response = client.get("/counselor/admin/audit.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="audit-log-')
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


# --- record ----------------------------------------------------------------------------------


def test_record_adds_an_event_for_the_caller_to_commit(app: Flask, admin: Account,
                                                       db_session: Session) -> None:
    user = db_session.get(User, admin.id)
    with app.app_context():
        db = get_session()
        event = audit.record(db, user=user, action="view", object_type="client", object_id=42,
                             detail="x" * 500)
        assert db_session.exec(select(AuditEvent)).all() == []  # nothing until the commit
        db.commit()
        assert (event.user_id, event.object_id, len(event.detail)) == (admin.id, "42", 200)
        assert event.at.tzinfo is not None
    assert audit_actions(db_session) == [("view", admin.id, "42", "x" * 200)]


def test_record_refuses_unknown_actions(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(ValueError, match="unknown audit action 'veiw'"):
            audit.record(get_session(), user=None, action="veiw", object_type="client")


def test_an_event_outlives_its_user(app: Flask, admin: Account, db_session: Session) -> None:
    signed_in_client(app, admin)
    user = db_session.get(User, admin.id)
    db_session.delete(user)
    db_session.commit()
    assert audit_actions(db_session) == [("login", None, str(admin.id), "")]


# --- The page --------------------------------------------------------------------------------


def test_the_log_is_paginated_newest_first(app: Flask, admin_client: FlaskClient) -> None:
    add_events(app, 60)  # all before the admin's login
    first = text(admin_client.get("/counselor/admin/audit"))
    assert "Events 1 to 50 of 61" in first and "Page 1 of 2" in first
    assert first.index(">login<") < first.index(">client 59<") < first.index(">client 58<")
    assert ">client 11<" in first and ">client 10<" not in first
    assert 'href="/counselor/admin/audit?page=2"' in first

    second = text(admin_client.get("/counselor/admin/audit?page=2"))
    assert "Events 51 to 61 of 61" in second and "Page 2 of 2" in second
    assert ">client 10<" in second and ">client 0<" in second and ">client 11<" not in second
    assert 'href="/counselor/admin/audit?page=1"' in second


def test_the_page_shows_who_acted(admin_client: FlaskClient) -> None:
    body = text(admin_client.get("/counselor/admin/audit"))
    assert "ada@example.org" in body and "login" in body


@pytest.mark.parametrize("page, status", [
    ("abc", 400), ("0", 400), ("-1", 400), ("1.5", 400), ("١", 400), ("9" * 20, 400),
    ("2", 404), ("999", 404), ("", 400),
])
def test_odd_page_numbers(admin_client: FlaskClient, page: str, status: int) -> None:
    response = admin_client.get(f"/counselor/admin/audit?page={page}")
    assert response.status_code == status


def test_the_page_and_export_are_not_audited_as_client_data(admin_client: FlaskClient,
                                                            db_session: Session) -> None:
    admin_client.get("/counselor/admin/audit")
    assert [a[0] for a in audit_actions(db_session)] == ["login"]


# --- The CSV export --------------------------------------------------------------------------


def test_csv_has_a_header_and_every_event(app: Flask, admin: Account,
                                          admin_client: FlaskClient,
                                          db_session: Session) -> None:
    add_events(app, 3)
    rows = read_csv(admin_client)

    assert rows[0] == ["time_utc", "user_id", "user_email", "action", "object_type",
                       "object_id", "detail"]
    assert [r[3] for r in rows[1:]] == ["export", "login", "view", "view", "view"]
    assert rows[1][1:3] == [str(admin.id), "ada@example.org"]
    assert rows[-1] == ["2020-01-01T00:00:00+00:00", "", "", "view", "client", "0", ""]
    assert audit_actions(db_session)[-1] == ("export", admin.id, "", "")


def test_csv_defuses_formula_cells(app: Flask, admin_client: FlaskClient) -> None:
    with Session(app.extensions["recovery.engine"]) as db:
        for i, payload in enumerate(['=HYPERLINK("http://evil.example","x")', "+1+1", "-2",
                                     "@SUM(A1)", "\tTAB", "safe = text"]):
            db.add(AuditEvent(at=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
                              action="view", object_type="client", object_id=payload[:10],
                              detail=payload))
        db.commit()
    details = [row[6] for row in read_csv(admin_client)[1:] if row[3] == "view"]
    assert details == ["safe = text", "'\tTAB", "'@SUM(A1)", "'-2", "'+1+1",
                       "'=HYPERLINK(\"http://evil.example\",\"x\")"]
    object_ids = [row[5] for row in read_csv(admin_client)[1:] if row[3] == "view"]
    assert object_ids[-1] == "'=HYPERLINK"


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\rx", "'\rx"),
    ("a=b", "a=b"), ("", ""), (None, ""), (12, "12"), (-5, "'-5"),
])
def test_csv_cell(value: object, expected: str) -> None:
    assert queries.csv_cell(value) == expected


def test_csv_streams_in_batches(app: Flask, admin_client: FlaskClient) -> None:
    add_events(app, 1201)
    with app.app_context():
        lines = list(queries.csv_lines(get_engine(), batch=100))
    assert len(lines) == 1 + 1201 + 1  # header, events, the admin's login


def test_csv_is_admin_only(app: Flask, counselor: Account) -> None:
    assert app.test_client().get("/counselor/admin/audit.csv").status_code == 302
    client = signed_in_client(app, counselor)
    response = client.get("/counselor/admin/audit.csv")
    assert response.status_code == 403
    assert "time_utc" not in response.get_data(as_text=True)


# --- No clinical content ---------------------------------------------------------------------


# At risk, with flags, a use-checklist count, mood and anxiety scores.
WALK_ANSWERS = HEAVY | {"s_wish_dead": "yes", "s_thoughts_week": "no", "s_attempt_ever": "no",
                        "s_now": "no", "w_alone_secret": "yes"}
WALK_NOTES = "Sleeping badly since the eviction notice"
WALK_REASON = "Ongoing depression treatment with her GP"
WALK_PLAN_REASON = "Keep custody of my daughter"


def clinical_tokens(app: Flask) -> set[str]:
    """Every path, flag and scale id and band level in the content, every answer id and value
    of the walk, and the words of its notes and reasons: none may be a word of an audit
    detail."""
    with app.app_context():
        content = current_content()
    answer_values = {str(v) for value in WALK_ANSWERS.values()
                     for v in (value if isinstance(value, list) else [value])}
    # Of what the counselor wrote, the longer words (a client code's groups have 4 letters).
    written = {w for text in (WALK_NOTES, WALK_REASON, WALK_PLAN_REASON)
               for w in words_of(text) if len(w) > 4}
    return ({p.id for p in content.paths} | {f.id for f in content.flags}
            | {s.id for s in content.scales} | {b.level for s in content.scales for b in s.bands}
            | set(WALK_ANSWERS) | answer_values | written)


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9_]+", text.lower()))


def test_no_audit_detail_holds_clinical_content(
        app: Flask, casey: FlaskClient, admin: Account, db_session: Session) -> None:
    """A counselor's clinical actions, each audited, and none of the details (in the database
    and in the CSV an admin downloads) says anything about the client's health."""
    client_id = int(casey.post("/counselor/clients/new", data={"consent": "y"})
                    .headers["Location"].rsplit("/", 1)[1])
    screening_id = save_screening(casey, client_id, WALK_ANSWERS, notes=WALK_NOTES)
    screening_url = f"{base(client_id)}/screenings/{screening_id}"
    assert casey.get(screening_url).status_code == 200
    assert casey.post(f"{screening_url}/override", data={
        "path": "dual_diagnosis", "reason": WALK_REASON}).status_code == 303
    assert casey.post(f"{screening_url}/override", data={"path": "", "reason": ""}
                      ).status_code == 303
    assert casey.post(f"{screening_url}/override", data={
        "path": "residential", "reason": WALK_REASON}).status_code == 303
    assert casey.post(f"{screening_url}/notes", data={"notes": WALK_NOTES + " (again)"}
                      ).status_code == 303
    plan_url = f"{base(client_id)}/plans/{make_plan(casey, client_id, screening_id)}"
    assert edit_reason(casey, plan_url, WALK_PLAN_REASON).status_code == 302
    for layout in ("full", "handout", "wallet"):
        assert casey.get(f"{plan_url}/pdf/{layout}?paper=a4").status_code == 200
    assert casey.get(f"{base(client_id)}/history").status_code == 200

    events = audit_actions(db_session)
    clinical = clinical_tokens(app)
    assert {"dual_diagnosis", "suicide_risk", "yes", "eviction", "custody"} <= clinical
    csv_details = [row[6] for row in read_csv(signed_in_client(app, admin))[1:]]
    assert len(csv_details) == len(events) + 2  # and the admin's sign-in and download
    for detail in [d for _a, _u, _o, d in events] + csv_details:
        assert words_of(detail) & clinical == set(), detail
    # Still saying what happened, and to which record.
    assert {(a, d) for a, _u, _o, d in events} >= {
        ("create", f"client {client_id}"),
        ("update", f"client {client_id}; path chosen"),
        ("update", f"client {client_id}; path choice cleared"),
        ("update", f"client {client_id}; notes changed"),
        ("update", f"client {client_id}; edit")}
