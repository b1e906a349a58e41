"""Create the caseload: client and client_share.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

A share goes with its client or its account (ON DELETE CASCADE). A client's owner is RESTRICT:
accounts are switched off, not deleted, so a caseload is never erased along with an account.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counselor_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("consent_given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_note", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["counselor_id"], ["user_account.id"],
            name=op.f("fk_client_counselor_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
    )
    op.create_index(op.f("ix_client_code"), "client", ["code"], unique=True)
    op.create_index(op.f("ix_client_counselor_id"), "client", ["counselor_id"], unique=False)

    op.create_table(
        "client_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"],
            name=op.f("fk_client_share_client_id_client"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"],
            name=op.f("fk_client_share_user_id_user_account"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_share")),
        sa.UniqueConstraint("client_id", "user_id", name=op.f("uq_client_share_client_id")),
    )
    op.create_index(op.f("ix_client_share_user_id"), "client_share", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_client_share_user_id"), table_name="client_share")
    op.drop_table("client_share")
    op.drop_index(op.f("ix_client_counselor_id"), table_name="client")
    op.drop_index(op.f("ix_client_code"), table_name="client")
    op.drop_table("client")
