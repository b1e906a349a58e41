"""The caseload: adding clients with consent, codes, search and pagination, sharing, deleting,
and the access rule (own or shared, else 404) on every client URL."""

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func
from sqlmodel import Session, col, select
from werkzeug.test import TestResponse

from recovery import db as recovery_db
from recovery.counselor import clients
from recovery.counselor.caseload import operations
from recovery.db import get_session
from recovery.models import AuditEvent, Client, ClientShare, User
from tests.counselor.conftest import (
    Account,
    SignIn,
    audit_actions,
    create_account,
    csrf_token_from,
    text,
)

CODE_RE = re.compile(r"C-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}")
NAME = "Robin Quillfeather"


def add_client(client: FlaskClient, *, name: str = "", consent: bool = True,
               note: str = "", record_number: str = "") -> TestResponse:
    data = {"name": name, "consent_note": note, "record_number": record_number}
    if consent:
        data["consent"] = "y"
    return client.post("/counselor/clients/new", data=data)


def added_id(response: TestResponse) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.fullmatch(r"/counselor/clients/(\d+)", response.headers["Location"])
    assert found is not None
    return int(found.group(1))


def new_client(client: FlaskClient, **fields: Any) -> int:
    """Add a client through the form and open its page (which shows, and so uses up, the
    "added" message); returns the id."""
    client_id = added_id(add_client(client, **fields))
    assert client.get(f"/counselor/clients/{client_id}").status_code == 200
    return client_id


def seed_clients(app: Flask, owner: Account, count: int, *, name: str = "") -> list[int]:
    """Clients added through the store (quicker than the form for many)."""
    with app.app_context():
        db = get_session()
        user = db.get(User, owner.id)
        assert user is not None
        made = [operations.create_client(db, owner=user, name=name, consent_note="",
                                      now=clients_now(i)) for i in range(count)]
        db.commit()
        return [c.id for c in made if c.id is not None]


def clients_now(i: int) -> datetime:
    return datetime(2030, 1, 1, tzinfo=UTC) + timedelta(minutes=i)


def client_urls(app: Flask, client_id: int) -> list[tuple[str, str]]:
    """(method, url) of every caseload URL about one client, found from the URL map so a new
    one can't be forgotten here. (The URLs of a client's screenings and plans, children of
    their own, are checked in tests/counselor/test_screenings.py.)"""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("counselor.caseload.") and "<int:client_id>" in rule.rule:
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                found.append((method, rule.rule.replace("<int:client_id>", str(client_id))))
    return found


# --- Adding clients ------------------------------------------------------------------------


def test_adding_a_client_with_consent_shows_the_code(app: Flask, casey: FlaskClient,
                                                     db_session: Session,
                                                     counselor: Account) -> None:
    client_id = added_id(add_client(casey, name=NAME, note="Said yes aloud"))
    page = text(casey.get(f"/counselor/clients/{client_id}"))
    row = db_session.get(Client, client_id)
    assert row is not None and row.counselor_id == counselor.id
    assert CODE_RE.fullmatch(row.code)
    assert f"Their code is {row.code}" in page
    assert NAME in page and "Said yes aloud" in page
    assert row.consent_given_at is not None
    actions = audit_actions(db_session)
    assert ("create", counselor.id, str(client_id), f"code {row.code}") in actions
    assert ("view", counselor.id, str(client_id), "") in actions


def test_without_consent_nothing_is_written(casey: FlaskClient, db_session: Session) -> None:
    response = add_client(casey, name=NAME, consent=False)
    assert response.status_code == 422
    assert "Without their agreement nothing is saved" in text(response)
    assert db_session.exec(select(func.count()).select_from(Client)).one() == 0
    assert [a for a in audit_actions(db_session) if a[0] == "create"] == []


def test_a_name_is_optional(casey: FlaskClient, db_session: Session) -> None:
    client_id = new_client(casey)
    row = db_session.get(Client, client_id)
    assert row is not None and row.name is None
    assert "No name recorded" in text(casey.get(f"/counselor/clients/{client_id}"))


