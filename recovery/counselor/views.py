"""The counselor workspace's pages: sign in and out, the dashboard, the caseload (clients), and
the admin pages (users, invitations, the audit log).

Every page here needs a signed-in user except signing in and accepting an invitation (see
`PUBLIC_ENDPOINTS`); admin pages answer 403 to counselors. Every POST is CSRF-checked by the
app-wide CSRFProtect. Admin actions are audited in the same commit as the change.
"""

from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import TooManyRequests
from werkzeug.wrappers import Response

from recovery.counselor import audit, auth, clients, clock, screenings, users
from recovery.counselor.auth import admin_required, current_user, login_required
from recovery.counselor.forms import (
    AcceptInvitationForm,
    ConfirmForm,
    InviteForm,
    LoginForm,
    NewClientForm,
    RenameClientForm,
    ShareClientForm,
    StopSharingForm,
    form_problems,
)
from recovery.db import get_engine, get_session
from recovery.errors import render_error
from recovery.models import Client, Invitation, User
from recovery.plans import store as plan_store
from recovery.security import limiter, retry_after
from recovery.widgets import count_of

bp = Blueprint("counselor", __name__, url_prefix="/counselor")
PUBLIC_ENDPOINTS = frozenset({"counselor.login", "counselor.accept_invitation"})
bp.before_request(auth.guard_blueprint(PUBLIC_ENDPOINTS))

INVITATION_GONE = ("This invitation link doesn't work any more: it may have been used already, "
                   "or it expired. Please ask your admin for a new one.")


@bp.context_processor
def signed_in_user() -> dict[str, object]:
    # A function, not a value: the page decides whether it needs to know.
    return {"counselor_user": current_user}


def login_rate_limit() -> str:
    return str(current_app.config["COUNSELOR_LOGIN_RATE_LIMIT"])


