"""Persistence for accounts, sign-in sessions and invitations: small keyword-only functions
that never commit (the view or command commits once).

Tokens (session cookies, invitation links) are random 256-bit strings handed out once; only
their SHA-256 is stored, as for saved results, so a copy of the database opens nothing.
"""

import re
from datetime import datetime, timedelta

from sqlalchemy import case, literal, or_, update
from sqlmodel import Session, col, select

from recovery.counselor import passwords
from recovery.models import ROLES, Invitation, User, UserSession
from recovery.text import text_problem
from recovery.tokens import hash_token, is_well_formed_token, new_token

# Deliberately loose: one @, something on each side, a dot in the domain. Real checking is the
# admin reading the address and the invitation reaching the right person.
EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 100


class AccountError(Exception):
    """A request about accounts we turn down, with a message for the person."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# --- Checking input ------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    """Addresses are compared and stored lowercased, so Ann@x.org and ann@x.org are one account."""
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    email = normalize_email(email)
    if not email:
        return "Please enter an email address."
    if len(email) > MAX_EMAIL_LENGTH:
        return f"Please use an email address of at most {MAX_EMAIL_LENGTH} characters."
    if not EMAIL_RE.fullmatch(email) or not is_one_line_text(email):
        return "Please enter an email address like name@example.org."
    return None


def is_one_line_text(text: str) -> bool:
    """Whether `text` passes the one text rule for a line (no control characters or breaks)."""
    return text_problem(text, limit=len(text), one_line=True) is None


def display_name_problem(name: str) -> str | None:
    if not name.strip():
        return "Please enter a name."
    return text_problem(name, limit=MAX_NAME_LENGTH, what="the name", one_line=True)


def role_problem(role: str) -> str | None:
    return None if role in ROLES else "Please choose admin or counselor."


# --- Users ---------------------------------------------------------------------------------


def get_user(session: Session, *, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_email(session: Session, *, email: str) -> User | None:
    email = normalize_email(email)
    # No account can have such an address, and PostgreSQL refuses NUL characters outright.
    if len(email) > MAX_EMAIL_LENGTH or not is_one_line_text(email):
        return None
    return session.exec(select(User).where(col(User.email) == email)).first()


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.email))).all())


def create_user(session: Session, *, email: str, display_name: str, role: str, password: str,
                now: datetime) -> User:
    """Add an account after checking every field; AccountError says what is wrong."""
    problem = (email_problem(email) or display_name_problem(display_name) or role_problem(role)
               or passwords.password_problem(password, email=email, name=display_name))
    if problem is not None:
        raise AccountError(problem)
    if get_user_by_email(session, email=email) is not None:
        raise AccountError(f"There is already an account for {normalize_email(email)}.")
    user = User(email=normalize_email(email), display_name=display_name.strip(), role=role,
                password_hash=passwords.hash_password(password), created_at=now)
    session.add(user)
    session.flush()  # the id, for the audit event
    return user


def set_active(session: Session, *, user: User, is_active: bool, now: datetime) -> None:
    """Disable or re-enable an account. Disabling ends all its sessions at once; re-enabling
    also lifts any lockout, so an admin can help someone locked out by another's guessing."""
    user.is_active = is_active
    if is_active:
        user.failed_logins = 0
        user.locked_until = None
    else:
        end_user_sessions(session, user=user, reason="disabled", now=now)
    session.add(user)


def reserve_login_attempt(session: Session, *, user: User, now: datetime,
                          window: timedelta) -> int:
    """Count one sign-in attempt against `user`, before its password is checked, and return its
    number in the current window (which opens at the first attempt after the last one ran out,
    and lasts `window`; `locked_until` holds its end).

    One UPDATE ... RETURNING: parallel attempts each get a number of their own, so no more of
    them than the lockout allows can ever reach the password check. (In SQL every SET reads the
    row as it was, so both CASEs see the same old window.)
    """
    window_ended = or_(col(User.locked_until).is_(None), col(User.locked_until) <= now)
    # Typed as the column, so SQLite stores it in the same form as other datetimes.
    window_end = literal(now + window, type_=User.__table__.c.locked_until.type)  # type: ignore[attr-defined]  # SQLModel sets it
    number = session.exec(
        update(User).where(col(User.id) == user.id)
        .values(failed_logins=case((window_ended, 1), else_=col(User.failed_logins) + 1),
                locked_until=case((window_ended, window_end), else_=col(User.locked_until)))
        .returning(col(User.failed_logins))
    ).scalar_one()
    session.refresh(user)
    return int(number)