def test_codes_are_unique_and_never_from_the_name(app: Flask, counselor: Account,
                                                  db_session: Session,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    seed_clients(app, counselor, 40, name="Alex Smith")
    codes = [c.code for c in db_session.exec(select(Client)).all()]
    assert len(set(codes)) == 40
    assert all(CODE_RE.fullmatch(code) for code in codes)
    # The same random draws give the same code whatever the name: nothing of it goes in.
    made = []
    for name in ("Alex Smith", "Zoe Quinn", ""):
        monkeypatch.setattr(clients.secrets, "choice", random.Random(7).choice)
        made.append(seed_clients(app, counselor, 1, name=name)[0])
        db_session.expire_all()
        row = db_session.get(Client, made[-1])
        assert row is not None
        made[-1] = row.code
        db_session.delete(row)
        db_session.commit()
    assert made[0] == made[1] == made[2]


@pytest.mark.parametrize("data, message", [
    ({"name": "x" * 81, "consent": "y"}, "80 characters or fewer"),
    ({"name": "bad\x00name", "consent": "y"}, "unusual invisible characters"),
    ({"consent": "y", "consent_note": "n" * 201}, "200 characters or fewer"),
    ({"name": "ok"}, "nothing is saved"),
])
def test_bad_input_when_adding_is_a_422_with_a_message(casey: FlaskClient, db_session: Session,
                                                      data: dict[str, str],
                                                      message: str) -> None:
    response = casey.post("/counselor/clients/new", data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert db_session.exec(select(func.count()).select_from(Client)).one() == 0


# --- The caseload: search and pages ---------------------------------------------------------


def test_the_caseload_lists_own_and_shared_clients_only(
        sign_in: SignIn, casey: FlaskClient, counselor: Account, other: Account) -> None:
    mine = new_client(casey, name="Mine Only")
    theirs_client = sign_in(other)
    theirs = new_client(theirs_client, name="Theirs Only")
    shared = new_client(theirs_client, name="Shared Along")
    assert theirs_client.post(f"/counselor/clients/{shared}/shares",
                              data={"email": counselor.email}).status_code == 303
    page = text(casey.get("/counselor/clients"))
    assert "Mine Only" in page and "Shared Along" in page
    assert "Theirs Only" not in page
    assert f"/counselor/clients/{theirs}\"" not in page
    assert f"/counselor/clients/{mine}" in page


def test_a_share_naming_the_owner_does_not_list_the_client_twice(
        casey: FlaskClient, counselor: Account, db_session: Session) -> None:
    """The caseload and the dashboard read own clients UNION ALL shared ones
    (clients.visible_clients). The app never shares a client with its owner, but a row saying
    so (written by hand, or by an older version) must not show the client twice."""
    mine = new_client(casey, name="Mine Only")
    db_session.add(ClientShare(client_id=mine, user_id=counselor.id, created_at=clients_now(0)))
    db_session.commit()
    link = f'href="/counselor/clients/{mine}"'
    assert casey.get("/counselor/clients").get_data(as_text=True).count(link) == 1
    dashboard = casey.get("/counselor/").get_data(as_text=True)
    assert dashboard.count(link) == 1 and "Never screened (1)" in dashboard


def test_search_by_code_or_name_in_any_case(app: Flask, casey: FlaskClient, counselor: Account,
                                            db_session: Session) -> None:
    maria = new_client(casey, name="Maria Lopez")
    new_client(casey, name="Mario")
    plain = new_client(casey)
    code = db_session.get(Client, plain).code  # type: ignore[union-attr]
    assert code is not None

    page = text(casey.get("/counselor/clients?q=mAR"))
    assert "Maria Lopez" in page and "Mario" in page and code not in page
    page = text(casey.get(f"/counselor/clients?q={code.lower()}"))
    assert code in page and "Maria" not in page
    page = text(casey.get("/counselor/clients?q=lopez"))
    assert f"/counselor/clients/{maria}" in page and "Mario" not in page
    # LIKE's wildcards are searched for literally.
    nothing = "No client's code, name or record number contains"
    assert nothing in text(casey.get("/counselor/clients?q=%25"))
    assert nothing in text(casey.get("/counselor/clients?q=_"))


# --- The clinic's record number -------------------------------------------------------------


def test_a_record_number_is_kept_shown_and_searched(casey: FlaskClient,
                                                    db_session: Session) -> None:
    client_id = new_client(casey, name="Ada", record_number=" MRN-2024/0042 ")
    other = new_client(casey, name="Bea")
    added = db_session.get(Client, client_id)
    assert added is not None and added.record_number == "MRN-2024/0042"
    assert db_session.get(Client, other).record_number is None  # type: ignore[union-attr]
    assert ("<dt>Clinic record number</dt><dd>MRN-2024/0042</dd>"
            in text(casey.get(f"/counselor/clients/{client_id}")))
    page = text(casey.get("/counselor/clients?q=mrn-2024/00"))
    assert "Ada" in page and "Bea" not in page and "MRN-2024/0042" in page
    # Changed with the name, and cleared; the audit says what changed, never the number.
    assert casey.post(f"/counselor/clients/{client_id}/name", data={
        "name": "Ada", "record_number": "77 310"}).status_code == 303
    db_session.expire_all()
    assert db_session.get(Client, client_id).record_number == "77 310"  # type: ignore[union-attr]
    assert casey.post(f"/counselor/clients/{client_id}/name",
                      data={"name": "Ada"}).status_code == 303
    db_session.expire_all()
    assert db_session.get(Client, client_id).record_number is None  # type: ignore[union-attr]
    details = [d for _a, _u, _o, d in audit_actions(db_session)]
    assert any(d.endswith("; record number changed") for d in details)
    assert not any("MRN" in d or "310" in d for d in details)


@pytest.mark.parametrize(("number", "message"), [
    ("1" * 31, "30 characters or fewer"),
    ("12;DROP", "only letters A to Z, digits"),
    ("-12", "only letters A to Z, digits"),
    ("MRN\n12", "only letters A to Z, digits"),
    ("Ünïcode", "only letters A to Z, digits"),
    ("１２３", "only letters A to Z, digits"),  # full-width digits
])
def test_a_bad_record_number_is_refused_and_nothing_is_added(
        casey: FlaskClient, db_session: Session, number: str, message: str) -> None:
    response = add_client(casey, name="Ada", record_number=number)
    assert response.status_code == 422 and message in text(response)
    assert db_session.exec(select(func.count()).select_from(Client)).one() == 0
    with pytest.raises(clients.ClientError):
        operations.create_client(db_session, owner=db_session.exec(select(User)).first(),
                                 name="", consent_note="", record_number=number,
                                 now=datetime.now(UTC))


@pytest.mark.parametrize("query", ["q" * 81, "a\x00b"])
def test_a_bad_search_is_a_400_with_a_message(casey: FlaskClient, query: str) -> None:
    response = casey.get("/counselor/clients", query_string={"q": query})
    assert response.status_code == 400
    assert "Please" in text(response)


def test_pages_of_25(app: Flask, casey: FlaskClient, counselor: Account) -> None:
    seed_clients(app, counselor, 60)
    first = text(casey.get("/counselor/clients"))
    assert "Clients 1 to 25 of 60" in first and "Page 1 of 3" in first
    last = casey.get("/counselor/clients?page=3")
    assert last.status_code == 200
    assert "Clients 51 to 60 of 60" in text(last)
    assert 'rel="next"' not in last.get_data(as_text=True)
    assert len(CODE_RE.findall(last.get_data(as_text=True))) == 10


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "", "9" * 12, "٣", "4"])
def test_bad_page_numbers_are_a_400_with_a_message(app: Flask, casey: FlaskClient,
                                                   counselor: Account, page: str) -> None:
    seed_clients(app, counselor, 60)
    response = casey.get("/counselor/clients", query_string={"page": page})
    assert response.status_code == 400
    assert "page" in text(response) and "Traceback" not in text(response)


