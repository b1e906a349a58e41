"""Who may do what with a shared client, tried as the owner, a colleague it is shared with, a
counselor it isn't shared with and an admin: everyone it is shared with works on the client,
only the owner erases anything (the client, a screening, a plan with its versions) or changes
who it is shared with, and stopping sharing shuts the colleague out of everything at once."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from recovery.counselor import clients
from recovery.counselor.caseload import operations
from recovery.db import get_session
from recovery.models import (
    AuditEvent,
    Client,
    ClientScreening,
    ClientShare,
    PlanRevision,
    RelapsePlan,
    User,
)
from tests.counselor.caseload.test_clients import client_urls
from tests.counselor.conftest import START, Account, SignIn, audit_actions, text
from tests.counselor.test_screenings import (
    HEAVY,
    NAME,
    NOTES,
    make_plan,
    object_urls,
    save_screening,
)
from tests.test_logs import everything_logged

OWNER_ONLY = "Only the counselor who added this client can"
# Every destructive endpoint of the workspace: a new one has to be added here, and so is
# checked against the rule.
DELETE_ENDPOINTS = {"counselor.caseload.delete_client", "counselor.screenings.delete",
                    "counselor.client_plans.delete"}
TABLES = (Client, ClientScreening, RelapsePlan, PlanRevision)


@dataclass(frozen=True)
class Case:
    """A client with a screening and a plan made from it."""

    client_id: int
    screening_id: int
    plan_id: int

    @property
    def base(self) -> str:
        return f"/counselor/clients/{self.client_id}"

    @property
    def pages(self) -> list[str]:
        """The pages that could show a delete button."""
        return [self.base, f"{self.base}/screenings/{self.screening_id}",
                f"{self.base}/plans/{self.plan_id}"]


def build_case(browser: FlaskClient, *, share_with: Account | None = None) -> Case:
    response = browser.post("/counselor/clients/new", data={"name": NAME, "consent": "y"})
    assert response.status_code == 303
    client_id = int(response.headers["Location"].rsplit("/", 1)[1])
    screening_id = save_screening(browser, client_id, HEAVY)
    case = Case(client_id, screening_id, make_plan(browser, client_id, screening_id))
    if share_with is not None:
        assert browser.post(f"{case.base}/shares",
                            data={"email": share_with.email}).status_code == 303
    return case


def delete_urls(app: Flask, case: Case) -> list[tuple[str, str]]:
    """(method, url) of every deletion and its confirmation page, from the URL map."""
    values = {"<int:client_id>": str(case.client_id),
              "<int:screening_id>": str(case.screening_id), "<int:plan_id>": str(case.plan_id)}
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.endpoint.split(".")[0] == "counselor"
             and "delete" in rule.endpoint.rsplit(".", 1)[1]]
    assert {rule.endpoint for rule in rules} == DELETE_ENDPOINTS
    found = []
    for rule in rules:
        url = rule.rule
        for key, value in values.items():
            url = url.replace(key, value)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


def counts(db: Session) -> list[int]:
    db.expire_all()
    return [db.exec(select(func.count()).select_from(table)).one() for table in TABLES]


def share_count(db: Session) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(ClientShare)).one()


def events_by(db: Session, user_id: int) -> list[tuple[str, str, str]]:
    return [(a, o, d) for a, u, o, d in audit_actions(db) if u == user_id]


@pytest.fixture
def colleague_as(make_account: Callable[..., Account]) -> Callable[[str], Account]:
    return lambda role: make_account("olu@example.org", role=role, name="Olu Other")


# --- Deleting: the owner only --------------------------------------------------------------


@pytest.mark.parametrize("role", ["counselor", "admin"])
def test_a_colleague_may_delete_nothing_and_sees_no_delete_button(
        app: Flask, casey: FlaskClient, sign_in: SignIn, colleague_as: Callable[[str], Account],
        db_session: Session, role: str) -> None:
    colleague = colleague_as(role)
    case = build_case(casey, share_with=colleague)
    browser = sign_in(colleague)
    before = counts(db_session)
    urls = delete_urls(app, case)
    assert len(urls) == 6
    for method, url in urls:
        response = browser.open(url, method=method)
        assert response.status_code == 403, (method, url)
        assert OWNER_ONLY in text(response), url
    assert counts(db_session) == before
    # A refused deletion leaves no event: not even the view of a confirmation page.
    assert not [e for e in events_by(db_session, colleague.id)
                if e[0] == "delete" or "delete" in e[2]]
    for page_url in case.pages:
        page = browser.get(page_url)
        assert page.status_code == 200, page_url
        markup = page.get_data(as_text=True)
        for _method, url in urls:
            assert f'"{url}"' not in markup, (page_url, url)
        assert "Delete this" not in text(page), page_url


@pytest.mark.parametrize("role", ["counselor", "admin"])
def test_the_owner_sees_every_delete_button_and_may_use_it(
        app: Flask, sign_in: SignIn, make_account: Callable[..., Account],
        colleague_as: Callable[[str], Account], db_session: Session, role: str) -> None:
    owner = make_account("owen@example.org", role=role, name="Owen Owner")
    browser = sign_in(owner)
    case = build_case(browser, share_with=colleague_as("counselor"))
    shown = " ".join(browser.get(url).get_data(as_text=True) for url in case.pages)
    for method, url in delete_urls(app, case):
        if method == "GET":
            assert f'href="{url}"' in shown, url
    plan_url = f"{case.base}/plans/{case.plan_id}"
    assert browser.get(f"{plan_url}/delete").status_code == 200
    assert browser.post(f"{plan_url}/delete").status_code == 302
    screening_url = f"{case.base}/screenings/{case.screening_id}"
    assert browser.get(f"{screening_url}/delete").status_code == 200
    assert browser.post(f"{screening_url}/delete").status_code == 303
    assert counts(db_session) == [1, 0, 0, 0]
    assert browser.post(f"{case.base}/delete").status_code == 303
    assert counts(db_session) == [0, 0, 0, 0]
    assert share_count(db_session) == 0
    deleted = db_session.exec(select(AuditEvent.object_type, AuditEvent.object_id).where(
        col(AuditEvent.user_id) == owner.id, col(AuditEvent.action) == "delete")).all()
    assert sorted(deleted) == [("client", str(case.client_id)), ("plan", str(case.plan_id)),
                               ("screening", str(case.screening_id))]


@pytest.mark.parametrize("role", ["counselor", "admin"])
def test_someone_it_is_not_shared_with_gets_404_for_every_deletion(
        app: Flask, casey: FlaskClient, sign_in: SignIn, make_account: Callable[..., Account],
        db_session: Session, role: str) -> None:
    case = build_case(casey)
    outsider = sign_in(make_account("tess@example.org", role=role))
    before = counts(db_session)
    for method, url in delete_urls(app, case):
        response = outsider.open(url, method=method)
        assert response.status_code == 404, (method, url)
        assert NAME not in text(response) and "C-" not in text(response)
    assert counts(db_session) == before


# --- Stopping sharing ----------------------------------------------------------------------


def stop_sharing(browser: FlaskClient, case: Case, user_id: object) -> Any:
    return browser.post(f"{case.base}/unshare", data={"user_id": user_id})


def test_stopping_sharing_shuts_the_colleague_out_everywhere(
        app: Flask, casey: FlaskClient, counselor: Account, sign_in: SignIn, other: Account,
        db_session: Session, read_post_form: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    case = build_case(casey, share_with=other)
    colleague = sign_in(other)
    for url in case.pages + [f"{case.base}/history"]:
        assert colleague.get(url).status_code == 200, url
    # A screening under way in the colleague's browser when sharing stops.
    assert colleague.post(f"{case.base}/screenings/new/start").status_code == 303
    handouts = colleague.get("/counselor/handouts").get_data(as_text=True)
    assert f'value="{case.plan_id}"' in handouts

    page = casey.get(case.base)
    data = read_post_form(page.get_data(as_text=True), f"{case.base}/unshare")
    assert data["user_id"] == [str(other.id)]  # the one colleague, already chosen
    response = casey.post(f"{case.base}/unshare", data=data)
    assert response.status_code == 303 and response.headers["Location"] == case.base
    after = text(casey.get(case.base))
    assert "olu@example.org can no longer open this client" in after
    assert "Nobody else can open this client." in after
    assert share_count(db_session) == 0
    assert counts(db_session) == [1, 1, 1, 1]  # what was recorded together stays
    code = db_session.get(Client, case.client_id).code  # type: ignore[union-attr]
    assert ("update", str(case.client_id), f"code {code}; stopped sharing with user {other.id}"
            ) in events_by(db_session, counselor.id)

    events_before = len(audit_actions(db_session))
    urls = client_urls(app, case.client_id) + object_urls(app, case.client_id,
                                                          case.screening_id, case.plan_id)
    assert len(urls) >= 26
    for method, url in urls:
        response = colleague.open(url, method=method, data={
            "notes": "x", "name": "x", "email": other.email, "user_id": str(other.id),
            "base_revision": "1"})
        assert response.status_code == 404, (method, url)
        body = response.get_data(as_text=True)
        assert NAME not in body and NOTES not in body and code not in body, url
    for layout in ("full", "handout", "wallet"):  # every PDF, on each paper size
        for paper in ("a4", "letter"):
            pdf = colleague.get(f"{case.base}/plans/{case.plan_id}/pdf/{layout}?paper={paper}")
            assert pdf.status_code == 404 and not pdf.data.startswith(b"%PDF")
    caseload = text(colleague.get("/counselor/clients"))
    assert NAME not in caseload and code not in caseload
    handouts = colleague.get("/counselor/handouts").get_data(as_text=True)
    assert f'value="{case.plan_id}"' not in handouts and code not in handouts
    assert colleague.post("/counselor/handouts", data={
        "plan": str(case.plan_id), "paper": "a4"}).status_code == 404
    # Nothing was seen or changed, so nothing was audited for the colleague.
    assert len(audit_actions(db_session)) == events_before
    row = db_session.exec(select(ClientScreening)).one()
    assert row.notes == NOTES
    assert db_session.get(Client, case.client_id).name == NAME  # type: ignore[union-attr]
    # The owner still has everything.
    for url in case.pages:
        assert casey.get(url).status_code == 200, url

    logged = everything_logged(caplog)
    for secret in (NAME, NOTES, other.email, "Olu Other", counselor.email):
        assert secret not in logged


def test_sharing_again_after_stopping_gives_access_again(
        casey: FlaskClient, sign_in: SignIn, other: Account) -> None:
    case = build_case(casey, share_with=other)
    colleague = sign_in(other)
    assert stop_sharing(casey, case, other.id).status_code == 303
    assert colleague.get(case.base).status_code == 404
    assert casey.post(f"{case.base}/shares", data={"email": other.email}).status_code == 303
    assert colleague.get(case.base).status_code == 200


@pytest.mark.parametrize("who, role, status", [
    ("colleague", "counselor", 403),
    ("colleague", "admin", 403),
    ("outsider", "counselor", 404),
    ("outsider", "admin", 404),
])
def test_only_the_owner_may_stop_sharing(
        casey: FlaskClient, sign_in: SignIn, make_account: Callable[..., Account],
        colleague_as: Callable[[str], Account], db_session: Session, who: str, role: str,
        status: int) -> None:
    colleague = colleague_as(role if who == "colleague" else "counselor")
    case = build_case(casey, share_with=colleague)
    actor = colleague if who == "colleague" else make_account("tess@example.org", role=role)
    browser = sign_in(actor)
    events_before = events_by(db_session, actor.id)
    response = stop_sharing(browser, case, colleague.id)
    assert response.status_code == status
    assert share_count(db_session) == 1
    assert events_by(db_session, actor.id) == events_before
    if status == 403:
        assert f"{OWNER_ONLY} stop sharing them" in text(response)
        page = browser.get(case.base).get_data(as_text=True)
        assert f"{case.base}/unshare" not in page  # and no form that would give the 403
    else:
        assert NAME not in text(response)


@pytest.mark.parametrize("value", [
    "", "abc", "-1", "0", "999999", "9" * 60, "1.5", "\x00", "é", ["1", "2"],
])
def test_a_bad_choice_is_a_422_with_a_message(
        casey: FlaskClient, other: Account, db_session: Session, value: object) -> None:
    case = build_case(casey, share_with=other)
    response = stop_sharing(casey, case, value)
    assert response.status_code == 422, value
    page = text(response)
    assert "Please choose one of the colleagues in the list" in page
    assert 'href="#user_id"' in response.get_data(as_text=True)  # from the summary to the field
    assert share_count(db_session) == 1


def test_someone_it_is_not_shared_with_cannot_be_chosen(
        casey: FlaskClient, counselor: Account, other: Account,
        make_account: Callable[..., Account], db_session: Session) -> None:
    third = make_account("tess@example.org")
    case = build_case(casey, share_with=other)
    for user_id in (third.id, counselor.id):  # not shared with them; the owner themself
        response = stop_sharing(casey, case, user_id)
        assert response.status_code == 422
        assert "Please choose one of the colleagues in the list" in text(response)
    # Stopped twice (say, from two tabs): the second changes nothing and says so.
    assert stop_sharing(casey, case, other.id).status_code == 303
    response = stop_sharing(casey, case, other.id)
    assert response.status_code == 422
    assert "This client isn't shared with anyone any more. Nothing changed." in text(response)
    assert share_count(db_session) == 0
    stops = [e for e in audit_actions(db_session) if "stopped sharing" in e[3]]
    assert len(stops) == 1


# --- The form itself ------------------------------------------------------------------------


class Structure(HTMLParser):
    """Headings in order, form controls that need a label, and the labels on the page."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[int] = []
        self.controls: list[str] = []
        self.labels: dict[str, str] = {}
        self._label: str | None = None
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.headings.append(int(tag[1]))
        elif tag in ("select", "textarea") or (
                tag == "input" and found.get("type") not in ("hidden", "submit", "button")):
            self.controls.append(found.get("id", ""))
        elif tag == "label":
            self._label = found.get("for", "")
            self.labels.setdefault(self._label, "")

    def handle_data(self, data: str) -> None:
        if self._label is not None:
            self.labels[self._label] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label = None

    def problems(self) -> list[str]:
        found = [f"control without a label: #{control}" for control in self.controls
                 if not control or not self.labels.get(control, "").strip()]
        if self.headings.count(1) != 1 or self.headings[:1] != [1]:
            found.append(f"expected one h1, first: {self.headings}")
        found += [f"heading level skipped: h{a} then h{b}"
                  for a, b in zip(self.headings, self.headings[1:], strict=False) if b > a + 1]
        return found


