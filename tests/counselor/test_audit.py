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
from recovery.counselor.admin import log
from recovery.db import get_engine, get_session
from recovery.models import AuditEvent, User
from recovery.seeds import current_content
from tests.counselor.conftest import Account, Clock, audit_actions, signed_in_client, text
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


def event_ids(body: str, key: str) -> int:
    found = re.search(rf'href="/counselor/admin/audit\?{key}=(\d+)"', body)
    assert found, f"no {key} link"
    return int(found.group(1))


def test_the_log_is_paged_newest_first_by_position(app: Flask, admin_client: FlaskClient
                                                   ) -> None:
    add_events(app, 60)  # all before the admin's login
    first = text(admin_client.get("/counselor/admin/audit"))
    assert "61 events; 50 on this page" in first
    assert first.index(">Signed in<") < first.index(">Opened the client")
    assert first.count("Opened the client's page") == 49  # events 59 down to 11
    assert "Newer events" not in first

    second = text(admin_client.get(f"/counselor/admin/audit?before={event_ids(first, 'before')}"))
    assert "61 events; 11 on this page" in second
    assert second.count("Opened the client's page") == 11
    assert "Older events" not in second
    back = text(admin_client.get(f"/counselor/admin/audit?after={event_ids(second, 'after')}"))
    assert "61 events; 50 on this page" in back
    assert back.count("Opened the client's page") == 49 and "Newer events" not in back


def test_the_page_names_people_and_says_what_happened_in_words(
        app: Flask, admin: Account, casey: FlaskClient,
        counselor: Account) -> None:
    client_id = int(casey.post("/counselor/clients/new", data={"consent": "y", "name": "Jo Ray"})
                    .headers["Location"].rsplit("/", 1)[1])
    assert casey.post(f"/counselor/clients/{client_id}/shares",
                      data={"email": admin.email}).status_code == 303
    admin_client = signed_in_client(app, admin)  # after casey's clock is set
    body = text(admin_client.get("/counselor/admin/audit"))
    assert "Ada Admin (ada@example.org)" in body and "Casey Counselor" in body
    assert ">Signed in<" in body and ">Added the client<" in body
    assert "Changed the client: shared with Ada Admin (ada@example.org)" in body
    assert "user " not in body and f"client {client_id}" not in body
    # The admin may open the client now (it is shared with them): its name shows too.
    assert "(Jo Ray)" in body


def test_a_client_name_shows_only_to_who_may_open_the_client(
        app: Flask, admin: Account, casey: FlaskClient) -> None:
    location = casey.post("/counselor/clients/new", data={"consent": "y", "name": "Jo Ray"}
                          ).headers["Location"]
    code = re.search(r"C-[A-Z0-9]{4}-[A-Z0-9]{4}", text(casey.get(location))).group(0)
    admin_client = signed_in_client(app, admin)  # after casey's clock is set
    body = text(admin_client.get("/counselor/admin/audit"))
    assert code in body and "Jo Ray" not in body


def test_filters_by_person_client_action_and_days(
        app: Flask, admin: Account, casey: FlaskClient,
        counselor: Account) -> None:
    first = casey.post("/counselor/clients/new", data={"consent": "y"}).headers["Location"]
    second = casey.post("/counselor/clients/new", data={"consent": "y"}).headers["Location"]
    casey.get(first)
    code = re.search(r"C-[A-Z0-9]{4}-[A-Z0-9]{4}", text(casey.get(second))).group(0)
    add_events(app, 3)  # 2020-01-01, nobody
    admin_client = signed_in_client(app, admin)  # after casey's clock is set

    def whats(**args: str) -> list[str]:
        response = admin_client.get("/counselor/admin/audit", query_string=args)
        assert response.status_code == 200
        return re.findall(r"<tr>\s*<td[^>]*>[^<]*</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>",
                          response.get_data(as_text=True))

    assert whats(person=str(counselor.id)) == [
        "Opened the client&#39;s page", "Opened the client&#39;s page", "Added the client",
        "Added the client", "Signed in"]
    assert whats(client=code.lower()) == ["Opened the client&#39;s page", "Added the client"]
    assert whats(action="create") == ["Added the client", "Added the client"]
    assert len(whats(since="2020-01-01", until="2020-01-01")) == 3
    assert whats(since="2020-01-02", until="2029-12-31") == []
    assert whats(person=str(admin.id), action="login") == ["Signed in"]
    assert whats(client="C-2222-2222") == []  # no such client: nothing, not everything


def test_days_are_the_install_s_days(app: Flask, admin_client: FlaskClient) -> None:
    """2020-01-01 00:00 to 00:02 UTC is still 31 December 2019 in New York."""
    app.config["TIME_ZONE"] = "America/New_York"
    add_events(app, 3)
    body = admin_client.get("/counselor/admin/audit?since=2019-12-31&until=2019-12-31")
    assert "3 events match" in text(body)
    assert "2019-12-31 19:02:00 EST" in text(body)
    assert "times are America/New_York time" in text(body)


@pytest.mark.parametrize("args", [
    "person=999", "person=abc", "action=dance", "client=robert", "since=2020-13-01",
    "since=2020-02-02&until=2020-02-01", "until=1066-10-14", "client=" + "C" * 500,
])
def test_bad_filters_are_a_400_with_what_to_fix(admin_client: FlaskClient, args: str) -> None:
    response = admin_client.get(f"/counselor/admin/audit?{args}")
    assert response.status_code == 400
    assert "Please check the filters" in text(response)
    assert admin_client.get(f"/counselor/admin/audit.csv?{args}").status_code == 400