def test_an_empty_caseload_has_a_first_page(casey: FlaskClient) -> None:
    response = casey.get("/counselor/clients?page=1")
    assert response.status_code == 200
    assert "You have no clients yet" in text(response)


def count_queries(app: Flask, client: FlaskClient, url: str) -> int:
    engine = recovery_db.get_engine(app)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_queries_per_caseload_page_do_not_grow_with_the_caseload(
        app: Flask, casey: FlaskClient, counselor: Account, other: Account) -> None:
    seed_clients(app, counselor, 3)
    small = count_queries(app, casey, "/counselor/clients")
    searched_small = count_queries(app, casey, "/counselor/clients?q=c-")
    seed_clients(app, counselor, 57)
    seed_clients(app, other, 10)
    assert count_queries(app, casey, "/counselor/clients") == small
    assert count_queries(app, casey, "/counselor/clients?page=2") == small
    assert count_queries(app, casey, "/counselor/clients?q=c-") == searched_small


# --- Access --------------------------------------------------------------------------------


def test_every_client_url_is_a_404_for_another_counselor(
        sign_in: SignIn, app: Flask, casey: FlaskClient, other: Account,
        db_session: Session) -> None:
    client_id = new_client(casey, name=NAME)
    code = db_session.get(Client, client_id).code  # type: ignore[union-attr]
    outsider = sign_in(other)
    urls = client_urls(app, client_id)
    # Read from the URL map, so a new client URL is checked here too (7: the history is the
    # caseload's now).
    assert len(urls) == 7
    for method, url in urls:
        response = outsider.open(url, method=method,
                                 data={"name": "taken", "email": other.email,
                                       "user_id": str(other.id)})
        assert response.status_code == 404, (method, url)
        body = response.get_data(as_text=True)
        assert code not in body and NAME not in body
    db_session.expire_all()
    row = db_session.get(Client, client_id)
    assert row is not None and row.name == NAME
    assert db_session.exec(select(func.count()).select_from(ClientShare)).one() == 0


