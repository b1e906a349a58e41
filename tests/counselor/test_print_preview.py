"""The preview of a share-safe printout under a client (the plan pages' counselor mount):
seen and changed like any plan page, and audited."""

from flask.testing import FlaskClient
from sqlmodel import Session, select

from recovery.models import AuditEvent, RelapsePlan
from tests.counselor.test_screenings import (
    base,
    client_id,
    edit_reason,
    make_plan,
    save_screening,
)
from tests.plans.helpers import open_form

__all__ = ["client_id"]  # the fixture, shared with test_screenings


def test_the_preview_under_a_client_is_audited(casey: FlaskClient, client_id: int,
                                              db_session: Session) -> None:
    plan_id = make_plan(casey, client_id, save_screening(casey, client_id))
    plan_url = f"{base(client_id)}/plans/{plan_id}"
    assert edit_reason(casey, plan_url, "Being there for my daughter").status_code == 302
    url = f"{plan_url}/print/handout?paper=a4"

    action, data = open_form(casey, url, url)  # not the sign-out form
    saved = casey.post(action, data=data | {"keep": data["keep"][1:], "action": ["preview"]})

    assert saved.status_code == 303
    events = {(e.action, e.detail) for e in db_session.exec(select(AuditEvent))}
    assert ("view", f"client {client_id}; print_preview handout") in events
    assert ("update", f"client {client_id}; print_preview handout") in events
    plan = db_session.get(RelapsePlan, plan_id)
    assert plan is not None
    db_session.refresh(plan)
    assert plan.print_choices == {"handout": [data["keep"][0]]}
