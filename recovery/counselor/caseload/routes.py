"""The caseload's pages: the dashboard, my clients (search, pages), adding a client, a client's
page (rename, share, stop sharing, delete) and their history.

Every view that touches one client starts with `clients.client_or_404`: own or shared, or 404.
Erasing and sharing are the owner's (`clients.can_delete`, `clients.can_share`; else a 403).
Every view and change of a client is audited in the same commit as the change.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from recovery.counselor import audit, auth, clients, clock, users
from recovery.counselor.auth import me
from recovery.counselor.caseload import operations, queries
from recovery.counselor.caseload.forms import (
    NewClientForm,
    RenameClientForm,
    ShareClientForm,
    StopSharingForm,
)
from recovery.counselor.forms import ConfirmForm, form_problems
from recovery.counselor.screenings import progress
from recovery.counselor.screenings import queries as screenings
from recovery.db import get_session
from recovery.models import Client, User
from recovery.pagination import page_number
from recovery.plans import store as plan_store
from recovery.screening.history import history_charts
from recovery.seeds import current_content
from recovery.templating import count_of

bp = Blueprint("caseload", __name__)

BAD_PAGE = "That page number doesn't look right. Please use the links on the clients page."


@bp.get("/")
def dashboard() -> str:
    return render_template("counselor/dashboard.html", user=me(),
                           signed_in_at=auth.current_session_started(),
                           attention=queries.attention(get_session(), user=me(),
                                                       due_before=rescreen_due_before()))


@bp.get("/clients")
def client_list() -> ResponseReturnValue:
    query, sort = request.args.get("q", ""), request.args.get("sort", "added")
    problem = clients.query_problem(query)
    if problem is not None:
        abort(400, description=problem)
    number = page_number(request.args.get("page", "1"))
    if number is None or sort not in queries.SORTS:
        abort(400, description=BAD_PAGE)
    found = queries.caseload(get_session(), user=me(), query=query, number=number, sort=sort,
                             due_before=rescreen_due_before())
    if number > found.page_count:
        abort(400, description=f"There is no page {number}: the list has "
                               f"{count_of(found.page_count, 'page')}. Please use the links "
                               "on the clients page.")
    return render_template("counselor/clients.html", found=found, query=query.strip(),
                           sort=sort, sorts=queries.SORTS)


@bp.route("/clients/new", methods=["GET", "POST"])
def new_client() -> ResponseReturnValue:
    form = NewClientForm()
    if not form.validate_on_submit():
        return render_template("counselor/client_new.html", form=form,
                               problems=form_problems(form)), 422 if form.errors else 200
    db = get_session()
    client = operations.create_client(db, owner=me(), name=form.name.data or "",
                                      consent_note=form.consent_note.data or "",
                                      record_number=form.record_number.data or "",
                                      now=clock.now())
    audit_client("create", client, f"code {client.code}")
    db.commit()
    flash(f"The client is added. Their code is {client.code}: please note it down and use it "
          "to find them again.", "success")
    return redirect(url_for(".client_page", client_id=client.id), code=303)


@bp.get("/clients/<int:client_id>")
def client_page(client_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    audit_client("view", client)
    get_session().commit()
    return render_client(client)


@bp.post("/clients/<int:client_id>/name")
def rename_client(client_id: int) -> ResponseReturnValue:
    client = visible_client(client_id)
    form = RenameClientForm()
    if not form.validate_on_submit():
        return render_client(client, rename_form=form, status=422)
    changed = operations.set_details(get_session(), client=client, name=form.name.data or "",
                                     record_number=form.record_number.data or "",
                                     now=clock.now())
    # The detail says what changed, never what it is now.
    audit_client("update", client, f"code {client.code}; {' and '.join(changed) or 'nothing'}"
                                   " changed")
    get_session().commit()
    flash("The name and record number are saved.", "success")
    return redirect(url_for(".client_page", client_id=client_id), code=303)


@bp.post("/clients/<int:client_id>/shares")
def share_client(client_id: int) -> ResponseReturnValue:
    client = owned_client(client_id, clients.can_share, "share them")
    form = ShareClientForm()
    if not form.validate_on_submit():
        return render_client(client, share_form=form, status=422)
    try:
        other = operations.share(get_session(), client=client, email=form.email.data,
                                 now=clock.now())
    except clients.ClientError as error:
        return render_client(client, share_form=form, message=error.message, status=422)
    audit_client("update", client, f"code {client.code}; shared with user {other.id}")
    get_session().commit()
    flash(f"{other.email} can now open this client too.", "success")
    return redirect(url_for(".client_page", client_id=client_id), code=303)


@bp.post("/clients/<int:client_id>/unshare")
def unshare_client(client_id: int) -> ResponseReturnValue:
    client = owned_client(client_id, clients.can_share, "stop sharing them")
    colleagues = queries.shares(get_session(), client=client)
    if not colleagues:  # the form isn't shown then: stopped meanwhile, say from another tab
        return render_client(client, status=422, message="This client isn't shared with "
                                                         "anyone any more. Nothing changed.")
    form = StopSharingForm(colleagues=colleagues)
    if not form.validate_on_submit():
        return render_client(client, stop_form=form, status=422)
    other = next(user for user in colleagues if str(user.id) == form.user_id.data)
    try:
        operations.unshare(get_session(), client=client, other=other, now=clock.now())
    except clients.ClientError as error:
        return render_client(client, stop_form=form, message=error.message, status=422)
    audit_client("update", client, f"code {client.code}; stopped sharing with user {other.id}")
    get_session().commit()
    flash(f"{other.email} can no longer open this client. What they recorded stays with it.",
          "success")
    return redirect(url_for(".client_page", client_id=client_id), code=303)


@bp.route("/clients/<int:client_id>/delete", methods=["GET", "POST"])
def delete_client(client_id: int) -> ResponseReturnValue:
    client = owned_client(client_id, clients.can_delete, "delete them")
    form = ConfirmForm()
    db = get_session()
    if not form.validate_on_submit():
        audit_client("view", client, "delete confirmation")
        db.commit()
        return render_template("counselor/client_delete.html", client=client, form=form)
    code = client.code
    audit_client("delete", client, f"code {code}")
    operations.delete_client(db, client=client)
    db.commit()
    flash(f"Client {code} and everything recorded about them is deleted.", "success")
    return redirect(url_for(".client_list"), code=303)


@bp.get("/clients/<int:client_id>/history")
def history(client_id: int) -> ResponseReturnValue:
    """Every screening (charts, and the same numbers as a table) and every plan revision."""
    client = visible_client(client_id)
    found = queries.history(get_session(), client=client)
    audit_client("view", client, "history")
    get_session().commit()
    charts = history_charts([row.point for row in found.rows]) if found.rows else None
    return render_template("counselor/history.html", client=client, rows=found.rows,
                           charts=charts, plans=found.plans, revisions=found.revisions,
                           path_titles={path.id: path.title for path in current_content().paths})


# --- Helpers -------------------------------------------------------------------------------


def rescreen_due_before() -> datetime:
    """A client whose latest screening is older than this is due for a re-screen."""
    return clock.now() - timedelta(days=current_app.config["COUNSELOR_RESCREEN_DAYS"])


def visible_client(client_id: int) -> Client:
    return clients.client_or_404(get_session(), me(), client_id)


def owned_client(client_id: int, may: Callable[[User, Client], bool], what: str) -> Client:
    """The client, if `may(me(), client)` (the owner's rights); else a 403 that says why."""
    client = visible_client(client_id)
    if not may(me(), client):
        abort(403, description=clients.OWNER_ONLY.format(what=what))
    return client


def audit_client(action: str, client: Client, detail: str = "") -> None:
    assert client.id is not None
    audit.record(get_session(), user=me(), action=action, object_type="client",
                 object_id=client.id, detail=detail, client_id=client.id)


def render_client(client: Client, *, rename_form: RenameClientForm | None = None,
                  share_form: ShareClientForm | None = None,
                  stop_form: StopSharingForm | None = None, message: str | None = None,
                  status: int = 200) -> tuple[str, int]:
    """A client's page; the forms not given are shown empty (never filled from another
    form's post)."""
    db = get_session()
    shares = queries.shares(db, client=client)
    rename_form = rename_form or RenameClientForm(formdata=None, name=client.name or "",
                                                  record_number=client.record_number or "")
    share_form = share_form or ShareClientForm(formdata=None)
    stop_form = stop_form or StopSharingForm(colleagues=shares, formdata=None)
    return render_template(
        "counselor/client.html", client=client, stop_form=stop_form, shares=shares,
        owner=users.get_user(db, user_id=client.counselor_id),
        is_owner=clients.is_owner(me(), client), can_share=clients.can_share(me(), client),
        can_delete=clients.can_delete(me(), client), rename_form=rename_form,
        share_form=share_form, problems=(form_problems(rename_form)
                                         + form_problems(share_form, message)
                                         + form_problems(stop_form)),
        recent=screenings.summaries(db, client=client, limit=queries.RECENT_SCREENINGS),
        plans=plan_store.client_plans(db, client_id=client.id or 0),
        in_progress=progress.find(db, counselor_id=me().id or 0, client_id=client.id or 0,
                                  now=clock.now()),
        keep_for=progress.keep_for()), status
