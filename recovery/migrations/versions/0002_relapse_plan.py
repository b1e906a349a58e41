"""Create the relapse_plan and plan_revision tables (plans saved under a private link).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Plain SQLAlchemy types, as in 0001. Deleting a plan deletes its revisions in the database
itself (ON DELETE CASCADE), so no code path can leave orphaned plan text behind.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "relapse_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relapse_plan")),
    )
    op.create_index(
        op.f("ix_relapse_plan_token_hash"), "relapse_plan", ["token_hash"], unique=True
    )
    op.create_table(
        "plan_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("content_version", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["relapse_plan.id"],
            name=op.f("fk_plan_revision_plan_id_relapse_plan"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_revision")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_plan_revision_plan_id")),
    )


def downgrade() -> None:
    op.drop_table("plan_revision")
    op.drop_index(op.f("ix_relapse_plan_token_hash"), table_name="relapse_plan")
    op.drop_table("relapse_plan")
