"""The audit log: who did what to which object, and when.

Every view, change, export and deletion of client data is written through `record`, in the same
transaction as the change itself, so a change is never saved without its audit event (or the
other way round). Details are short and factual, what happened and to which record ("client 2;
path chosen"): never health data (paths, flags, scores, notes, answers), names or passwords,
since admins read the log page by page, or export it as CSV, without access to the clients.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from recovery.counselor import clock
from recovery.models import AuditEvent, User
from recovery.pagination import Page

# Closed on purpose: a misspelt action would otherwise vanish from every filter and report.
# Later slices add their own here.
ACTIONS = frozenset({
    "login", "login_failed", "logout", "session_expired",
    "user_created", "user_invited", "invitation_accepted", "user_disabled", "user_enabled",
    "view", "create", "update", "export", "delete",
})
MAX_DETAIL = 200
CSV_HEADER = ("time_utc", "user_id", "user_email", "action", "object_type", "object_id", "detail")
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def record(
    session: Session,
    *,
    user: User | None,
    action: str,
    object_type: str,
    object_id: str | int = "",
    detail: str = "",
) -> AuditEvent:
    """Add an audit event to `session` (the caller commits, together with the change).

    `user` is who acted (None when nobody is signed in, e.g. a failed sign-in or the command
    line). `object_id` is an id, never a name. `detail` is cut to 200 characters.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; add it to audit.ACTIONS")
    event = AuditEvent(
        at=clock.now(),
        user_id=user.id if user is not None else None,
        action=action,
        object_type=object_type[:40],
        object_id=str(object_id)[:64],
        detail=detail[:MAX_DETAIL],
    )
    session.add(event)
    return event


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
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: tuple[object, ...]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([csv_cell(c) for c in cells])
        return buffer.getvalue()

    yield line(CSV_HEADER)
    with Session(engine) as session:
        result = session.exec(_newest_first().execution_options(yield_per=batch))
        for event, email in result:
            row = _row(event, email)
            yield line((row.at.isoformat(), row.user_id, row.user_email, row.action,
                        row.object_type, row.object_id, row.detail))
