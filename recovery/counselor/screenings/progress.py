"""A counselor's screening of a client in progress, kept on the server (`ScreeningInProgress`):
one row per counselor and client, so signing out (the idle limit in the middle of a long
safety conversation, say) loses nothing, and the counselor goes on from the client's page
after signing in again.

A row counts for COUNSELOR_SCREENING_KEEP_HOURS after its last change: older ones are never
read again, and `flask purge-expired` deletes them. These functions never commit; the mount
(recovery/counselor/screenings/mount.py) commits each change at once, with the step it belongs
to. Nothing here is logged or audited beyond what the views already record (ids only).
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from recovery.models import ScreeningInProgress
from recovery.screening.answers import Answers


def keep_for() -> timedelta:
    """How long a screening in progress is kept after its last change."""
    return timedelta(hours=current_app.config["COUNSELOR_SCREENING_KEEP_HOURS"])


def find(session: Session, *, counselor_id: int, client_id: int, now: datetime
         ) -> ScreeningInProgress | None:
    """This counselor's screening in progress of this client, unless its time is up."""
    return session.exec(select(ScreeningInProgress).where(
        col(ScreeningInProgress.counselor_id) == counselor_id,
        col(ScreeningInProgress.client_id) == client_id,
        col(ScreeningInProgress.updated_at) > now - keep_for())).first()


def keep(session: Session, *, counselor_id: int, client_id: int, answers: Answers,
         content_version: str, now: datetime, restart: bool = False) -> None:
    """Store the answers so far (`restart`: as a new screening, started now).

    One INSERT ... ON CONFLICT DO UPDATE, so a double-clicked "Start" or two tabs never meet a
    duplicate-key error."""
    table = ScreeningInProgress.__table__  # type: ignore[attr-defined]  # SQLModel sets it
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(
        counselor_id=counselor_id, client_id=client_id, answers=answers,
        content_version=content_version, started_at=now, updated_at=now)
    changed = ["answers", "content_version", "updated_at", *(["started_at"] if restart else [])]
    session.exec(statement.on_conflict_do_update(
        index_elements=[table.c.counselor_id, table.c.client_id],
        set_={name: statement.excluded[name] for name in changed}))


def discard(session: Session, *, counselor_id: int, client_id: int) -> None:
    session.exec(delete(ScreeningInProgress).where(
        col(ScreeningInProgress.counselor_id) == counselor_id,
        col(ScreeningInProgress.client_id) == client_id))


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete the screenings in progress whose time is up; how many."""
    outcome = session.exec(delete(ScreeningInProgress)
                           .where(col(ScreeningInProgress.updated_at) <= now - keep_for()))
    return int(outcome.rowcount)