# --- Signing in and out --------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user() is not None:
        return redirect(url_for(".dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_login(form, status=422 if form.errors else 200)
    db = get_session()
    outcome = auth.attempt_login(db, email=form.email.data, password=form.password.data)
    if outcome.user is None:
        db.commit()  # the failure count and the audit event
        return render_login(form, message=outcome.message, status=422)
    auth.sign_in(db, user=outcome.user)
    db.commit()
    next_path = auth.safe_next_path(request.args.get("next"))
    return redirect(next_path or url_for(".dashboard"))


@bp.post("/logout")
def logout() -> Response:
    db = get_session()
    auth.sign_out(db)
    db.commit()
    flash("You have signed out. Thank you for keeping your clients' information safe.", "success")
    return redirect(url_for(".login"))


@bp.get("/")
@login_required
def dashboard() -> str:
    return render_template("counselor/dashboard.html", user=current_user(),
                           signed_in_at=auth.current_session_started())


# --- The caseload ---------------------------------------------------------------------------
# Every view that touches one client starts with `clients.client_or_404`: own or shared, or 404.

RECENT_SCREENINGS = 5


@bp.get("/clients")
@login_required
def client_list() -> ResponseReturnValue:
    query = request.args.get("q", "")
    problem = clients.query_problem(query)
    if problem is not None:
        return render_error(400, problem)
    number = page_number(request.args.get("page", "1"))
    if number is None:
        return render_error(400, "That page number doesn't look right. Please use the links on "
                                 "the clients page.")
    found = clients.caseload(get_session(), user=me(), query=query, number=number)
    if number > found.page_count:
        return render_error(400, f"There is no page {number}: the list has "
                                 f"{count_of(found.page_count, 'page')}. Please use the links "
                                 "on the clients page.")
    return render_template("counselor/clients.html", found=found, query=query.strip())


@bp.route("/clients/new", methods=["GET", "POST"])
@login_required
def new_client() -> ResponseReturnValue:
    form = NewClientForm()
    if not form.validate_on_submit():
        return render_template("counselor/client_new.html", form=form,
                               problems=form_problems(form)), 422 if form.errors else 200
    db = get_session()
    try:
        client = clients.create_client(db, owner=me(), name=form.name.data or "",
                                       consent_note=form.consent_note.data or "",
                                       now=clock.now())
    except clients.ClientError as error:
        return render_error(422, error.message)
    assert client.id is not None
    audit.record(db, user=me(), action="create", object_type="client", object_id=client.id,
                 detail=f"code {client.code}")
    db.commit()
    flash(f"The client is added. Their code is {client.code}: please note it down and use it "
          "to find them again.", "success")
    return redirect(url_for(".client_page", client_id=client.id), code=303)


@bp.get("/clients/<int:client_id>")
@login_required
def client_page(client_id: int) -> ResponseReturnValue:
    db = get_session()
    client = clients.client_or_404(db, me(), client_id)
    audit.record(db, user=me(), action="view", object_type="client", object_id=client_id)
    db.commit()
    return render_client(client, RenameClientForm(name=client.name or ""), ShareClientForm())


@bp.post("/clients/<int:client_id>/name")
@login_required
def rename_client(client_id: int) -> ResponseReturnValue:
    db = get_session()
    client = clients.client_or_404(db, me(), client_id)
    form = RenameClientForm()
    if not form.validate_on_submit():
        return render_client(client, form, ShareClientForm(), status=422)
    try:
        clients.rename(db, client=client, name=form.name.data or "", now=clock.now())
    except clients.ClientError as error:
        return render_error(422, error.message)
    # The detail says that the name changed, never what it is.
    audit.record(db, user=me(), action="update", object_type="client", object_id=client_id,
                 detail=f"code {client.code}; name changed")
    db.commit()
    flash("The name is saved.", "success")
    return redirect(url_for(".client_page", client_id=client_id), code=303)


@bp.post("/clients/<int:client_id>/shares")
@login_required
def share_client(client_id: int) -> ResponseReturnValue:
    db = get_session()
    client = clients.client_or_404(db, me(), client_id)
    if not clients.can_share(me(), client):
        return render_error(403, clients.OWNER_ONLY.format(what="share them"))
    form = ShareClientForm()
    if not form.validate_on_submit():
        return render_client(client, RenameClientForm(name=client.name or ""), form,
                             status=422)
    try:
        other = clients.share(db, client=client, email=form.email.data, now=clock.now())
    except clients.ClientError as error:
        return render_client(client, RenameClientForm(name=client.name or ""), form,
                             message=error.message, status=422)
    audit.record(db, user=me(), action="update", object_type="client", object_id=client_id,
                 detail=f"code {client.code}; shared with user {other.id}")
    db.commit()
    flash(f"{other.email} can now open this client too.", "success")
    return redirect(url_for(".client_page", client_id=client_id), code=303)


@bp.post("/clients/<int:client_id>/unshare")
@login_required
def unshare_client(client_id: int) -> ResponseReturnValue:
    db = get_session()
    client = clients.client_or_404(db, me(), client_id)
    if not clients.can_share(me(), client):
        return render_error(403, clients.OWNER_ONLY.format(what="stop sharing them"))
    colleagues = clients.shares(db, client=client)
    if not colleagues:  # the form isn't shown then: stopped meanwhile, say from another tab
        return render_client(client, RenameClientForm(name=client.name or ""),
                             ShareClientForm(formdata=None), status=422,
                             message="This client isn't shared with anyone any more. "
                                     "Nothing changed.")
    form = StopSharingForm(colleagues=colleagues)
    if not form.validate_on_submit():
        return render_client(client, RenameClientForm(name=client.name or ""),
                             ShareClientForm(formdata=None), stop_form=form, status=422)
    other = next(user for user in colleagues if str(user.id) == form.user_id.data)
    try:
        clients.unshare(db, client=client, other=other, now=clock.now())
    except clients.ClientError as error:
        return render_client(client, RenameClientForm(name=client.name or ""),
                             ShareClientForm(formdata=None), stop_form=form,
                             message=error.message, status=422)
    audit.record(db, user=me(), action="update", object_type="client", object_id=client_id,
                 detail=f"code {client.code}; stopped sharing with user {other.id}")
    db.commit()
    flash(f"{other.email} can no longer open this client. What they recorded stays with it.",
          "success")
    return redirect(url_for(".client_page", client_id=client_id), code=303)


@bp.route("/clients/<int:client_id>/delete", methods=["GET", "POST"])
@login_required
def delete_client(client_id: int) -> ResponseReturnValue:
    db = get_session()
    client = clients.client_or_404(db, me(), client_id)
    if not clients.can_delete(me(), client):
        return render_error(403, clients.OWNER_ONLY.format(what="delete them"))
    form = ConfirmForm()
    if not form.validate_on_submit():
        audit.record(db, user=me(), action="view", object_type="client", object_id=client_id,
                     detail="delete confirmation")
        db.commit()
        return render_template("counselor/client_delete.html", client=client, form=form)
    code = client.code
    clients.delete_client(db, client=client)
    audit.record(db, user=me(), action="delete", object_type="client", object_id=client_id,
                 detail=f"code {code}")
    db.commit()
    flash(f"Client {code} and everything recorded about them is deleted.", "success")
    return redirect(url_for(".client_list"), code=303)


# --- Admin: users and invitations ----------------------------------------------------------


@bp.get("/admin/users")
@admin_required
def users_page() -> ResponseReturnValue:
    return render_users(InviteForm())


@bp.post("/admin/invitations")
@admin_required
def invite() -> ResponseReturnValue:
    form = InviteForm()
    if not form.validate_on_submit():
        return render_users(form, status=422)
    db = get_session()
    invitation, token = users.create_invitation(
        db, email=form.email.data, role=form.role.data, created_by=admin(), now=clock.now(),
        valid_for=timedelta(hours=current_app.config["COUNSELOR_INVITATION_HOURS"]))
    audit.record(db, user=admin(), action="user_invited", object_type="invitation",
                 object_id=str(invitation.id), detail=f"role {invitation.role}")
    db.commit()
    # Shown once, never stored: rendered here rather than redirected to, so it isn't kept.
    link = url_for(".accept_invitation", token=token, _external=True)
    return render_template("counselor/invitation_link.html", invitation=invitation, link=link)


@bp.post("/admin/users/<int:user_id>/disable")
@admin_required
def disable(user_id: int) -> ResponseReturnValue:
    user = user_or_404(user_id)
    if user.id == admin().id:
        return render_error(400, "You can't switch off your own account: another admin has to "
                                 "do that. Nothing changed.")
    return change_active(user, is_active=False)


@bp.post("/admin/users/<int:user_id>/enable")
@admin_required
def enable(user_id: int) -> ResponseReturnValue:
    return change_active(user_or_404(user_id), is_active=True)


# --- Admin: the audit log ------------------------------------------------------------------


@bp.get("/admin/audit")
@admin_required
def audit_log() -> ResponseReturnValue:
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or not 1 <= len(raw) <= 9 or int(raw) < 1:
        return render_error(400, "That page number doesn't look right. Please use the links on "
                                 "the audit log page.")
    events = audit.page(get_session(), number=int(raw),
                        size=current_app.config["COUNSELOR_AUDIT_PAGE_SIZE"])
    if not events.rows and events.number > 1:
        abort(404)
    return render_template("counselor/audit.html", events=events)


@bp.get("/admin/audit.csv")
@admin_required
def audit_csv() -> Response:
    db = get_session()
    audit.record(db, user=admin(), action="export", object_type="audit_log")
    db.commit()  # before streaming: the export is logged even if the download is cut short
    filename = f"audit-log-{date.today().isoformat()}.csv"
    return Response(audit.csv_lines(get_engine()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- Accepting an invitation (no account yet) ----------------------------------------------


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    db = get_session()
    invitation = users.find_invitation(db, token=token, now=clock.now())
    if invitation is None:
        return render_error(404, INVITATION_GONE)
    form = AcceptInvitationForm(email=invitation.email)
    if not form.validate_on_submit():
        return render_accept(invitation, form, status=422 if form.errors else 200)
    try:
        user = users.accept_invitation(db, invitation=invitation, password=form.password.data,
                                       display_name=form.display_name.data, now=clock.now())
    except users.AccountError as error:
        return render_error(409, error.message + " Please ask your admin for a new invitation.")
    audit.record(db, user=user, action="invitation_accepted", object_type="invitation",
                 object_id=str(invitation.id))
    auth.sign_in(db, user=user)
    db.commit()
    flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
    return redirect(url_for(".dashboard"))


# --- Errors --------------------------------------------------------------------------------


@bp.errorhandler(TooManyRequests)
def too_many(error: TooManyRequests) -> ResponseReturnValue:
    body, status = render_error(429, "Too many sign-in attempts from this network in a short "
                                     "time. Please wait a minute, then try again.")
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return body, status, [*headers, *retry_after().items()]


# --- Helpers -------------------------------------------------------------------------------


def me() -> User:
    """The signed-in user (only inside login_required views)."""
    user = current_user()
    assert user is not None and user.id is not None
    return user


def page_number(raw: str) -> int | None:
    """A page number from the query string (1 to 999,999,999), or None if it isn't one."""
    if not raw.isascii() or not raw.isdigit() or not 1 <= len(raw) <= 9 or int(raw) < 1:
        return None
    return int(raw)


def render_client(client: Client, rename_form: RenameClientForm, share_form: ShareClientForm,
                  *, stop_form: StopSharingForm | None = None, message: str | None = None,
                  status: int = 200) -> tuple[str, int]:
    db = get_session()
    shares = clients.shares(db, client=client)
    if stop_form is None:  # never filled from another form's post
        stop_form = StopSharingForm(colleagues=shares, formdata=None)
    problems = (form_problems(rename_form) + form_problems(share_form, message)
                + form_problems(stop_form))
    return render_template(
        "counselor/client.html", client=client, stop_form=stop_form,
        owner=users.get_user(db, user_id=client.counselor_id),
        is_owner=clients.is_owner(me(), client), can_share=clients.can_share(me(), client),
        can_delete=clients.can_delete(me(), client), shares=shares,
        rename_form=rename_form, share_form=share_form, problems=problems,
        recent=screenings.summaries(db, client=client, limit=RECENT_SCREENINGS),
        plans=plan_store.client_plans(db, client_id=client.id or 0),
        screening_under_way=screenings.is_under_way(session.get(screenings.IN_PROGRESS_KEY),
                                                    client_id=client.id)), status


def admin() -> User:
    """The signed-in admin (only inside admin_required views)."""
    user = current_user()
    assert user is not None and user.id is not None
    return user


def user_or_404(user_id: int) -> User:
    user = users.get_user(get_session(), user_id=user_id)
    if user is None:
        abort(404)
    return user


def change_active(user: User, *, is_active: bool) -> Response:
    db = get_session()
    users.set_active(db, user=user, is_active=is_active, now=clock.now())
    audit.record(db, user=admin(), action="user_enabled" if is_active else "user_disabled",
                 object_type="user", object_id=str(user.id))
    db.commit()
    flash(f"{user.email} can sign in again." if is_active else
          f"{user.email} is switched off and has been signed out everywhere.", "success")
    return redirect(url_for(".users_page"), code=303)


def render_login(form: LoginForm, *, message: str | None = None,
                 status: int = 200) -> tuple[str, int]:
    return render_template("counselor/login.html", form=form,
                           problems=form_problems(form, message)), status


def render_users(form: InviteForm, *, status: int = 200) -> tuple[str, int]:
    db = get_session()
    everyone, now = users.list_users(db), clock.now()
    attempts = current_app.config["COUNSELOR_LOCKOUT_ATTEMPTS"]
    locked = {user.id for user in everyone if users.is_locked(user, now=now, attempts=attempts)}
    return render_template(
        "counselor/users.html", form=form, problems=form_problems(form), users=everyone,
        locked=locked, invitations=users.pending_invitations(db, now=now), me=admin()), status


def render_accept(invitation: Invitation, form: AcceptInvitationForm, *,
                  status: int = 200) -> tuple[str, int]:
    return render_template("counselor/accept.html", invitation=invitation, form=form,
                           problems=form_problems(form)), status