@pytest.mark.parametrize("args", [
    "before=abc", "before=0", "after=-1", "before=1.5", "after=١", "before=" + "9" * 20,
    "before=", "before=1&after=2",
])
def test_odd_page_links(admin_client: FlaskClient, args: str) -> None:
    assert admin_client.get(f"/counselor/admin/audit?{args}").status_code == 400


def test_a_link_to_an_event_that_is_gone_shows_no_events(admin_client: FlaskClient) -> None:
    response = admin_client.get("/counselor/admin/audit?before=999999")
    assert response.status_code == 200 and "Nothing has been recorded yet" in text(response)


def test_the_page_and_export_are_not_audited_as_client_data(admin_client: FlaskClient,
                                                            db_session: Session) -> None:
    admin_client.get("/counselor/admin/audit")
    assert [a[0] for a in audit_actions(db_session)] == ["login"]


def test_a_page_costs_the_same_queries_whatever_the_log_holds(
        app: Flask, admin: Account, clock: Clock, statements: list[str]) -> None:
    admin_client = signed_in_client(app, admin)  # on the still clock: no session touches

    def count(url: str) -> int:
        statements.clear()
        assert admin_client.get(url).status_code == 200
        return len(statements)

    few = count("/counselor/admin/audit?action=view&since=2019-01-01")
    add_events(app, 120)
    assert count("/counselor/admin/audit?action=view&since=2019-01-01") == few
    assert count(f"/counselor/admin/audit?before=100&person={admin.id}&client=C-2222-2222") == few
    assert count("/counselor/admin/audit?after=10") == few


def test_the_client_filter_finds_events_of_its_screenings_and_plans_too(
        app: Flask, admin: Account, casey: FlaskClient) -> None:
    location = casey.post("/counselor/clients/new", data={"consent": "y"}).headers["Location"]
    client_id = int(location.rsplit("/", 1)[1])
    code = re.search(r"C-[A-Z0-9]{4}-[A-Z0-9]{4}", text(casey.get(location))).group(0)
    screening_id = save_screening(casey, client_id, HEAVY)
    make_plan(casey, client_id, screening_id)
    admin_client = signed_in_client(app, admin)  # after casey's clock is set
    body = text(admin_client.get(f"/counselor/admin/audit?client={code}"))
    assert "Saved a screening" in body and "Made a plan from a screening" in body


# --- The CSV export --------------------------------------------------------------------------


def test_csv_has_a_header_and_every_event(app: Flask, admin: Account,
                                          admin_client: FlaskClient,
                                          db_session: Session) -> None:
    add_events(app, 3)
    rows = read_csv(admin_client)

    assert rows[0] == ["time_utc", "time_local", "user_id", "user_name", "user_email", "action",
                       "what", "object_type", "object_id", "client_id", "client_code", "detail"]
    assert [r[5] for r in rows[1:]] == ["export", "login", "view", "view", "view"]
    assert rows[1][2:7] == [str(admin.id), "Ada Admin", "ada@example.org", "export",
                            "Downloaded the audit log"]
    assert rows[-1] == ["2020-01-01T00:00:00+00:00", "2020-01-01T00:00:00+00:00", "", "", "",
                        "view", "Opened the client's page", "client", "0", "", "", ""]
    assert audit_actions(db_session)[-1] == ("export", admin.id, "", "")


def test_csv_keeps_the_filters_and_the_install_s_time(app: Flask, admin_client: FlaskClient
                                                      ) -> None:
    app.config["TIME_ZONE"] = "Europe/Paris"
    add_events(app, 3)
    response = admin_client.get("/counselor/admin/audit.csv?action=view&until=2020-01-01")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [r[1] for r in rows[1:]] == ["2020-01-01T01:02:00+01:00", "2020-01-01T01:01:00+01:00",
                                        "2020-01-01T01:00:00+01:00"]


def test_csv_defuses_formula_cells(app: Flask, admin_client: FlaskClient) -> None:
    with Session(app.extensions["recovery.engine"]) as db:
        for i, payload in enumerate(['=HYPERLINK("http://evil.example","x")', "+1+1", "-2",
                                     "@SUM(A1)", "\tTAB", "safe = text"]):
            db.add(AuditEvent(at=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
                              action="view", object_type="client", object_id=payload[:10],
                              detail=payload))
        db.commit()
    rows = [row for row in read_csv(admin_client)[1:] if row[5] == "view"]
    assert [row[11] for row in rows] == ["safe = text", "'\tTAB", "'@SUM(A1)", "'-2", "'+1+1",
                                         "'=HYPERLINK(\"http://evil.example\",\"x\")"]
    assert rows[-1][8] == "'=HYPERLINK"
    # The words made from a detail are defused as well.
    assert all(not cell.startswith(log.FORMULA_STARTS) for row in rows for cell in row)


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\rx", "'\rx"),
    ("a=b", "a=b"), ("", ""), (None, ""), (12, "12"), (-5, "'-5"),
])
def test_csv_cell(value: object, expected: str) -> None:
    assert log.csv_cell(value) == expected


def test_csv_streams_in_batches(app: Flask, admin_client: FlaskClient) -> None:
    add_events(app, 1201)
    with app.test_request_context():
        lines = list(log.csv_lines(get_engine(), filters=log.Filters(), batch=100))
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
    csv_details = [row[11] for row in read_csv(signed_in_client(app, admin))[1:]]
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
