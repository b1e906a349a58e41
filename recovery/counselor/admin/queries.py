"""What the admin pages read: the audit log page by page and as CSV, and everyone's accounts
with their state. Reads only (the CSV download's own audit event is the view's)."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from recovery.counselor import users
from recovery.models import AuditEvent, Invitation, User
from recovery.pagination import Page

CSV_HEADER = ("time_utc", "user_id", "user_email", "action", "object_type", "object_id", "detail")
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Accounts:
    """The users page: every account, which are locked out now, and invitations not yet used."""

    users: list[User]
    locked: set[int]
    invitations: list[Invitation]


def accounts(session: Session, *, now: datetime, attempts: int) -> Accounts:
    everyone = users.list_users(session)
    locked = {user.id for user in everyone
              if user.id is not None and users.is_locked(user, now=now, attempts=attempts)}
    return Accounts(everyone, locked, users.pending_invitations(session, now=now))


@dataclass(frozen=True)
class EventRow:
    """An event as the log page and the CSV show it: with the actor's email, if any."""

    id: int
    at: datetime
    user_id: int | None
    user_email: str
    action: str
    object_type: str
    object_id: str
    detail: str


EventPage = Page[EventRow]


def _newest_first() -> Select[AuditEvent, str | None]:
    return (
        select(AuditEvent, User.email)
        .outerjoin(User, col(User.id) == col(AuditEvent.user_id))
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )


def _row(event: AuditEvent, email: str | None) -> EventRow:
    assert event.id is not None
    return EventRow(id=event.id, at=event.at, user_id=event.user_id, user_email=email or "",
                    action=event.action, object_type=event.object_type,
                    object_id=event.object_id, detail=event.detail)


def page(session: Session, *, number: int, size: int) -> EventPage:
    """Page `number` (from 1) of the log, newest first: two queries, whatever the log's size."""
    total = session.exec(select(func.count()).select_from(AuditEvent)).one()
    found = session.exec(_newest_first().offset((number - 1) * size).limit(size)).all()
    return EventPage(rows=[_row(e, email) for e, email in found], number=number, size=size,
                     total=int(total))


def csv_cell(value: object) -> str:
    """The value as text, with a leading quote if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(engine: Engine, *, batch: int = 500) -> Iterator[str]:
    """The whole log as CSV lines, newest first, read in batches from its own session (the
    download streams after the request's session has closed)."""
    yield csv_line(CSV_HEADER)
    with Session(engine) as session:
        result = session.exec(_newest_first().execution_options(yield_per=batch))
        for event, email in result:
            row = _row(event, email)
            yield csv_line((row.at.isoformat(), row.user_id, row.user_email, row.action,
                            row.object_type, row.object_id, row.detail))


def csv_line(cells: tuple[object, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(c) for c in cells])
    return buffer.getvalue()
