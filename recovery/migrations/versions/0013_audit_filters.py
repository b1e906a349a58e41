"""The audit log can be filtered fast at a million events: audit_event.client_id and four
indexes, newest first within each filter.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-12

Admins filter the log by person, client, action and date range (recovery/counselor/admin/
log.py), and page through it newest first by (at, id). Each filter gets an index that ends in
(at, id), so a page and its capped count read only the matching entries, in order:
(at, id), (user_id, at, id), (action, at, id) and (client_id, at, id). The old single-column
indexes on at and user_id are their prefixes, so they go (user_id's still backs the foreign
key's ON DELETE SET NULL through the new one).

Events about a screening or a plan name their client only in the detail ("client 7; notes
changed"), which no index can find: the new plain `client_id` column holds it (no foreign key:
an event outlives its client). Existing events get it from object_id (client events) or from
their detail's leading "client <id>".
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_INDEXES = {
    "ix_audit_event_at_id": ("at", "id"),
    "ix_audit_event_user_id_at": ("user_id", "at", "id"),
    "ix_audit_event_action_at": ("action", "at", "id"),
    "ix_audit_event_client_id_at": ("client_id", "at", "id"),
}
CLIENT_IN_DETAIL = re.compile(r"client (\d{1,18})(?:;|$)")
BATCH = 1000


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch.drop_index("ix_audit_event_at")
        batch.drop_index("ix_audit_event_user_id")
    _fill_client_ids()
    for name, columns in NEW_INDEXES.items():
        op.create_index(name, "audit_event", list(columns))


def _fill_client_ids() -> None:
    events = sa.table("audit_event", sa.column("id", sa.Integer()),
                      sa.column("object_type", sa.String()), sa.column("object_id", sa.String()),
                      sa.column("detail", sa.String()), sa.column("client_id", sa.Integer()))
    bind = op.get_bind()
    found = bind.execute(sa.select(events.c.id, events.c.object_type, events.c.object_id,
                                   events.c.detail)
                         .where(events.c.object_type.in_(("client", "screening", "plan"))))
    rows = []
    for event_id, object_type, object_id, detail in found:
        if object_type == "client":
            client = object_id if object_id.isascii() and object_id.isdigit() else None
        else:
            match = CLIENT_IN_DETAIL.match(detail)
            client = match.group(1) if match else None
        if client is not None:
            rows.append({"event_id": event_id, "client": int(client)})
    update = (events.update().where(events.c.id == sa.bindparam("event_id"))
              .values(client_id=sa.bindparam("client")))
    for start in range(0, len(rows), BATCH):
        bind.execute(update, rows[start:start + BATCH])


def downgrade() -> None:
    for name in NEW_INDEXES:
        op.drop_index(name, table_name="audit_event")
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("client_id")
        batch.create_index("ix_audit_event_at", ["at"])
        batch.create_index("ix_audit_event_user_id", ["user_id"])