def test_an_admin_gets_no_special_access(sign_in: SignIn, app: Flask, casey: FlaskClient,
                                         admin: Account) -> None:
    client_id = new_client(casey, name=NAME)
    admin_client = sign_in(admin)
    for method, url in client_urls(app, client_id):
        assert admin_client.open(url, method=method).status_code == 404, url
    assert NAME not in text(admin_client.get("/counselor/clients"))


def test_a_missing_client_is_the_same_404(app: Flask, casey: FlaskClient) -> None:
    for method, url in client_urls(app, 999_999):
        assert casey.open(url, method=method).status_code == 404, url


def test_every_client_url_sends_visitors_to_sign_in(app: Flask, casey: FlaskClient,
                                                   db_session: Session) -> None:
    client_id = new_client(casey, name=NAME)
    code = db_session.get(Client, client_id).code  # type: ignore[union-attr]
    visitor = app.test_client()
    for method, url in client_urls(app, client_id) + [("GET", "/counselor/clients"),
                                                      ("GET", "/counselor/clients/new"),
                                                      ("POST", "/counselor/clients/new")]:
        response = visitor.open(url, method=method, data={"consent": "y"})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/counselor/login"), url
        body = response.get_data(as_text=True)
        assert code not in body and NAME not in body
    assert db_session.exec(select(func.count()).select_from(Client)).one() == 1


# --- Sharing -------------------------------------------------------------------------------


def test_sharing_gives_access(sign_in: SignIn, app: Flask, casey: FlaskClient, counselor: Account,
                              other: Account, db_session: Session) -> None:
    client_id = new_client(casey, name=NAME)
    colleague = sign_in(other)
    assert colleague.get(f"/counselor/clients/{client_id}").status_code == 404
    response = casey.post(f"/counselor/clients/{client_id}/shares",
                          data={"email": "  OLU@example.org "})
    assert response.status_code == 303
    assert "olu@example.org can now open this client too" in text(casey.get(
        response.headers["Location"]))
    page = colleague.get(f"/counselor/clients/{client_id}")
    assert page.status_code == 200 and NAME in text(page)
    assert "(shared with you)" in text(page)
    assert NAME in text(colleague.get("/counselor/clients"))
    # A colleague may rename (it is shared work) ...
    assert colleague.post(f"/counselor/clients/{client_id}/name",
                          data={"name": "R. Q."}).status_code == 303
    shared_detail = [d for a, _u, o, d in audit_actions(db_session)
                     if a == "update" and o == str(client_id)]
    assert any(d.endswith(f"shared with user {other.id}") for d in shared_detail)
    assert all(NAME not in d and "R. Q." not in d for d in shared_detail)


def test_owner_only_actions_are_refused_for_a_colleague(
        sign_in: SignIn, casey: FlaskClient, other: Account, make_account: Any,
        db_session: Session) -> None:
    third = make_account("tess@example.org")
    client_id = new_client(casey, name=NAME)
    casey.post(f"/counselor/clients/{client_id}/shares", data={"email": other.email})
    colleague = sign_in(other)
    for method, url, data in [
        ("POST", f"/counselor/clients/{client_id}/shares", {"email": third.email}),
        ("GET", f"/counselor/clients/{client_id}/delete", {}),
        ("POST", f"/counselor/clients/{client_id}/delete", {}),
    ]:
        response = colleague.open(url, method=method, data=data)
        assert response.status_code == 403, url
        assert "Only the counselor who added this client can" in text(response)
    db_session.expire_all()
    assert db_session.get(Client, client_id) is not None
    assert db_session.exec(select(func.count()).select_from(ClientShare)).one() == 1
    assert "Delete this client" not in text(colleague.get(f"/counselor/clients/{client_id}"))