def test_the_stop_sharing_form_is_labelled_and_keeps_the_heading_order(
        casey: FlaskClient, sign_in: SignIn, other: Account,
        make_account: Callable[..., Account]) -> None:
    third = make_account("tess@example.org", name="Tess Third")
    case = build_case(casey, share_with=other)
    assert casey.post(f"{case.base}/shares", data={"email": third.email}).status_code == 303
    page = casey.get(case.base)
    markup = page.get_data(as_text=True)
    structure = Structure(markup)
    assert structure.problems() == []
    assert structure.labels["user_id"].strip() == "Stop sharing with"
    form = markup.split(f'action="{case.base}/unshare"', 1)[1].split("</form>", 1)[0]
    assert 'name="csrf_token"' in form
    assert f'<option value="{other.id}">Olu Other (olu@example.org)</option>' in form
    assert f'<option value="{third.id}">Tess Third (tess@example.org)</option>' in form
    assert "Stop sharing</button>" in form

    refused = stop_sharing(casey, case, "abc")
    assert refused.status_code == 422
    structure = Structure(refused.get_data(as_text=True))
    assert structure.problems() == []
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)

    # The colleague, and the owner of a client shared with nobody, get no such form.
    for browser, url in [(sign_in(other), case.base),
                         (casey, build_case(casey).base)]:
        shown = browser.get(url)
        assert "/unshare" not in shown.get_data(as_text=True)
        assert Structure(shown.get_data(as_text=True)).problems() == []


