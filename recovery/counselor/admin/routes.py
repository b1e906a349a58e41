"""The admin pages: users and invitations, moving a switched-off counselor's caseload, the
audit log and its CSV download.

`admins_only` runs before every view of this child (after the parent's sign-in guard), so a
counselor gets a 403 for any of them. Admin actions are audited in the same commit as the
change.
"""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from recovery import localtime
from recovery.counselor import audit, clock, users
from recovery.counselor.admin import log, operations, queries
from recovery.counselor.admin.forms import AuditFilterForm, InviteForm, MoveCaseloadForm
from recovery.counselor.auth import me
from recovery.counselor.forms import form_problems
from recovery.db import get_engine, get_session
from recovery.models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")

NOT_YOURSELF = ("You can't switch off your own account: another admin has to do that. Nothing "
                "changed.")
STILL_ACTIVE = ("This account is still switched on. Switch it off first: then nobody works on "
                "the caseload from two places while it moves. Nothing changed.")
BAD_PAGE = "That page link doesn't look right. Please use the links on the audit log page."
BAD_FILTERS = ("Those filters don't look right. Please set them again on the audit log page "
               "and download from there.")


@bp.before_request
def admins_only() -> None:
    if not me().is_admin:
        abort(403)


@bp.get("/users")
def users_page() -> ResponseReturnValue:
    return render_users(InviteForm())


@bp.post("/invitations")
def invite() -> ResponseReturnValue:
    form = InviteForm()
    if not form.validate_on_submit():
        return render_users(form, status=422)
    db = get_session()
    hours = current_app.config["COUNSELOR_INVITATION_HOURS"]
    invitation, token = operations.invite(db, admin=me(), email=form.email.data,
                                          role=form.role.data, valid_for=timedelta(hours=hours))
    db.commit()
    # Shown once, never stored: rendered here rather than redirected to, so it isn't kept.
    link = url_for("counselor.signin.accept_invitation", token=token, _external=True)
    return render_template("counselor/invitation_link.html", invitation=invitation, link=link)


@bp.post("/users/<int:user_id>/disable")
def disable(user_id: int) -> ResponseReturnValue:
    user = user_or_404(user_id)
    if user.id == me().id:
        abort(400, description=NOT_YOURSELF)
    return change_active(user, is_active=False)


@bp.post("/users/<int:user_id>/enable")
def enable(user_id: int) -> ResponseReturnValue:
    return change_active(user_or_404(user_id), is_active=True)


@bp.route("/users/<int:user_id>/caseload", methods=["GET", "POST"])
def move_caseload(user_id: int) -> ResponseReturnValue:
    """Give a switched-off counselor's clients, their plans and the clients shared with them
    to another active account: asked on a page, then done in one commit with its audit."""
    leaving, db = user_or_404(user_id), get_session()
    if leaving.is_active:
        abort(400, description=STILL_ACTIVE)
    colleagues = [u for u in users.list_users(db) if u.is_active and u.id != leaving.id]
    form = MoveCaseloadForm(colleagues=colleagues)
    caseload = operations.caseload_of(db, user=leaving)
    if not form.validate_on_submit():
        return render_template("counselor/caseload_move.html", leaving=leaving, form=form,
                               caseload=caseload, problems=form_problems(form),
                               ), 422 if form.errors else 200
    to = next(u for u in colleagues if str(u.id) == form.to.data)
    moved = operations.move_caseload(db, admin=me(), leaving=leaving, to=to)
    db.commit()
    flash(f"{to.email} now has {leaving.email}'s {len(moved.client_ids)} clients and their "
          f"{moved.plans} plans, and the {len(moved.shared_ids)} clients shared with them.",
          "success")
    return redirect(url_for(".users_page"), code=303)


@bp.get("/audit")
def audit_log() -> ResponseReturnValue:
    db = get_session()
    names = log.account_names(db)
    form = AuditFilterForm(request.args, people=names)
    cursor = cursor_from(request.args)
    if not form.validate():
        return render_template("counselor/audit.html", form=form, events=None,
                               problems=form_problems(form), filters={}), 400
    filters = form.filters()
    events = log.page(db, filters=filters, viewer=me(), names=names,
                      cursor=cursor, size=current_app.config["COUNSELOR_AUDIT_PAGE_SIZE"])
    return render_template("counselor/audit.html", form=form, events=events, problems=[],
                           filters=filters.query_args(), cap=log.COUNT_CAP)


@bp.get("/audit.csv")
def audit_csv() -> Response:
    db = get_session()
    form = AuditFilterForm(request.args, people=log.account_names(db))
    if not form.validate():
        abort(400, description=BAD_FILTERS)
    audit.record(db, user=me(), action="export", object_type="audit_log")
    db.commit()  # before streaming: the export is logged even if the download is cut short
    filename = f"audit-log-{localtime.today().isoformat()}.csv"
    return Response(log.csv_lines(get_engine(), filters=form.filters()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- Helpers -------------------------------------------------------------------------------


def cursor_from(args: MultiDict[str, str]) -> log.Cursor | None:
    """Where the page starts: `before` or `after` an event id (the page links), or the newest."""
    given = [key for key in ("before", "after") if key in args]
    if not given:
        return None
    raw = args[given[0]]
    if len(given) > 1 or not (raw.isascii() and raw.isdigit() and 1 <= len(raw) <= 18
                              and int(raw) > 0):
        abort(400, description=BAD_PAGE)
    return log.Cursor(int(raw), older=given[0] == "before")


def user_or_404(user_id: int) -> User:
    user = users.get_user(get_session(), user_id=user_id)
    if user is None:
        abort(404)
    return user


def change_active(user: User, *, is_active: bool) -> Response:
    db = get_session()
    operations.set_active(db, admin=me(), user=user, is_active=is_active)
    db.commit()
    flash(f"{user.email} can sign in again." if is_active else
          f"{user.email} is switched off and has been signed out everywhere.", "success")
    return redirect(url_for(".users_page"), code=303)


def render_users(form: InviteForm, *, status: int = 200) -> tuple[str, int]:
    found = queries.accounts(get_session(), now=clock.now(),
                             attempts=current_app.config["COUNSELOR_LOCKOUT_ATTEMPTS"])
    return render_template(
        "counselor/users.html", form=form, problems=form_problems(form), users=found.users,
        locked=found.locked, invitations=found.invitations, me=me()), status
