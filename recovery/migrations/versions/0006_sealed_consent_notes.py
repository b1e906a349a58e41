"""Consent notes may be encrypted at rest: client.consent_note becomes TEXT.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21

A consent note is free text a counselor writes about a client, like the screening notes, so it
is sealed like them when ENCRYPTION_KEYS is set (recovery.sealed). Ciphertext is longer than
the 200 characters the form allows, so the column can no longer be VARCHAR(200); the length is
checked on the plain text (recovery.counselor.clients.note_problem). Existing notes stay
readable as they are; `flask --app recovery reseal` encrypts them.

Downgrading needs the notes in plain text again (encryption off, or no sealed notes): a sealed
note doesn't fit VARCHAR(200), and PostgreSQL refuses the change rather than cut it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.alter_column("consent_note", existing_type=sa.String(length=200),
                           type_=sa.Text(), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.alter_column("consent_note", existing_type=sa.Text(),
                           type_=sa.String(length=200), existing_nullable=False)
