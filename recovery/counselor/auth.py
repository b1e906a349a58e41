"""Who is signed in: server-side sessions, sign-in with lockout, and the sign-in check.

The browser's (encrypted) session cookie holds only a random token. The `UserSession` row it
points to decides whether the person is signed in, so signing out, disabling an account and the
time limits take effect on the server at once: a copied cookie stops working with them.

The workspace's parent blueprint (`workspace.py`) runs `guard_blueprint` before every view of
every child, so a view needs no decorator: inside one, `me()` is the signed-in user.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlmodel import Session

from recovery.counselor import attempts, audit, clock, passwords, users
from recovery.db import get_session
from recovery.models import User, UserSession
from recovery.templating import count_of

SESSION_KEY = "counselor_session"
_USER = "counselor_user"  # flask.g attribute: the signed-in User, or None
_SIGNED_OUT = "counselor_signed_out"  # flask.g attribute: why a session just ended
_LOGIN = "counselor_login"  # flask.g attribute: the signed-in user's UserSession

WRONG_CREDENTIALS = "That email address and password don't match. Please check them and try again."
ACCOUNT_DISABLED = ("This account has been switched off. If you still need it, please ask an "
                    "admin to switch it on again.")
PLEASE_SIGN_IN = "Please sign in to use the counselor workspace."
# How often a session's last activity is written down (so the idle timeout counts from the
# last recorded minute of activity).
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


# --- The signed-in user --------------------------------------------------------------------


def current_user() -> User | None:
    """The signed-in user for this request, or None; looked up once per request (cached on g).

    Call it before changing anything in the request's database session: on the first call it
    may commit (to record activity, or to end a timed-out session).
    """
    if _USER not in g:
        setattr(g, _USER, _load_user())
    user: User | None = g.get(_USER)
    return user


def current_session_started() -> datetime | None:
    """When the signed-in user's current session began (for "you signed in at ...")."""
    current_user()
    login: UserSession | None = g.get(_LOGIN)
    return login.created_at if login is not None else None


def me() -> User:
    """The signed-in user, inside a view behind the workspace's guard (never None there)."""
    user = current_user()
    assert user is not None and user.id is not None
    return user


def redirect_to_login() -> ResponseReturnValue:
    flash(signed_out_message(g.get(_SIGNED_OUT)), "info")
    # Only a page (GET) can be returned to; after a refused POST, start from the dashboard.
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("counselor.signin.login", next=safe_next_path(target)))


def safe_next_path(value: str | None) -> str | None:
    """`value` if it is a path on this site, else None: never send someone elsewhere after
    signing in (an "open redirect" would let a phishing link borrow our address)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def signed_out_message(reason: str | None) -> str:
    config = current_app.config
    if reason == "idle":
        return (f"You were signed out after {count_of(config['COUNSELOR_IDLE_MINUTES'], 'minute')} "
                "without activity, to protect your clients' privacy. Please sign in again.")
    if reason == "expired":
        return (f"You were signed out because you had been signed in for "
                f"{count_of(config['COUNSELOR_SESSION_HOURS'], 'hour')}, to protect your clients' "
                "privacy. Please sign in again.")
    if reason == "ended":
        return "You have been signed out. Please sign in again."
    return PLEASE_SIGN_IN


def _load_user() -> User | None:
    found = _live_login()
    if found is None:
        return None
    login, user = found
    _record_activity(login)
    setattr(g, _LOGIN, login)
    # Re-issue the cookie on every request: its encryption timestamp would otherwise expire it
    # PERMANENT_SESSION_LIFETIME after sign-in, whatever the counselor is doing.
    session.modified = True
    return user


def _live_login() -> tuple[UserSession, User] | None:
    """The cookie's sign-in and its user while it lasts, else None (and the cookie forgotten
    if it has ended)."""
    token = session.get(SESSION_KEY)
    if token is None:
        return None
    found = users.find_session(get_session(), token=token)
    if found is None or found[0].ended_at is not None or not found[1].is_active:
        _forget_cookie("ended")
        return None
    return None if _ended_for_time(*found) else found


def _ended_for_time(login: UserSession, user: User) -> bool:
    """End the session (on the server, audited, and in the cookie) if it has run out of time."""
    now = clock.now()
    reason = timeout_reason(login, now)
    if reason is None:
        return False
    db = get_session()
    users.end_session(db, login=login, reason=reason, now=now)
    audit.record(db, user=user, action="session_expired", object_type="user",
                 object_id=str(user.id), detail=reason)
    db.commit()
    _forget_cookie(reason)
    return True


def _record_activity(login: UserSession) -> None:
    # Recording every request would cost a write and a commit (an fsync on SQLite) per page;
    # to the minute is enough for a 15-minute idle timeout.
    now = clock.now()
    if now - login.last_seen_at >= LAST_SEEN_RESOLUTION:
        login.last_seen_at = now
        get_session().add(login)
        get_session().commit()


def timeout_reason(login: UserSession, now: datetime) -> str | None:
    """"idle" or "expired" when the session has run out of time, else None."""
    config = current_app.config
    if now - login.created_at >= timedelta(hours=config["COUNSELOR_SESSION_HOURS"]):
        return "expired"
    if now - login.last_seen_at >= timedelta(minutes=config["COUNSELOR_IDLE_MINUTES"]):
        return "idle"
    return None


def _forget_cookie(reason: str) -> None:
    # A client's answers in progress stay on the server (screenings/progress.py), for this
    # counselor only: the cookie never held them, so nothing is left behind in this browser.
    session.pop(SESSION_KEY, None)
    setattr(g, _SIGNED_OUT, reason)


# --- Signing in and out --------------------------------------------------------------------


@dataclass(frozen=True)
class LoginOutcome:
    """The user when the credentials are good, else None and the message to show."""

    user: User | None
    message: str = ""


def attempt_login(db: Session, *, email: str, password: str) -> LoginOutcome:
    """Check an email and password; may commit (the attempt's count, before the hash check).

    One rule for every address, with or without an account: an attempt takes a number in its
    address's window before any password is checked (from the account's row, or for an unknown
    address from its row in `unknown_address_attempts`, see `attempts`), on the same clock and
    in the same database, so every worker shares both counts. The window opens at the first
    attempt and lasts COUNSELOR_LOCKOUT_MINUTES; a success closes it. Attempts numbered up to
    COUNSELOR_LOCKOUT_ATTEMPTS are checked, and the last of them, if wrong, says the account is
    paused; later ones are refused unchecked until the window ends. Because the number is taken
    atomically, parallel guesses can't get more checks than that. Both paths write and commit
    once and then verify exactly one argon2 hash (a throw-away one when there is no account or
    it is paused), so neither the messages nor the time taken tell whether an account exists.
    """
    allowed = current_app.config["COUNSELOR_LOCKOUT_ATTEMPTS"]
    user = users.get_user_by_email(db, email=email)
    number = _take_attempt_number(db, user=user, email=email)
    if number > allowed:
        passwords.spend_verify_time(password)
        return _refuse(db, user, "account locked" if user else "unknown email address",
                       lockout_message())
    if user is None:
        passwords.spend_verify_time(password)
        return _refuse(db, None, "unknown email address", _failure_message(number))
    matches, new_hash = passwords.verify_password(user.password_hash, password)
    if not matches:
        detail = "wrong password; account locked" if number == allowed else "wrong password"
        return _refuse(db, user, detail, _failure_message(number))
    if not user.is_active:
        return _refuse(db, user, "account disabled", ACCOUNT_DISABLED)
    _signed_in_now(db, user, new_hash)
    return LoginOutcome(user)


def _take_attempt_number(db: Session, *, user: User | None, email: str) -> int:
    """Count the attempt in its address's window and commit at once; its number there."""
    window = timedelta(minutes=current_app.config["COUNSELOR_LOCKOUT_MINUTES"])
    if user is None:
        # Only debug and testing runs may lack a secret key (config.check_secret_key).
        number = attempts.reserve(db, email=users.normalize_email(email),
                                  secret=current_app.config.get("SECRET_KEY") or "",
                                  now=clock.now(), window=window)
    else:
        number = users.reserve_login_attempt(db, user=user, now=clock.now(), window=window)
    # Now, not with the rest: holding the row (on SQLite the whole database) locked through the
    # slow hash check would queue every other sign-in and write behind it.
    db.commit()
    return number