@pytest.mark.parametrize("email, message", [
    ("nobody@example.org", "There is no active account with that email address"),
    ("casey@example.org", "This is your own client already"),
    ("olu@example.org", "already shared with olu@example.org"),
    ("not an address", "like name@example.org"),
    ("", "Please enter the email address"),
    ("x" * 300 + "@example.org", "at most 254 characters"),
])
def test_sharing_problems_are_a_422_with_a_message(casey: FlaskClient, other: Account,
                                                   email: str, message: str) -> None:
    client_id = new_client(casey)
    casey.post(f"/counselor/clients/{client_id}/shares", data={"email": other.email})
    response = casey.post(f"/counselor/clients/{client_id}/shares", data={"email": email})
    assert response.status_code == 422
    assert message in text(response)


def test_a_switched_off_account_cannot_be_shared_with(app: Flask, casey: FlaskClient,
                                                      other: Account,
                                                      db_session: Session) -> None:
    user = db_session.get(User, other.id)
    assert user is not None
    user.is_active = False
    db_session.add(user)
    db_session.commit()
    client_id = new_client(casey)
    response = casey.post(f"/counselor/clients/{client_id}/shares", data={"email": other.email})
    assert response.status_code == 422
    assert "no active account" in text(response)


# --- Renaming ------------------------------------------------------------------------------


def test_renaming_and_clearing_the_name(casey: FlaskClient, db_session: Session) -> None:
    client_id = new_client(casey, name=NAME)
    assert casey.post(f"/counselor/clients/{client_id}/name",
                      data={"name": "  New Name "}).status_code == 303
    db_session.expire_all()
    assert db_session.get(Client, client_id).name == "New Name"  # type: ignore[union-attr]
    assert casey.post(f"/counselor/clients/{client_id}/name", data={"name": ""}).status_code == 303
    db_session.expire_all()
    assert db_session.get(Client, client_id).name is None  # type: ignore[union-attr]
    response = casey.post(f"/counselor/clients/{client_id}/name", data={"name": "y" * 81})
    assert response.status_code == 422
    assert "80 characters or fewer" in text(response)
    for _a, _u, _o, detail in audit_actions(db_session):
        assert NAME not in detail and "New Name" not in detail


# --- Deleting ------------------------------------------------------------------------------


