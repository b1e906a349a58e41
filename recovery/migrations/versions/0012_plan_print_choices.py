"""What a plan's share-safe printouts leave out: relapse_plan.print_choices.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-12

The preview page before the handout or the wallet card downloads lets the person untick items
to leave out; their choice is remembered for that plan, in one JSON column (sealed like the
plan's text when ENCRYPTION_KEYS is set). NULL for every existing plan: nothing left out.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("relapse_plan") as batch:
        batch.add_column(sa.Column("print_choices", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("relapse_plan") as batch:
        batch.drop_column("print_choices")