def _signed_in_now(db: Session, user: User, new_hash: str | None) -> None:
    """A good sign-in closes the attempts window (and upgrades an old hash)."""
    if new_hash is not None:
        user.password_hash = new_hash  # hashed with older parameters: upgrade it now
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = clock.now()
    db.add(user)


def _failure_message(number: int) -> str:
    """What a wrong password numbered `number` in its window is told."""
    if number < current_app.config["COUNSELOR_LOCKOUT_ATTEMPTS"]:
        return WRONG_CREDENTIALS
    return lockout_message()


def lockout_message() -> str:
    config = current_app.config
    attempts_allowed = count_of(config["COUNSELOR_LOCKOUT_ATTEMPTS"], "failed attempt")
    pause = count_of(config["COUNSELOR_LOCKOUT_MINUTES"], "minute")
    return (f"That email address and password don't match. After {attempts_allowed}, signing in "
            f"to this account is paused for up to {pause} to keep it safe. Please wait and try "
            "again, or ask an admin to unlock it.")


def _refuse(db: Session, user: User | None, detail: str, message: str) -> LoginOutcome:
    audit.record(db, user=None, action="login_failed", object_type="user",
                 object_id=str(user.id) if user is not None else "", detail=detail)
    return LoginOutcome(None, message)


def sign_in(db: Session, *, user: User) -> None:
    """Start a server-side session for `user` in this browser, replacing anything the browser
    held before (session fixation: a new sign-in never reuses an old cookie)."""
    end_browser_session(db, reason="replaced")
    token = users.start_session(db, user=user, now=clock.now())
    session.clear()
    session[SESSION_KEY] = token
    setattr(g, _USER, user)
    audit.record(db, user=user, action="login", object_type="user", object_id=str(user.id))


def sign_out(db: Session) -> None:
    user = current_user()
    end_browser_session(db, reason="logout")
    if user is not None:
        audit.record(db, user=user, action="logout", object_type="user",
                     object_id=str(user.id))
    session.clear()
    setattr(g, _USER, None)


def end_browser_session(db: Session, *, reason: str) -> None:
    """End the server-side session this browser's cookie points to, if any."""
    found = users.find_session(db, token=session.get(SESSION_KEY))
    if found is not None:
        users.end_session(db, login=found[0], reason=reason, now=clock.now())


def guard_blueprint(public_views: frozenset[str]) -> Callable[[], ResponseReturnValue | None]:
    """A before_request hook: every view not listed needs a signed-in user. `public_views` are
    endpoints relative to the blueprint the hook is declared on (the outermost one: for
    "counselor.signin.login" under the parent "counselor", "signin.login"), so they stay right
    under whatever name a blueprint is mounted."""

    def guard() -> ResponseReturnValue | None:
        outermost = request.blueprints[-1] if request.blueprints else ""
        view = (request.endpoint or "").removeprefix(outermost + ".")
        if view in public_views or current_user() is not None:
            return None
        return redirect_to_login()

    return guard
