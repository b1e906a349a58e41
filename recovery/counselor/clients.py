"""Persistence for the caseload: clients, their pseudonymous codes and sharing. Small
keyword-only functions that never commit (the view commits once, with its audit event).

Access is decided in one place, `client_or_404`: a counselor sees their own clients and those
shared with them, and nothing else; everyone else gets a 404, so a guessed id reveals nothing,
not even that the client exists. Admins get no special access. What may be done to a client
once it is open is decided here too (`can_delete`, `can_share`): see "Access" below.
"""

import secrets
from datetime import datetime

from flask import abort
from sqlalchemy import ColumnElement, delete, func, or_
from sqlmodel import Session, col, select

from recovery.counselor import users
from recovery.models import Client, ClientShare, User
from recovery.pagination import Page

# No 0/O, 1/I/L, U: codes are read aloud and copied by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 2
CODE_GROUP_LENGTH = 4
MAX_NAME_LENGTH = 80
MAX_NOTE_LENGTH = 200
MAX_QUERY_LENGTH = 80
PAGE_SIZE = 25


class ClientError(Exception):
    """A request about clients we turn down, with a message for the person."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


# --- Checking input ------------------------------------------------------------------------


def new_code() -> str:
    """A random code like C-7KQ4-M2XD (about 49 bits): never derived from anything about the
    person, so it can be written on paper without identifying them."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
              for _ in range(CODE_GROUPS))
    return "C-" + "-".join(groups)


def name_problem(name: str) -> str | None:
    """Checks an optional name (empty is fine)."""
    if len(name.strip()) > MAX_NAME_LENGTH:
        return f"Please keep the name to {MAX_NAME_LENGTH} characters or fewer."
    if users.CONTROL_RE.search(name):
        return "Please remove the unusual invisible characters from the name."
    return None


def note_problem(note: str) -> str | None:
    if len(note.strip()) > MAX_NOTE_LENGTH:
        return f"Please keep the note to {MAX_NOTE_LENGTH} characters or fewer."
    if users.CONTROL_RE.search(note):
        return "Please remove the unusual invisible characters from the note."
    return None


def query_problem(query: str) -> str | None:
    if len(query) > MAX_QUERY_LENGTH:
        return f"Please search with at most {MAX_QUERY_LENGTH} characters."
    if users.CONTROL_RE.search(query):
        return "Please remove the unusual invisible characters from the search."
    return None


# --- Access --------------------------------------------------------------------------------


def visible_to(user: User) -> ColumnElement[bool]:
    """The condition for clients `user` may open: their own, or shared with them."""
    shared = select(ClientShare.client_id).where(col(ClientShare.user_id) == user.id)
    return or_(col(Client.counselor_id) == user.id, col(Client.id).in_(shared))


def client_or_404(session: Session, user: User, client_id: int) -> Client:
    """The client if `user` may open it, else a 404 (also when it doesn't exist): every client
    view goes through here, so there is one rule to check."""
    found = session.exec(select(Client).where(col(Client.id) == client_id,
                                              visible_to(user))).first()
    if found is None:
        abort(404)
    return found


def is_owner(user: User, client: Client) -> bool:
    return client.counselor_id == user.id


# Everyone a client is shared with works on them: screenings, notes, plans, the name. Erasing
# anything (the client, a screening, a plan with all its versions) and deciding who else may
# open the client stay with the owner, who answers for the record: a colleague can't take away
# what they were lent. Views refuse with a 403 and OWNER_ONLY, and templates ask the same
# functions whether to show the button.
OWNER_ONLY = ("Only the counselor who added this client can {what}. Please ask them if it "
              "needs doing. Nothing changed.")


def can_delete(user: User, client: Client) -> bool:
    """Whether `user` may erase `client` or anything recorded about them."""
    return is_owner(user, client)


def can_share(user: User, client: Client) -> bool:
    """Whether `user` may share `client` with a colleague, or stop sharing."""
    return is_owner(user, client)


# --- The caseload --------------------------------------------------------------------------


CaseloadPage = Page[Client]


