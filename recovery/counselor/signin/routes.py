"""Signing in and out, and accepting an invitation (the account's name and password).

The sign-in form is limited per client address (COUNSELOR_LOGIN_RATE_LIMIT, a 429 with its
own words past that); the lockout per email address is `auth.attempt_login`'s.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session
from werkzeug.wrappers import Response

from recovery.counselor import audit, auth, clock, users
from recovery.counselor.auth import current_user
from recovery.counselor.forms import form_problems
from recovery.counselor.signin.forms import AcceptInvitationForm, LoginForm
from recovery.db import get_session
from recovery.models import Invitation, User
from recovery.security import limiter

bp = Blueprint("signin", __name__)

INVITATION_GONE = ("This invitation link doesn't work any more: it may have been used already, "
                   "or it expired. Please ask your admin for a new one.")
TOO_MANY_SIGN_INS = ("Too many sign-in attempts from this network in a short time. Please wait "
                     "a minute, then try again.")


def login_rate_limit() -> str:
    return str(current_app.config["COUNSELOR_LOGIN_RATE_LIMIT"])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"], error_message=TOO_MANY_SIGN_INS)
def login() -> ResponseReturnValue:
    if current_user() is not None:
        return redirect(url_for("counselor.caseload.dashboard"))
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
    return redirect(next_path or url_for("counselor.caseload.dashboard"))


@bp.post("/logout")
def logout() -> Response:
    db = get_session()
    auth.sign_out(db)
    db.commit()
    flash("You have signed out. Thank you for keeping your clients' information safe.", "success")
    return redirect(url_for(".login"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> ResponseReturnValue:
    db = get_session()
    invitation = users.find_invitation(db, token=token, now=clock.now())
    if invitation is None:
        abort(404, description=INVITATION_GONE)
    form = AcceptInvitationForm(email=invitation.email)
    if not form.validate_on_submit():
        return render_accept(invitation, form, status=422 if form.errors else 200)
    user = make_account(db, invitation, form)
    audit.record(db, user=user, action="invitation_accepted", object_type="invitation",
                 object_id=str(invitation.id))
    auth.sign_in(db, user=user)
    db.commit()
    flash(f"Welcome, {user.display_name}. Your account is ready.", "success")
    return redirect(url_for("counselor.caseload.dashboard"))


def make_account(db: Session, invitation: Invitation, form: AcceptInvitationForm) -> User:
    """The invited account, from the form; 409 if the invitation was used in the meantime."""
    try:
        return users.accept_invitation(db, invitation=invitation, password=form.password.data,
                                       display_name=form.display_name.data, now=clock.now())
    except users.AccountError as error:
        abort(409, description=error.message + " Please ask your admin for a new invitation.")


def render_login(form: LoginForm, *, message: str | None = None,
                 status: int = 200) -> tuple[str, int]:
    return render_template("counselor/login.html", form=form,
                           problems=form_problems(form, message)), status


def render_accept(invitation: Invitation, form: AcceptInvitationForm, *,
                  status: int = 200) -> tuple[str, int]:
    return render_template("counselor/accept.html", invitation=invitation, form=form,
                           problems=form_problems(form)), status
