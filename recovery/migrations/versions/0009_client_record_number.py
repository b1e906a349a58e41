"""A client may carry the clinic's own record number: client.record_number.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-17

Optional (NULL when not given), at most 30 characters of letters, digits, spaces and . / -
(recovery.counselor.clients.record_number_problem), indexed for the caseload search. Stored
in clear like the client's name and code, which the caseload search reads too (see
`Client.record_number`). Downgrading drops the column and the numbers in it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Not in batch mode: SQLite adds and drops a column in place (3.35 and later), where a batch
# would copy, drop and rename the client table that every screening and plan refers to
# (ON DELETE CASCADE), a risk for nothing.


def upgrade() -> None:
    op.add_column("client", sa.Column("record_number", sa.String(length=30), nullable=True))
    op.create_index(op.f("ix_client_record_number"), "client", ["record_number"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_client_record_number"), table_name="client")
    op.drop_column("client", "record_number")