def test_every_share_and_stop_is_in_the_audit_log_without_names_or_emails(
        casey: FlaskClient, other: Account, db_session: Session) -> None:
    case = build_case(casey, share_with=other)
    assert stop_sharing(casey, case, other.id).status_code == 303
    events = db_session.exec(select(AuditEvent).where(
        col(AuditEvent.object_id) == str(case.client_id))).all()
    details = [e.detail for e in events if "shar" in e.detail]
    assert [d.split("; ", 1)[1] for d in details] == [
        f"shared with user {other.id}", f"stopped sharing with user {other.id}"]
    for e in events:
        assert other.email not in e.detail and NAME not in e.detail and "Olu" not in e.detail


def test_stopping_twice_at_once_changes_nothing_the_second_time(
        app: Flask, counselor: Account, other: Account) -> None:
    """Two tabs that both passed the form's check: the second finds no share to remove."""
    with app.app_context():
        db = get_session()
        owner, colleague = db.get(User, counselor.id), db.get(User, other.id)
        assert owner is not None and colleague is not None
        client = operations.create_client(db, owner=owner, name="", consent_note="", now=START)
        operations.share(db, client=client, email=colleague.email, now=START)
        db.commit()
        operations.unshare(db, client=client, other=colleague, now=START)
        with pytest.raises(clients.ClientError, match="isn't shared with olu@example.org"):
            operations.unshare(db, client=client, other=colleague, now=START)
        db.commit()
        assert db.exec(select(func.count()).select_from(ClientShare)).one() == 0
