"""Create the assessment table (saved anonymous screenings).

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Plain SQLAlchemy types on purpose: a migration must keep meaning the same thing after SQLModel
renames its internal types. `sa.DateTime(timezone=True)` is what SQLModel's UTCDateTime stores and
`sa.String(n)` is what its AutoString stores, so autogenerate sees no difference.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("content_version", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    op.create_index(op.f("ix_assessment_token_hash"), "assessment", ["token_hash"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_assessment_token_hash"), table_name="assessment")
    op.drop_table("assessment")