def caseload(session: Session, *, user: User, query: str = "", number: int = 1,
             size: int = PAGE_SIZE) -> CaseloadPage:
    """Page `number` (from 1) of the clients `user` may open, newest first, optionally only
    those whose code or name contains `query` (any case). Two queries, whatever the size."""
    conditions = [visible_to(user)]
    query = query.strip()
    if query:
        # Escape LIKE's wildcards: a search for "50%" means those characters.
        pattern = "%" + (query.lower().replace("\\", "\\\\").replace("%", "\\%")
                         .replace("_", "\\_")) + "%"
        conditions.append(or_(func.lower(col(Client.code)).like(pattern, escape="\\"),
                              func.lower(col(Client.name)).like(pattern, escape="\\")))
    total = session.exec(select(func.count()).select_from(Client).where(*conditions)).one()
    rows = session.exec(select(Client).where(*conditions)
                        .order_by(col(Client.created_at).desc(), col(Client.id).desc())
                        .offset((number - 1) * size).limit(size)).all()
    return CaseloadPage(rows=list(rows), number=number, size=size, total=int(total))


def create_client(session: Session, *, owner: User, name: str, consent_note: str,
                  now: datetime) -> Client:
    """Add a client with a fresh unique code; the caller has checked that consent was given."""
    problem = name_problem(name) or note_problem(consent_note)
    if problem is not None:
        raise ClientError(problem)
    assert owner.id is not None
    code = new_code()
    # ~49 bits: a clash is very unlikely, but checking costs one query and makes it impossible.
    while session.exec(select(Client.id).where(col(Client.code) == code)).first() is not None:
        code = new_code()
    client = Client(counselor_id=owner.id, code=code, name=name.strip() or None,
                    consent_given_at=now, consent_note=consent_note.strip(), created_at=now,
                    updated_at=now)
    session.add(client)
    session.flush()  # the id, for the audit event
    return client


def rename(session: Session, *, client: Client, name: str, now: datetime) -> None:
    problem = name_problem(name)
    if problem is not None:
        raise ClientError(problem)
    client.name = name.strip() or None
    client.updated_at = now
    session.add(client)


def shares(session: Session, *, client: Client) -> list[User]:
    """The counselors `client` is shared with, by email."""
    return list(session.exec(
        select(User).join(ClientShare, col(ClientShare.user_id) == col(User.id))
        .where(col(ClientShare.client_id) == client.id).order_by(col(User.email))
    ).all())


def share(session: Session, *, client: Client, email: str, now: datetime) -> User:
    """Share `client` with the active counselor at `email`; returns them."""
    other = users.get_user_by_email(session, email=email)
    # One message for "no account" and "switched off": either way there is nobody to share with.
    if other is None or not other.is_active:
        raise ClientError("There is no active account with that email address. Please check "
                          "it, or ask an admin to invite them first.")
    if other.id == client.counselor_id:
        raise ClientError("This is your own client already.")
    exists = session.exec(select(ClientShare.id).where(
        col(ClientShare.client_id) == client.id, col(ClientShare.user_id) == other.id)).first()
    if exists is not None:
        raise ClientError(f"This client is already shared with {other.email}.")
    assert client.id is not None and other.id is not None
    session.add(ClientShare(client_id=client.id, user_id=other.id, created_at=now))
    client.updated_at = now
    session.add(client)
    return other


def unshare(session: Session, *, client: Client, other: User, now: datetime) -> None:
    """Stop sharing `client` with `other`: from their next request on, the client is a 404 for
    them like any other. What they recorded (screenings, plan versions) stays with the client."""
    outcome = session.exec(delete(ClientShare).where(col(ClientShare.client_id) == client.id,
                                                     col(ClientShare.user_id) == other.id))
    if not outcome.rowcount:  # stopped meanwhile, say from another tab
        raise ClientError(f"This client isn't shared with {other.email} any more. "
                          "Nothing changed.")
    client.updated_at = now
    session.add(client)


def delete_client(session: Session, *, client: Client) -> None:
    """Erase the client; the database cascades to shares (and later, everything else)."""
    # Explicit too, so nothing depends on the ORM knowing about the cascade.
    session.exec(delete(ClientShare).where(col(ClientShare.client_id) == client.id))
    session.delete(client)
