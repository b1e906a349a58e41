"""A client's relapse-prevention plans in the counselor workspace.

The pages are the plan builder's own (recovery.plans.views), served here under
/counselor/clients/<client_id>/plans/<plan_id>/... Before any of them runs, `guard` checks that
the visitor is signed in (else: sign-in page), may open the client (else 404) and that the plan
is that client's (else 404), that a deletion is the visitor's to make (`clients.can_delete`,
else 403), and audits the request: a GET as a view (an export for the plan file and the PDFs),
a POST as a change or deletion. A POST's event joins the view's own commit, so a refused
change leaves no event behind.
"""

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, g, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from recovery.counselor import audit, auth, clients
from recovery.counselor.auth import current_user
from recovery.db import get_session
from recovery.models import Client, RelapsePlan
from recovery.plans.views import NOT_FOUND, Refused, add_plan_pages

bp = Blueprint("client_plans", __name__)

PREFIX = "/counselor/clients/<int:client_id>/plans/<int:plan_id>"
EXPORT_VIEWS = frozenset({"download", "plan_pdf"})


@dataclass(frozen=True)
class ClientPlan:
    """The plan `plan_id` of client `client_id`; `client` and `can_delete` are filled in once
    access is checked."""

    client_id: int
    plan_id: int
    client: Client | None = None
    can_delete: bool = False

    @property
    def url_values(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "plan_id": self.plan_id}

    def find(self, session: Session) -> RelapsePlan | None:
        if self.client is None:  # never before `guard` has checked access
            return None
        return session.exec(select(RelapsePlan).where(
            col(RelapsePlan.id) == self.plan_id,
            col(RelapsePlan.client_id) == self.client_id)).first()

    def after_delete_url(self) -> str:
        return url_for("counselor.client_page", client_id=self.client_id)


def guard() -> ResponseReturnValue | None:
    user = current_user()
    if user is None:
        return auth.redirect_to_login()
    pending: ClientPlan = g.plan_address
    db = get_session()
    client = clients.client_or_404(db, user, pending.client_id)
    g.plan_address = checked = ClientPlan(pending.client_id, pending.plan_id, client,
                                          can_delete=clients.can_delete(user, client))
    if checked.find(db) is None:
        raise Refused(404, NOT_FOUND)
    view = (request.endpoint or "").rsplit(".", 1)[-1]
    if view == "delete" and not checked.can_delete:  # the confirmation page too
        raise Refused(403, clients.OWNER_ONLY.format(what="delete a plan"))
    if request.method in ("GET", "HEAD"):
        action = "export" if view in EXPORT_VIEWS else "view"
    else:
        action = "delete" if view == "delete" else "update"
    layout = (request.view_args or {}).get("layout", "")  # which PDF
    audit.record(db, user=user, action=action, object_type="plan", object_id=pending.plan_id,
                 detail=f"client {pending.client_id}; {view} {layout}".rstrip())
    if action in ("view", "export"):
        db.commit()  # a read changes nothing else: record it now
    return None


# The guard first: a visitor who isn't signed in is sent to sign in before anything else.
bp.before_request(guard)
bp.context_processor(lambda: {"counselor_user": current_user})
add_plan_pages(bp, PREFIX, lambda values: ClientPlan(values["client_id"], values["plan_id"]))
