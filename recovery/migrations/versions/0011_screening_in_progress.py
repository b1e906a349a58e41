"""A counselor's screening in progress is kept on the server: screening_in_progress.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-20

The answers of a screening not yet saved lived in the counselor's session cookie and went with
it at sign-out, so the idle limit during a long safety conversation lost them. Now they are a
row per counselor and client (answers sealed like a saved screening's when ENCRYPTION_KEYS is
set), deleted on save or discard, with the client, and COUNSELOR_SCREENING_KEEP_HOURS after the
last change (`flask purge-expired`). Nothing to carry over: answers in cookies stay there until
those sessions end. Downgrading drops the table and any screenings in progress.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "screening_in_progress",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("content_version", sa.String(length=40), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counselor_id"], ["user_account.id"],
            name=op.f("fk_screening_in_progress_counselor_id_user_account"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"],
            name=op.f("fk_screening_in_progress_client_id_client"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_in_progress")),
        sa.UniqueConstraint("counselor_id", "client_id",
                            name=op.f("uq_screening_in_progress_counselor_id")),
    )
    op.create_index(op.f("ix_screening_in_progress_client_id"), "screening_in_progress",
                    ["client_id"], unique=False)
    op.create_index(op.f("ix_screening_in_progress_updated_at"), "screening_in_progress",
                    ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_screening_in_progress_updated_at"), table_name="screening_in_progress")
    op.drop_index(op.f("ix_screening_in_progress_client_id"), table_name="screening_in_progress")
    op.drop_table("screening_in_progress")
