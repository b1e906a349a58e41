"""What the caseload pages change: adding, renaming (and the record number), sharing, stopping
sharing and deleting a client. Small keyword-only functions that never commit: the view
commits once, with its audit event. A change that can't be made raises `clients.ClientError`
(a 422 with its words)."""

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from recovery.counselor import users
from recovery.counselor.clients import (
    ClientError,
    name_problem,
    new_code,
    note_problem,
    record_number_problem,
)
from recovery.models import Client, ClientShare, User


def create_client(session: Session, *, owner: User, name: str, consent_note: str,
                  now: datetime, record_number: str = "") -> Client:
    """Add a client with a fresh unique code; the caller has checked that consent was given."""
    problem = (name_problem(name) or note_problem(consent_note)
               or record_number_problem(record_number))
    if problem is not None:
        raise ClientError(problem)
    assert owner.id is not None
    client = Client(counselor_id=owner.id, code=unused_code(session), name=name.strip() or None,
                    record_number=record_number.strip() or None, consent_given_at=now,
                    consent_note=consent_note.strip(), created_at=now,
                    updated_at=now)
    session.add(client)
    session.flush()  # the id, for the audit event
    return client


def unused_code(session: Session) -> str:
    """A new client code that no client has yet."""
    code = new_code()
    # ~49 bits: a clash is very unlikely, but checking costs one query and makes it impossible.
    while session.exec(select(Client.id).where(col(Client.code) == code)).first() is not None:
        code = new_code()
    return code


def set_details(session: Session, *, client: Client, name: str, record_number: str,
                now: datetime) -> list[str]:
    """Change the client's name and record number; returns which of them changed ("name",
    "record number"), for the audit event, which never says what they are."""
    problem = name_problem(name) or record_number_problem(record_number)
    if problem is not None:
        raise ClientError(problem)
    new = {"name": name.strip() or None, "record_number": record_number.strip() or None}
    changed = [field for field, value in new.items() if getattr(client, field) != value]
    for field in changed:
        setattr(client, field, new[field])
    client.updated_at = now
    session.add(client)
    return [field.replace("_", " ") for field in changed]


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
    """Erase the client; the database cascades to shares, screenings and plans."""
    # Explicit too, so nothing depends on the ORM knowing about the cascade.
    session.exec(delete(ClientShare).where(col(ClientShare.client_id) == client.id))
    session.delete(client)
