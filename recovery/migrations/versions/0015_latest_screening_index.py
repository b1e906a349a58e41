"""A client's latest screening is read from one index: (client_id, taken_at, id).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

The caseload, the dashboard and a client's page find each client's latest screening as the
first in (taken_at, id) order, newest first, id breaking a tie between two screenings saved in
the same instant. The index from 0005 held (client_id, taken_at) only, so PostgreSQL read the
heap rows of the client's newest screenings to sort them by id before taking the first; with
the id in the index it takes the first entry. On the dashboard, which does this for every
client of a caseload (520 in the scale benchmark), that was a quarter of the query's time
(12 ms down to 8-9 ms on PostgreSQL at 1,000,000 screenings). SQLite's indexes end in the
rowid already, so there it changes nothing but the name.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "ix_client_screening_client_id_taken_at"
NEW = "ix_client_screening_client_id_taken_at_id"


def upgrade() -> None:
    op.create_index(NEW, "client_screening", ["client_id", "taken_at", "id"])
    op.drop_index(OLD, table_name="client_screening")


def downgrade() -> None:
    op.create_index(OLD, "client_screening", ["client_id", "taken_at"])
    op.drop_index(NEW, table_name="client_screening")
