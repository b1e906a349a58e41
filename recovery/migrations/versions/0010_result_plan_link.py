"""Link a saved result and a plan made from it: result_plan_link.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-18

Each page links to the other. Tokens are never stored in the clear, so each side's token is
kept sealed with a key derived from the other's (recovery.tokens.seal_with): only someone who
holds one of the two links can read the other. Deleting either side deletes the link (ON
DELETE CASCADE). Plans made before this migration have no link; downgrading drops the links
and nothing else.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "result_plan_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("plan_link", sa.String(length=255), nullable=False),
        sa.Column("result_link", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"],
            name=op.f("fk_result_plan_link_assessment_id_assessment"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["relapse_plan.id"],
            name=op.f("fk_result_plan_link_plan_id_relapse_plan"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_plan_link")),
        sa.UniqueConstraint("plan_id", name=op.f("uq_result_plan_link_plan_id")),
    )
    op.create_index(op.f("ix_result_plan_link_assessment_id"), "result_plan_link",
                    ["assessment_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_result_plan_link_assessment_id"), table_name="result_plan_link")
    op.drop_table("result_plan_link")
