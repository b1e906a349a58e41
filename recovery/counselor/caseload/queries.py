"""What the caseload pages read: a page of clients, a client's colleagues, what a client's page
and history show. Reads only; access is `clients.visible_clients` / `clients.client_or_404`."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from recovery.counselor.clients import PAGE_SIZE, visible_clients
from recovery.counselor.screenings import queries as screenings
from recovery.models import Client, ClientScreening, ClientShare, RelapsePlan, User
from recovery.pagination import Page
from recovery.plans import store as plan_store

# How many screenings a client's page lists (the history has them all).
RECENT_SCREENINGS = 5
# How the caseload can be ordered (the `sort` query argument), with the words its links show.
SORTS = {"added": "newest first", "due": "longest since a screening first",
         "code": "by code", "name": "by name"}
# How many the dashboard lists under each heading (the caseload, sorted, has the rest).
DASHBOARD_LIST = 10


@dataclass(frozen=True)
class ClientBrief:
    """The few columns of a client the dashboard lists (cheaper than a whole Client row, for
    every client of a caseload)."""

    id: int
    code: str
    name: str | None
    created_at: datetime


@dataclass(frozen=True)
class CaseloadRow:
    """A client with what says whether they need attention: when their latest screening was,
    and its summary (sealed; opened for the rows shown only)."""

    client: Client | ClientBrief
    last_screened: datetime | None
    latest: dict[str, Any] | None
    due_before: datetime  # a latest screening before this is due for a re-screen

    @property
    def never_screened(self) -> bool:
        return self.last_screened is None

    @property
    def is_due(self) -> bool:
        return self.last_screened is not None and self.last_screened < self.due_before

    @property
    def crisis(self) -> bool:
        return bool(self.latest and self.latest.get("is_at_risk"))

    @property
    def urgent_medical(self) -> bool:
        return bool(self.latest and self.latest.get("urgent_medical"))


CaseloadPage = Page[CaseloadRow]


def last_screened(client: type[Client]) -> ScalarSelect[datetime]:
    """When `client` (Client or an alias of it, like `visible_clients`) was last screened."""
    return (select(func.max(ClientScreening.taken_at))
            .where(col(ClientScreening.client_id) == col(client.id))
            .correlate(client).scalar_subquery())


def latest_summary(client: type[Client]) -> ScalarSelect[dict[str, Any]]:
    return (select(ClientScreening.summary)
            .where(col(ClientScreening.client_id) == col(client.id))
            .order_by(col(ClientScreening.taken_at).desc(), col(ClientScreening.id).desc())
            .limit(1).correlate(client).scalar_subquery())


def ordering(client: type[Client], sort: str) -> list[Any]:
    """ORDER BY for a SORTS key: never screened first, then the longest since a screening;
    by code; by name (no name last); else newest first."""
    newest = [col(client.created_at).desc(), col(client.id).desc()]
    if sort == "due":
        return [last_screened(client).asc().nulls_first(), *newest]
    if sort == "code":
        return [col(client.code)]
    if sort == "name":
        return [func.lower(col(client.name)).asc().nulls_last(), col(client.code)]
    return newest


def caseload(session: Session, *, user: User, query: str = "", number: int = 1,
             size: int = PAGE_SIZE, sort: str = "added", due_before: datetime
             ) -> CaseloadPage:
    """Page `number` (from 1) of the clients `user` may open, in the `sort` order (SORTS),
    optionally only those whose code, name or record number contains `query` (any case), each
    with their latest screening's date and summary. Two queries, whatever the size."""
    visible = visible_clients(user)
    conditions = [code_name_or_number_contains(visible, query.strip())] if query.strip() else []
    total = session.exec(select(func.count()).select_from(visible).where(*conditions)).one()
    found = session.exec(select(visible, last_screened(visible), latest_summary(visible))
                         .where(*conditions).order_by(*ordering(visible, sort))
                         .offset((number - 1) * size).limit(size)).all()
    return CaseloadPage(rows=[CaseloadRow(client, at, latest, due_before)
                              for client, at, latest in found],
                        number=number, size=size, total=int(total))


@dataclass(frozen=True)
class Attention:
    """The dashboard: whose latest screening had a crisis or urgent medical flag (all of them),
    and the first of those due for a re-screen or never screened, with how many there are."""

    flagged: list[CaseloadRow]
    due: list[CaseloadRow]
    due_count: int
    never: list[CaseloadRow]
    never_count: int


def attention(session: Session, *, user: User, due_before: datetime) -> Attention:
    """One query over the caseload. The flags are sealed with the screening, so every latest
    summary is opened: the cost grows with the caseload (about 2 ms per 100 clients with
    ENCRYPTION_KEYS set), never the number of queries."""
    # SQLAlchemy's own select: SQLModel's is typed for at most four columns.
    visible = visible_clients(user)
    found = session.execute(sa_select(
        col(visible.id), col(visible.code), col(visible.name), col(visible.created_at),
        last_screened(visible), latest_summary(visible)).order_by(*ordering(visible, "due"))
    ).all()
    rows = [CaseloadRow(ClientBrief(client_id, code, name, created), at, latest, due_before)
            for client_id, code, name, created, at, latest in found]
    due = [row for row in rows if row.is_due]
    never = [row for row in rows if row.never_screened]
    return Attention(flagged=[row for row in rows if row.crisis or row.urgent_medical],
                     due=due[:DASHBOARD_LIST], due_count=len(due),
                     never=never[:DASHBOARD_LIST], never_count=len(never))


def code_name_or_number_contains(client: type[Client], query: str) -> ColumnElement[bool]:
    """The condition for clients whose code, name or record number contains `query`, in any
    case."""
    # Escape LIKE's wildcards: a search for "50%" means those characters.
    pattern = "%" + (query.lower().replace("\\", "\\\\").replace("%", "\\%")
                     .replace("_", "\\_")) + "%"
    return or_(*(func.lower(col(column)).like(pattern, escape="\\")
                 for column in (client.code, client.name, client.record_number)))


def shares(session: Session, *, client: Client) -> list[User]:
    """The counselors `client` is shared with, by email."""
    return list(session.exec(
        select(User).join(ClientShare, col(ClientShare.user_id) == col(User.id))
        .where(col(ClientShare.client_id) == client.id).order_by(col(User.email))
    ).all())


@dataclass(frozen=True)
class History:
    """A client's history page: every screening (a chart and a table) and every plan version."""

    rows: list[screenings.HistoryRow]
    plans: list[RelapsePlan]
    revisions: dict[int, list[plan_store.RevisionSummary]]


def history(session: Session, *, client: Client) -> History:
    plans = plan_store.client_plans(session, client_id=client.id or 0)
    return History(
        rows=screenings.history_rows(session, screenings.summaries(session, client=client)),
        plans=plans,
        revisions=plan_store.revision_summaries(
            session, plan_ids=[plan.id for plan in plans if plan.id is not None]))
