"""Count sign-in attempts for unknown addresses in the database: unknown_address_attempts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-10

They were counted in the rate-limit storage, which is per process with memory:// (and while
Redis is down), so an unknown address could get more guesses than a real account: the answers
told which addresses have accounts. Now both are counted in the database, by the same rule and
clock. A row is keyed by an HMAC of the address (never the address itself). Nothing to carry
over either way: the old counts were short-lived and are simply started again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unknown_address_attempts",
        sa.Column("address_hmac", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("address_hmac", name=op.f("pk_unknown_address_attempts")),
    )


def downgrade() -> None:
    op.drop_table("unknown_address_attempts")