def test_deleting_asks_first_then_erases_the_client_and_shares(
        sign_in: SignIn, casey: FlaskClient, counselor: Account, other: Account,
        db_session: Session) -> None:
    client_id = new_client(casey, name=NAME, note="Consent by phone")
    casey.post(f"/counselor/clients/{client_id}/shares", data={"email": other.email})
    code = db_session.get(Client, client_id).code  # type: ignore[union-attr]

    confirm = casey.get(f"/counselor/clients/{client_id}/delete")
    assert confirm.status_code == 200 and f"Delete client {code}?" in text(confirm)
    db_session.expire_all()
    assert db_session.get(Client, client_id) is not None

    response = casey.post(f"/counselor/clients/{client_id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/counselor/clients"
    db_session.expire_all()
    assert db_session.get(Client, client_id) is None
    assert db_session.exec(select(func.count()).select_from(ClientShare)).one() == 0
    assert casey.get(f"/counselor/clients/{client_id}").status_code == 404
    assert sign_in(other).get(f"/counselor/clients/{client_id}").status_code == 404

    events = db_session.exec(select(AuditEvent).where(
        col(AuditEvent.object_type) == "client")).all()
    assert {e.action for e in events} >= {"create", "view", "update", "delete"}
    assert ("delete", counselor.id, str(client_id), f"code {code}") in audit_actions(db_session)
    assert ("view", counselor.id, str(client_id), "delete confirmation") in audit_actions(
        db_session)
    for e in events:
        assert NAME not in e.detail and "Robin" not in e.detail and "phone" not in e.detail


# --- Forms: CSRF and junk ------------------------------------------------------------------


def csrf_signed_in(app: Flask, account: Account) -> FlaskClient:
    client = app.test_client()
    token = csrf_token_from(client.get("/counselor/login"))
    assert client.post("/counselor/login", data={
        "email": account.email, "password": account.password, "csrf_token": token,
    }).status_code == 302
    return client


def test_every_client_post_needs_a_csrf_token(app_csrf: Flask) -> None:
    owner = create_account(app_csrf, email="casey@example.org")
    create_account(app_csrf, email="olu@example.org")
    client = csrf_signed_in(app_csrf, owner)
    token = csrf_token_from(client.get("/counselor/clients/new"))
    created = client.post("/counselor/clients/new",
                          data={"name": NAME, "consent": "y", "csrf_token": token})
    client_id = added_id(created)
    posts = ["/counselor/clients/new"] + [url for method, url in client_urls(app_csrf, client_id)
                                          if method == "POST"]
    assert len(posts) == 5
    data = {"name": "Changed", "consent": "y", "email": "olu@example.org"}
    for url in posts:
        for sent in (data, data | {"csrf_token": "forged"}):
            response = client.post(url, data=sent)
            assert response.status_code == 400, url
            assert "This form has expired or was sent from somewhere else" in text(response)
    with app_csrf.app_context():
        db = get_session()
        rows = db.exec(select(Client)).all()
        assert [(r.id, r.name) for r in rows] == [(client_id, NAME)]
        assert db.exec(select(func.count()).select_from(ClientShare)).one() == 0

    # ... and with the page's token, each form works.
    page = client.get(f"/counselor/clients/{client_id}")
    assert client.post(f"/counselor/clients/{client_id}/name", data={
        "name": "Changed", "csrf_token": csrf_token_from(page)}).status_code == 303
    assert client.post(f"/counselor/clients/{client_id}/shares", data={
        "email": "olu@example.org", "csrf_token": csrf_token_from(page)}).status_code == 303
    with app_csrf.app_context():
        colleague_id = get_session().exec(select(ClientShare.user_id)).one()
    for sent in ({"user_id": str(colleague_id)},
                 {"user_id": str(colleague_id), "csrf_token": "forged"}):
        assert client.post(f"/counselor/clients/{client_id}/unshare",
                           data=sent).status_code == 400
    assert client.post(f"/counselor/clients/{client_id}/unshare", data={
        "user_id": str(colleague_id), "csrf_token": csrf_token_from(page)}).status_code == 303
    with app_csrf.app_context():
        assert get_session().exec(select(func.count()).select_from(ClientShare)).one() == 0
    confirm = client.get(f"/counselor/clients/{client_id}/delete")
    assert client.post(f"/counselor/clients/{client_id}/delete", data={
        "csrf_token": csrf_token_from(confirm)}).status_code == 303


JUNK: list[dict[str, Any] | bytes] = [
    {},
    {"name": ["a", "b"], "consent": ["y", "n"], "email": ["a@example.org", "b@example.org"],
     "user_id": ["1", "2"]},
    {"name": "é" * 5000, "consent_note": "\x00" * 300, "email": "\u202e" * 50,
     "user_id": "9" * 5000},
    {"name": "\ufffe", "consent": "\x00", "email": "\r\n", "consent_note": "x" * 10_000,
     "user_id": "\x00"},
    b"name=%ff%fe&consent=%c3%28&email=%80&consent_note=%ed%a0%80&user_id=%ff",
    {"csrf_token": "x", "page": "-1", "q": "%"},
]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_any_client_form_is_never_a_500(app: Flask, casey: FlaskClient, other: Account,
                                                junk: dict[str, Any] | bytes) -> None:
    client_id = new_client(casey, name=NAME)
    # Shared, so that stopping sharing has a colleague to choose and reads the junk.
    casey.post(f"/counselor/clients/{client_id}/shares", data={"email": other.email})
    for url in ["/counselor/clients/new", f"/counselor/clients/{client_id}/name",
                f"/counselor/clients/{client_id}/shares",
                f"/counselor/clients/{client_id}/unshare"]:
        response = casey.post(url, data=junk, content_type="application/x-www-form-urlencoded"
                              if isinstance(junk, bytes) else None)
        assert response.status_code < 500, (url, response.status_code)
        if response.status_code >= 400:
            body = text(response)
            assert "Traceback" not in body and "Please" in body


def test_pages_stay_within_the_csp(casey: FlaskClient) -> None:
    client_id = new_client(casey, name=NAME)
    for url in ["/counselor/clients", "/counselor/clients/new", f"/counselor/clients/{client_id}",
                f"/counselor/clients/{client_id}/delete"]:
        body = casey.get(url).get_data(as_text=True)
        assert "<script" not in body and "<style" not in body and "style=" not in body


def test_the_dashboard_links_to_my_clients(casey: FlaskClient) -> None:
    assert 'href="/counselor/clients">My clients</a>' in casey.get("/counselor/").get_data(
        as_text=True)
