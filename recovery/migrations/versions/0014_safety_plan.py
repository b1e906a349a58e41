"""Create the safety_plan table (a safety plan saved under its own private link).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

Like relapse_plan, only the SHA-256 of the link is kept. The plan itself is one JSON value,
sealed like plan text when ENCRYPTION_KEYS is set (recovery.sealed); every save replaces it.
updated_at is indexed for purge-expired, which deletes plans past PLAN_RETENTION_DAYS.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_plan")),
    )
    op.create_index(op.f("ix_safety_plan_token_hash"), "safety_plan", ["token_hash"],
                    unique=True)
    op.create_index(op.f("ix_safety_plan_updated_at"), "safety_plan", ["updated_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_safety_plan_updated_at"), table_name="safety_plan")
    op.drop_index(op.f("ix_safety_plan_token_hash"), table_name="safety_plan")
    op.drop_table("safety_plan")
