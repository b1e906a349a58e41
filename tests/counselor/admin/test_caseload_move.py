"""Leaving staff: an admin gives a switched-off counselor's caseload (their clients with their
plans, and the clients shared with them) to a colleague, audited by ids only."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, select

from recovery.counselor.admin import audit_words
from recovery.models import Client, ClientScreening, ClientShare, RelapsePlan
from tests.counselor.conftest import Account, SignIn, audit_actions, text
from tests.counselor.test_screenings import HEAVY, NAME, make_plan, save_screening


def url(user: Account) -> str:
    return f"/counselor/admin/users/{user.id}/caseload"


def new_client(browser: FlaskClient, name: str = NAME) -> int:
    response = browser.post("/counselor/clients/new", data={"name": name, "consent": "y"})
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture
def admin_client(sign_in: SignIn, admin: Account) -> FlaskClient:
    return sign_in(admin)  # after the clock is set, like every other browser here


def shares(db: Session) -> set[tuple[int, int]]:
    db.expire_all()
    return {(s.client_id, s.user_id) for s in db.exec(select(ClientShare)).all()}


def test_a_switched_off_counselors_caseload_moves_to_a_colleague(
        sign_in: SignIn, counselor: Account, other: Account, admin: Account,
        make_account: Callable[..., Account], admin_client: FlaskClient,
        db_session: Session) -> None:
    casey, olu = sign_in(counselor), sign_in(other)
    third = make_account("tess@example.org", name="Tess Third")
    tess = sign_in(third)
    own = new_client(casey)
    screening = save_screening(casey, own, HEAVY)
    plan = make_plan(casey, own, screening)
    shared_with_olu = new_client(casey, "Shared With Olu")  # Olu already has it
    assert casey.post(f"/counselor/clients/{shared_with_olu}/shares",
                      data={"email": other.email}).status_code == 303
    tess_client = new_client(tess, "Lent To Casey")
    assert tess.post(f"/counselor/clients/{tess_client}/shares",
                     data={"email": counselor.email}).status_code == 303
    olus_own = new_client(olu, "Olu's Own")  # shared with Casey: Olu owns it already
    assert olu.post(f"/counselor/clients/{olus_own}/shares",
                    data={"email": counselor.email}).status_code == 303

    assert admin_client.get(url(counselor)).status_code == 400  # still switched on
    assert admin_client.post(f"/counselor/admin/users/{counselor.id}/disable").status_code == 303
    assert "Move their caseload" in text(admin_client.get("/counselor/admin/users"))
    page = text(admin_client.get(url(counselor)))
    assert "2 clients they added, with 1 plan" in page
    assert "2 clients other counselors shared with them" in page
    assert f'<option value="{other.id}">' in page and f'<option value="{counselor.id}">' not in page

    response = admin_client.post(url(counselor), data={"to": str(other.id)})
    assert response.status_code == 303
    assert "now has casey@example.org's 2 clients" in text(admin_client.get(
        "/counselor/admin/users"))
    db_session.expire_all()
    assert {c.id: c.counselor_id for c in db_session.exec(select(Client)).all()} == {
        own: other.id, shared_with_olu: other.id, tess_client: third.id, olus_own: other.id}
    # Olu's share of a client they now own is gone; Tess's client is shared with Olu now.
    assert shares(db_session) == {(tess_client, other.id)}
    moved_plan = db_session.get(RelapsePlan, plan)
    assert moved_plan is not None and moved_plan.client_id == own
    recorded = db_session.get(ClientScreening, screening)
    assert recorded is not None and recorded.counselor_id == counselor.id  # who recorded it
    assert olu.get(f"/counselor/clients/{own}/plans/{plan}").status_code == 200
    assert olu.get(f"/counselor/clients/{tess_client}").status_code == 200

    events = [e for e in audit_actions(db_session) if e[1] == admin.id]
    assert ("caseload_moved", admin.id, str(counselor.id),
            f"to user {other.id}; 2 clients, 1 plans, 2 shared clients") in events
    assert ("update", admin.id, str(own),
            f"moved from user {counselor.id} to user {other.id}") in events
    assert ("update", admin.id, str(tess_client),
            f"share moved from user {counselor.id} to user {other.id}") in events
    assert not any(NAME in d or "Olu's" in d or "ketamine" in d for *_x, d in events)


def test_only_another_active_account_can_take_it(
        counselor: Account, other: Account, admin_client: FlaskClient, db_session: Session,
        sign_in: SignIn) -> None:
    client_id = new_client(sign_in(counselor))
    for account in (counselor, other):
        admin_client.post(f"/counselor/admin/users/{account.id}/disable")
    response = admin_client.post(url(counselor), data={"to": str(other.id)})
    assert response.status_code == 422
    assert "choose one of the active accounts" in text(response)
    response = admin_client.post(url(counselor), data={"to": str(counselor.id)})
    assert response.status_code == 422
    db_session.expire_all()
    assert db_session.get(Client, client_id).counselor_id == counselor.id  # type: ignore[union-attr]
    assert "caseload_moved" not in [e[0] for e in audit_actions(db_session)]


def test_counselors_cannot_move_caseloads(casey: FlaskClient, other: Account) -> None:
    assert casey.get(url(other)).status_code == 403
    assert casey.post(url(other), data={"to": "1"}).status_code == 403


def test_an_unknown_account_is_a_404(admin_client: FlaskClient) -> None:
    assert admin_client.get("/counselor/admin/users/999/caseload").status_code == 404


def test_the_move_reads_in_the_audit_log_with_names() -> None:
    """The log says who moved whose caseload to whom, by name."""
    words = audit_words.sentence(action="caseload_moved", object_type="user", object_id="3",
                                 detail="to user 4; 2 clients, 1 plans, 0 shared clients",
                                 names={3: "Lee Leaving", 4: "Tam Taking"})
    assert words == ("Moved the caseload of Lee Leaving: to Tam Taking; 2 clients, 1 plans, "
                     "0 shared clients")
    assert audit_words.sentence(action="update", object_type="client", object_id="9",
                                detail="moved from user 3 to user 4",
                                names={3: "Lee Leaving", 4: "Tam Taking"}) == (
        "Changed the client: moved from Lee Leaving to Tam Taking")
