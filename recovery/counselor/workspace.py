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
- admin/     users, invitations, the audit log and its CSV (`counselor.admin.*`; admins only)
- handouts/  meeting handouts: several plans' handouts in one PDF (`counselor.handouts.*`)

Adding a child: give it a package like the others, then register it in `register_counselor`
with `parent.register_blueprint(child, name=..., url_prefix=...)`; it is behind the guard from
then on. The screening flow and the plan pages join this way (`screening_bp`, `plan_pages_bp`);
until they do, they are separate blueprints with guards of their own.
"""

from typing import Any

from flask import Blueprint, Flask, url_for

from recovery.counselor import auth
from recovery.counselor.admin.routes import bp as admin_bp
from recovery.counselor.caseload.routes import bp as caseload_bp
from recovery.counselor.handouts.routes import bp as handouts_bp
from recovery.counselor.signin.routes import bp as signin_bp

# Relative to the parent: open to visitors who aren't signed in.
PUBLIC_VIEWS = frozenset({"signin.login", "signin.accept_invitation"})

# Endpoints before the workspace had children, and what they are now. url_for still builds the
# old names (`build_renamed_endpoint`) for the templates and modules that haven't changed yet:
# the screening and plan pages, which move into the workspace as children of their own. Remove
# this once nothing asks for an old name.
RENAMED_ENDPOINTS = {
    "counselor.login": "counselor.signin.login",
    "counselor.logout": "counselor.signin.logout",
    "counselor.accept_invitation": "counselor.signin.accept_invitation",
    "counselor.dashboard": "counselor.caseload.dashboard",
    "counselor.client_list": "counselor.caseload.client_list",
    "counselor.new_client": "counselor.caseload.new_client",
    "counselor.client_page": "counselor.caseload.client_page",
    "counselor.rename_client": "counselor.caseload.rename_client",
    "counselor.share_client": "counselor.caseload.share_client",
    "counselor.unshare_client": "counselor.caseload.unshare_client",
    "counselor.delete_client": "counselor.caseload.delete_client",
    "screenings.history": "counselor.caseload.history",
    "counselor.users_page": "counselor.admin.users_page",
    "counselor.invite": "counselor.admin.invite",
    "counselor.disable": "counselor.admin.disable",
    "counselor.enable": "counselor.admin.enable",
    "counselor.audit_log": "counselor.admin.audit_log",
    "counselor.audit_csv": "counselor.admin.audit_csv",
    "handouts.choose": "counselor.handouts.choose",
    "handouts.download": "counselor.handouts.download",
}


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


def register_counselor(app: Flask, *, screening_bp: Blueprint | None = None,
                       plan_pages_bp: Blueprint | None = None) -> None:
    """Mount the workspace on `app`: the parent with every child."""
    children: list[tuple[Blueprint, dict[str, Any]]] = [
        (signin_bp, {}), (caseload_bp, {}), (admin_bp, {}), (handouts_bp, {})]
    if screening_bp is not None:
        children.append((screening_bp, {"name": "screenings",
                                        "url_prefix": "/clients/<int:client_id>/screenings"}))
    if plan_pages_bp is not None:
        children.append((plan_pages_bp, {
            "name": "plans", "url_prefix": "/clients/<int:client_id>/plans/<int:plan_id>"}))
    app.register_blueprint(parent_blueprint(children))
    app.url_build_error_handlers.append(build_renamed_endpoint)


def build_renamed_endpoint(error: Exception, endpoint: str, values: dict[str, Any]) -> str:
    """url_for's answer for an endpoint's old name (RENAMED_ENDPOINTS); other errors stand."""
    new_name = RENAMED_ENDPOINTS.get(endpoint)
    if new_name is None:
        raise error
    return url_for(new_name, **values)
