"""Who may do what with a shared client, tried as the owner, a colleague it is shared with, a
counselor it isn't shared with and an admin: everyone it is shared with works on the client,
only the owner erases anything (the client, a screening, a plan with its versions)."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from recovery.models import (
    AuditEvent,
    Client,
    ClientScreening,
    ClientShare,
    PlanRevision,
    RelapsePlan,
)
from tests.counselor.conftest import Account, SignIn, audit_actions, text
from tests.counselor.test_screenings import (
    HEAVY,
    NAME,
    make_plan,
    save_screening,
)

OWNER_ONLY = "Only the counselor who added this client can"
# Every destructive endpoint of the workspace: a new one has to be added here, and so is
# checked against the rule.
DELETE_ENDPOINTS = {"counselor.delete_client", "screenings.delete", "client_plans.delete"}
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
             if rule.endpoint.split(".")[0] in ("counselor", "screenings", "client_plans")
             and "delete" in rule.endpoint.split(".")[1]]
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
