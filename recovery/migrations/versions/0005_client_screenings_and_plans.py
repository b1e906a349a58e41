"""Client screenings, and plans that belong to a client.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

Both go with their client (ON DELETE CASCADE): deleting a client erases their screenings,
notes and plans. A client's plan is an ordinary relapse_plan row with client_id set.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client_screening",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_version", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("severity_score", sa.Integer(), nullable=True),
        sa.Column("severity_max", sa.Integer(), nullable=False),
        sa.Column("mood_score", sa.Integer(), nullable=True),
        sa.Column("anxiety_score", sa.Integer(), nullable=True),
        sa.Column("flag_count", sa.Integer(), nullable=False),
        sa.Column("is_at_risk", sa.Boolean(), nullable=False),
        sa.Column("override_path", sa.String(length=60), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("override_by", sa.Integer(), nullable=True),
        sa.Column("override_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"],
            name=op.f("fk_client_screening_client_id_client"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["counselor_id"], ["user_account.id"],
            name=op.f("fk_client_screening_counselor_id_user_account"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["override_by"], ["user_account.id"],
            name=op.f("fk_client_screening_override_by_user_account"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_screening")),
    )
    op.create_index("ix_client_screening_client_id_taken_at", "client_screening",
                    ["client_id", "taken_at"], unique=False)

    with op.batch_alter_table("relapse_plan") as batch:
        batch.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_relapse_plan_client_id_client"), "client", ["client_id"], ["id"],
            ondelete="CASCADE")
        batch.create_index(op.f("ix_relapse_plan_client_id"), ["client_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("relapse_plan") as batch:
        batch.drop_index(op.f("ix_relapse_plan_client_id"))
        batch.drop_constraint(op.f("fk_relapse_plan_client_id_client"), type_="foreignkey")
        batch.drop_column("client_id")
    op.drop_index("ix_client_screening_client_id_taken_at", table_name="client_screening")
    op.drop_table("client_screening")