def is_locked(user: User, *, now: datetime, attempts: int) -> bool:
    """Whether `user` has used up its `attempts` in a window that hasn't ended."""
    return (user.failed_logins >= attempts and user.locked_until is not None
            and user.locked_until > now)


# --- Sign-in sessions ----------------------------------------------------------------------


def start_session(session: Session, *, user: User, now: datetime) -> str:
    """Add a sign-in session for `user`; returns its token (kept only in the browser's cookie)."""
    assert user.id is not None
    token = new_token()
    session.add(UserSession(token_hash=hash_token(token), user_id=user.id, created_at=now,
                            last_seen_at=now))
    return token


def find_session(session: Session, *, token: object) -> tuple[UserSession, User] | None:
    """The sign-in session for `token` and its user (ended ones too), or None."""
    if not is_well_formed_token(token):
        return None
    assert isinstance(token, str)
    row = session.exec(
        select(UserSession, User).join(User, col(User.id) == col(UserSession.user_id))
        .where(col(UserSession.token_hash) == hash_token(token))
    ).first()
    return (row[0], row[1]) if row is not None else None


def end_session(session: Session, *, login: UserSession, reason: str, now: datetime) -> None:
    if login.ended_at is None:
        login.ended_at = now
        login.end_reason = reason
        session.add(login)


def end_user_sessions(session: Session, *, user: User, reason: str, now: datetime) -> int:
    """End every open session of `user`; returns how many there were."""
    outcome = session.exec(
        update(UserSession)
        .where(col(UserSession.user_id) == user.id, col(UserSession.ended_at).is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return int(outcome.rowcount)


# --- Invitations ---------------------------------------------------------------------------


def create_invitation(session: Session, *, email: str, role: str, created_by: User,
                      now: datetime, valid_for: timedelta) -> tuple[Invitation, str]:
    """A new invitation and its token (to show once). Earlier unused invitations for the same
    address stop working, so only the newest link is ever live."""
    email = _new_account_email(session, email=email, role=role)
    _expire_invitations(session, email=email, now=now)
    token = new_token()
    invitation = Invitation(token_hash=hash_token(token), email=email, role=role,
                            created_by=created_by.id, created_at=now, expires_at=now + valid_for)
    session.add(invitation)
    session.flush()
    return invitation, token


def _new_account_email(session: Session, *, email: str, role: str) -> str:
    """The address, normalized, if an account with it and `role` may be made; else AccountError
    says why not."""
    problem = email_problem(email) or role_problem(role)
    if problem is not None:
        raise AccountError(problem)
    email = normalize_email(email)
    if get_user_by_email(session, email=email) is not None:
        raise AccountError(f"There is already an account for {email}.")
    return email


def _expire_invitations(session: Session, *, email: str, now: datetime) -> None:
    """The address's unused invitations stop working now."""
    session.exec(
        update(Invitation)
        .where(col(Invitation.email) == email, col(Invitation.used_at).is_(None),
               col(Invitation.expires_at) > now)
        .values(expires_at=now)
    )


def find_invitation(session: Session, *, token: str, now: datetime) -> Invitation | None:
    """The invitation for `token` if it can still be used (unused and not expired), else None."""
    if not is_well_formed_token(token):
        return None
    return session.exec(
        select(Invitation).where(
            col(Invitation.token_hash) == hash_token(token),
            col(Invitation.used_at).is_(None),
            col(Invitation.expires_at) > now,
        )
    ).first()


def pending_invitations(session: Session, *, now: datetime) -> list[Invitation]:
    return list(session.exec(
        select(Invitation)
        .where(col(Invitation.used_at).is_(None), col(Invitation.expires_at) > now)
        .order_by(col(Invitation.created_at).desc())
    ).all())


def accept_invitation(session: Session, *, invitation: Invitation, display_name: str,
                      password: str, now: datetime) -> User:
    """Make the invited account and use up the invitation.

    The invitation is marked used by a conditional UPDATE, so two people racing with the same
    link cannot both get an account from it.
    """
    _use_up(session, invitation=invitation, now=now)
    return create_user(session, email=invitation.email, display_name=display_name,
                       role=invitation.role, password=password, now=now)


def _use_up(session: Session, *, invitation: Invitation, now: datetime) -> None:
    """Mark the invitation used, unless it already is: then AccountError."""
    used = session.exec(
        update(Invitation)
        .where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
        .values(used_at=now)
    )
    if used.rowcount != 1:
        raise AccountError("This invitation has already been used.")
