"""What the audit log page and its CSV read: events filtered by person, client, action and date
range, newest first, a page at a time, with names instead of ids.

Built to stay fast at millions of events (migration 0013 has the indexes):

- pages are found by position, not counted off (`before`/`after` an event: keyset paging on
  (at, id)), so the 20,000th page costs what the first does;
- how many events match is counted only up to COUNT_CAP ("more than 10,000");
- the client filter is the client's code, looked up inside the query; a client's events carry
  `client_id`, so a client's screenings and plans are found with them.

Every page is the same four queries, whatever the log holds: the accounts (for the person
filter and the names), the capped count, the page of events with their client's code, and the
viewer's session check before them. Client names are shown only to someone who may open that
client (`clients.visible_to`): an admin reads the log without access to the clients.
"""

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Engine, case, func, literal, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from recovery import localtime
from recovery.counselor.admin.audit_words import sentence
from recovery.counselor.clients import visible_to
from recovery.models import AuditEvent, Client, User

COUNT_CAP = 10_000
CSV_HEADER = ("time_utc", "time_local", "user_id", "user_name", "user_email", "action",
              "what", "object_type", "object_id", "client_id", "client_code", "detail")
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Filters:
    """What the admin asked for; empty means any. Dates are local days, both included."""

    user_id: int | None = None
    client_code: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as the page's query string, for its links."""
        values = {"person": str(self.user_id or ""), "client": self.client_code,
                  "action": self.action, "since": self.since.isoformat() if self.since else "",
                  "until": self.until.isoformat() if self.until else ""}
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: just older (`before`) or just newer (`after`) than an event."""

    event_id: int
    older: bool


@dataclass(frozen=True)
class EventRow:
    id: int
    at: datetime
    user_id: int | None
    who: str  # the actor's name and address, "" when nobody was signed in
    action: str
    what: str  # the event in words
    object_type: str
    object_id: str
    client_id: int | None
    client_code: str | None  # None: the client has been deleted (or none)
    client_name: str | None  # only if the viewer may open the client
    detail: str


@dataclass(frozen=True)
class LogPage:
    rows: list[EventRow]
    matching: int  # up to COUNT_CAP + 1
    newer: int | None  # the first row's id, when newer events exist
    older: int | None  # the last row's id, when older events exist

    @property
    def more_than_cap(self) -> bool:
        return self.matching > COUNT_CAP


def account_label(name: str, email: str) -> str:
    return f"{name} ({email})"


def account_names(session: Session) -> dict[int, str]:
    """Every account's name and address, by address: the names the log shows, and the person
    filter's choices. Three columns rather than whole accounts: the filter lists every account
    (200 at the scale benchmark's full size): whole accounts cost 2 of the page's 15 ms."""
    return {user_id: account_label(name, email) for user_id, name, email in session.exec(
        select(User.id, User.display_name, User.email).order_by(col(User.email))).all()
            if user_id is not None}


def conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """The WHERE clauses for `filters`; each is served by an index ending in (at, id)."""
    found: list[ColumnElement[bool]] = []
    if filters.user_id is not None:
        found.append(col(AuditEvent.user_id) == filters.user_id)
    if filters.client_code:
        found.append(col(AuditEvent.client_id) == select(Client.id).where(
            col(Client.code) == filters.client_code).scalar_subquery())
    if filters.action:
        found.append(col(AuditEvent.action) == filters.action)
    if filters.since is not None:
        found.append(col(AuditEvent.at) >= localtime.start_of_day(filters.since))
    if filters.until is not None:
        found.append(col(AuditEvent.at) < localtime.end_of_day(filters.until))
    return found


def past(cursor: Cursor) -> ColumnElement[bool]:
    """Events older (or newer) than the cursor's event, in (at, id) order."""
    other = aliased(AuditEvent)
    its_time = select(other.at).where(other.id == cursor.event_id).scalar_subquery()
    here, there = tuple_(col(AuditEvent.at), col(AuditEvent.id)), tuple_(its_time,
                                                                          cursor.event_id)
    return here < there if cursor.older else here > there


def page(session: Session, *, filters: Filters, viewer: User, names: Mapping[int, str],
         cursor: Cursor | None, size: int) -> LogPage:
    """One page of matching events, newest first: two queries."""
    where = conditions(filters)
    capped = select(literal(1)).select_from(AuditEvent).where(*where).limit(COUNT_CAP + 1)
    matching = session.exec(select(func.count()).select_from(capped.subquery())).one()
    newest_first = cursor is None or cursor.older
    query = events_query(viewer).where(*where, *([past(cursor)] if cursor else []))
    found = list(session.exec(ordered(query, newest_first=newest_first).limit(size + 1)).all())
    more = len(found) > size
    found = found[:size] if newest_first else found[:size][::-1]
    rows = [event_row(*row, names=names) for row in found]
    if not rows:
        return LogPage(rows, int(matching), None, None)
    # Newer events exist past a cursor we came back from, or past a full page going newer;
    # older ones past a full page going older, or past a cursor we came forward from.
    has_newer = cursor is not None and (cursor.older or more)
    has_older = (newest_first and more) or (cursor is not None and not cursor.older)
    return LogPage(rows, int(matching), rows[0].id if has_newer else None,
                   rows[-1].id if has_older else None)


def events_query(viewer: User | None) -> Select[AuditEvent, str, Any]:
    """Events with their client's code, and name when `viewer` may open the client."""
    name = (case((visible_to(viewer), col(Client.name)), else_=None) if viewer is not None
            else literal(None))
    return (select(AuditEvent, col(Client.code), name)
            .outerjoin(Client, col(Client.id) == col(AuditEvent.client_id)))


def ordered(query: Select, *, newest_first: bool) -> Select:
    at, event_id = col(AuditEvent.at), col(AuditEvent.id)
    return query.order_by(*((at.desc(), event_id.desc()) if newest_first else (at, event_id)))


def event_row(event: AuditEvent, code: str | None, name: str | None, *,
              names: Mapping[int, str]) -> EventRow:
    assert event.id is not None
    return EventRow(
        id=event.id, at=event.at, user_id=event.user_id,
        who=names.get(event.user_id, "a removed account") if event.user_id is not None else "",
        action=event.action, what=sentence(action=event.action, object_type=event.object_type,
                                           object_id=event.object_id, detail=event.detail,
                                           names=names),
        object_type=event.object_type, object_id=event.object_id, client_id=event.client_id,
        client_code=code, client_name=name, detail=event.detail)


# --- CSV -------------------------------------------------------------------------------------


def csv_cell(value: object) -> str:
    """The value as text, with a leading quote if a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_line(cells: tuple[object, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([csv_cell(c) for c in cells])
    return buffer.getvalue()


def csv_lines(engine: Engine, *, filters: Filters, batch: int = 500) -> Iterator[str]:
    """The matching events as CSV lines, newest first, read in batches from their own session
    (the download streams after the request's session has closed, so everything that needs
    the app is worked out now). No client names: a file leaves the app."""
    query = ordered(events_query(None).where(*conditions(filters)), newest_first=True)
    return _csv_rows(engine, query.execution_options(yield_per=batch), localtime.zone())


def _csv_rows(engine: Engine, query: Select, zone: ZoneInfo) -> Iterator[str]:
    yield csv_line(CSV_HEADER)
    with Session(engine) as session:
        people = {user.id: user for user in session.exec(select(User)).all()}
        names = {user_id: account_label(user.display_name, user.email)
                 for user_id, user in people.items() if user_id is not None}
        for event, code, _name in session.exec(query):
            row, user = event_row(event, code, None, names=names), people.get(event.user_id)
            yield csv_line((row.at.isoformat(), row.at.astimezone(zone).isoformat(),
                            row.user_id, user.display_name if user else "",
                            user.email if user else "", row.action, row.what,
                            row.object_type, row.object_id, row.client_id, row.client_code,
                            row.detail))
