"""The counselor workspace's parent blueprint, `counselor` at /counselor, and its children.

Each child is a blueprint nested in the parent (`parent.register_blueprint(child)`), so its
endpoints read `counselor.<child>.<view>` (`counselor.caseload.client_page`) and its URLs start
with /counselor. What every child needs is declared once, here, on the parent; Flask (2.0.1 and
later) runs a parent's before_request hooks and context processors for every nested child:

- the guard: every page needs a signed-in user (else the sign-in page, and back afterwards),
  except the views in PUBLIC_VIEWS, signing in and accepting an invitation;
- `counselor_user` in every template (the layout's navigation).

The children, each a subpackage with the same file names (only those it needs): routes.py (the
views, `bp`), forms.py, queries.py (reads), operations.py (writes):

- signin/    signing in and out, accepting an invitation (`counselor.signin.*`)
- caseload/  the dashboard, clients, a client's page, history (`counselor.caseload.*`)
- admin/     users, invitations, moving a switched-off counselor's caseload, the audit log and
             its CSV (`counselor.admin.*`; admins only)
- handouts/  meeting handouts: several plans' handouts in one PDF (`counselor.handouts.*`)
- screenings/  a saved screening with a client (`counselor.screenings.*`), and the mount of
             the questionnaire flow (recovery/questionnaire/flow.py) nested here as
             `counselor.client_screening.*` at /counselor/clients/<id>/screenings/new
- plans/     the mount of the plan pages (recovery/plans/pages.py) nested here as
             `counselor.client_plans.*` at /counselor/clients/<id>/plans/<plan_id>

The flow and the plan pages are blueprints shared with the public side, each registered a
second time here with `mount=` (what differs for a counselor: access, audit, layout); the
parent's guard runs before their own hooks, so their mounts start from a signed-in counselor.

Adding a child: give it a package like the others, then add it to `register_counselor`'s list
(`(child, {"name": ..., "url_prefix": ...})`); it is behind the guard from then on.
"""

from typing import Any

from flask import Blueprint, Flask

from recovery.counselor import auth
from recovery.counselor.admin.routes import bp as admin_bp
from recovery.counselor.caseload.routes import bp as caseload_bp
from recovery.counselor.handouts.routes import bp as handouts_bp
from recovery.counselor.plans.mount import ClientPlans
from recovery.counselor.screenings.mount import ClientScreeningMount
from recovery.counselor.screenings.routes import bp as screenings_bp
from recovery.counselor.signin.routes import bp as signin_bp

# Relative to the parent: open to visitors who aren't signed in.
PUBLIC_VIEWS = frozenset({"signin.login", "signin.accept_invitation"})


def signed_in_user() -> dict[str, object]:
    # A function, not a value: the page decides whether it needs to know.
    return {"counselor_user": auth.current_user}


def parent_blueprint(children: list[tuple[Blueprint, dict[str, Any]]], *,
                     name: str = "counselor", url_prefix: str = "/counselor") -> Blueprint:
    """A new parent with the guard and the context processor, and `children` (each with its
    register_blueprint options) nested in it. New for every app: a blueprint that has been
    registered can't take more children."""
    parent = Blueprint(name, __name__, url_prefix=url_prefix)
    parent.before_request(auth.guard_blueprint(PUBLIC_VIEWS))
    parent.context_processor(signed_in_user)
    for child, options in children:
        parent.register_blueprint(child, **options)
    return parent


def register_counselor(app: Flask, *, screening_flow: Blueprint,
                       plan_pages: Blueprint) -> None:
    """Mount the workspace on `app`: the parent with every child, the questionnaire flow and
    the plan pages among them (each with this workspace's mount)."""
    app.register_blueprint(parent_blueprint([
        (signin_bp, {}), (caseload_bp, {}), (admin_bp, {}), (handouts_bp, {}),
        (screenings_bp, {}),
        (screening_flow, {"name": "client_screening",
                          "url_prefix": "/clients/<int:client_id>/screenings/new",
                          "mount": ClientScreeningMount()}),
        # Not named "plans": Flask-Limiter gives a nested blueprint the limits of every
        # blueprint named in its dotted name, and the public `plans` has the public
        # submission limit, which a signed-in counselor's pages don't share.
        (plan_pages, {"name": "client_plans",
                      "url_prefix": "/clients/<int:client_id>/plans/<int:plan_id>",
                      "mount": ClientPlans()}),
    ]))
