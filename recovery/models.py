"""Database tables (SQLModel). Computed things live elsewhere: `ScreeningResult` and `PlanDraft`
are not tables.

No `from __future__ import annotations` here: SQLModel resolves field types at class creation and
string annotations break relationships (fastapi/sqlmodel#196).
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

# Named constraints let Alembic drop or alter them later, which SQLite batch mode requires.
# Set before any table class is defined: names are fixed when a constraint joins its table.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """Aware 'now'; a default_factory so every row gets its own timestamp."""
    return datetime.now(UTC)


class Assessment(SQLModel, table=True):
    """A saved anonymous screening, found again only through its public token.

    The token itself is never stored: only its SHA-256, so a copy of the database does not let
    anyone open the results pages.
    """

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    # The seeds VERSION the result was computed with, so old results can still be explained.
    content_version: str = Field(max_length=40)
    answers: dict[str, Any] = Field(sa_type=JSON)
    result: dict[str, Any] = Field(sa_type=JSON)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime | None = Field(default=None)


class RelapsePlan(SQLModel, table=True):
    """A relapse-prevention plan, found again only through its public token (hashed, like
    `Assessment`). Its content lives in `PlanRevision` rows: every save adds one."""

    __tablename__ = "relapse_plan"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)
    # The newest revision's number. A save must name the revision it was based on; the store
    # refuses it if this has moved on since (two people editing at once).
    current_revision: int = Field(default=1)


class PlanRevision(SQLModel, table=True):
    """One saved state of a plan: the whole `PlanDraft.to_dict()`, numbered 1, 2, 3... per plan."""

    __tablename__ = "plan_revision"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="relapse_plan.id", ondelete="CASCADE")
    number: int
    draft: dict[str, Any] = Field(sa_type=JSON)
    # The seeds VERSION the draft was built with (from the draft itself, so an uploaded plan
    # keeps the version of the install it came from).
    content_version: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utc_now)
