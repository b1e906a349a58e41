"""The plan pages under a client: what differs from the private link (recovery.plans.views).

The pages are the plan builder's own (recovery.plans.pages), nested in the workspace as
`counselor.client_plans` under /counselor/clients/<client_id>/plans/<plan_id>/... with
`ClientPlans` as their mount. The workspace's guard has already checked that a counselor is
signed in; before any page runs, `ClientPlans.open` checks that they may open the client (else
404) and that the plan is that client's (else 404), that a deletion is theirs to make
(`clients.can_delete`, else 403), and audits the request: a GET as a view (an export for the
plan file and the PDFs), a POST as a change or deletion. A POST's event joins the view's own
commit, so a refused change leaves no event behind.
"""

from dataclasses import dataclass
from typing import Any

from flask import abort, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session, col, select

from recovery.counselor import audit, clients
from recovery.counselor.auth import me
from recovery.db import get_session
from recovery.models import RelapsePlan, User
from recovery.plans.pages import OpenPlan
from recovery.plans.requests import NOT_FOUND, view_name

EXPORT_VIEWS = frozenset({"download", "plan_pdf"})


@dataclass(frozen=True)
class ClientPlans:
    """The plan pages under a client, for counselors who may open that client."""

    url_keys = ("client_id", "plan_id")
    layout = "counselor/_layout.html"

    def open(self, url_values: dict[str, Any]) -> OpenPlan | ResponseReturnValue:
        user, db = me(), get_session()
        client = clients.client_or_404(db, user, url_values["client_id"])
        opened = OpenPlan(url_values, client=client, can_delete=clients.can_delete(user, client))
        if self.find(db, opened) is None:
            abort(404, description=NOT_FOUND)
        if view_name() == "delete" and not opened.can_delete:  # the confirmation page too
            abort(403, description=clients.OWNER_ONLY.format(what="delete a plan"))
        record_request(db, user, opened)
        return opened

    def find(self, session: Session, opened: OpenPlan) -> RelapsePlan | None:
        if opened.client is None:  # never before `open` has checked access
            return None
        return session.exec(select(RelapsePlan).where(
            col(RelapsePlan.id) == opened.url_values["plan_id"],
            col(RelapsePlan.client_id) == opened.client.id)).first()

    def after_delete_url(self, opened: OpenPlan) -> str:
        return url_for("counselor.caseload.client_page", client_id=opened.url_values["client_id"])

    def template_values(self) -> dict[str, Any]:
        return {}  # the workspace's own context processor gives its layout `counselor_user`


def record_request(db: Session, user: User, opened: OpenPlan) -> None:
    """Audit the request: a read now, a change with the view's own commit."""
    view = view_name()
    if request.method in ("GET", "HEAD"):
        action = "export" if view in EXPORT_VIEWS else "view"
    else:
        action = "delete" if view == "delete" else "update"
    layout = (request.view_args or {}).get("layout", "")  # which PDF
    client_id, plan_id = opened.url_values["client_id"], opened.url_values["plan_id"]
    audit.record(db, user=user, action=action, object_type="plan", object_id=plan_id,
                 detail=f"client {client_id}; {view} {layout}".rstrip(), client_id=client_id)
    if action in ("view", "export"):
        db.commit()  # a read changes nothing else: record it now
