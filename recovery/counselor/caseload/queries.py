"""What the caseload pages read: a page of clients, a client's colleagues, what a client's page
and history show. Reads only; access is `clients.visible_to` / `clients.client_or_404`."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, or_
from sqlmodel import Session, col, select

from recovery.counselor.clients import PAGE_SIZE, visible_to
from recovery.counselor.screenings import queries as screenings
from recovery.models import Client, ClientShare, RelapsePlan, User
from recovery.pagination import Page
from recovery.plans import store as plan_store

CaseloadPage = Page[Client]
# How many screenings a client's page lists (the history has them all).
RECENT_SCREENINGS = 5


def caseload(session: Session, *, user: User, query: str = "", number: int = 1,
             size: int = PAGE_SIZE) -> CaseloadPage:
    """Page `number` (from 1) of the clients `user` may open, newest first, optionally only
    those whose code, name or record number contains `query` (any case). Two queries,
    whatever the size."""
    conditions = [visible_to(user)]
    if query.strip():
        conditions.append(code_name_or_number_contains(query.strip()))
    total = session.exec(select(func.count()).select_from(Client).where(*conditions)).one()
    rows = session.exec(select(Client).where(*conditions)
                        .order_by(col(Client.created_at).desc(), col(Client.id).desc())
                        .offset((number - 1) * size).limit(size)).all()
    return CaseloadPage(rows=list(rows), number=number, size=size, total=int(total))


def code_name_or_number_contains(query: str) -> ColumnElement[bool]:
    """The condition for clients whose code, name or record number contains `query`, in any
    case."""
    # Escape LIKE's wildcards: a search for "50%" means those characters.
    pattern = "%" + (query.lower().replace("\\", "\\\\").replace("%", "\\%")
                     .replace("_", "\\_")) + "%"
    return or_(*(func.lower(col(column)).like(pattern, escape="\\")
                 for column in (Client.code, Client.name, Client.record_number)))


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
