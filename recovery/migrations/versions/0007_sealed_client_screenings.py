"""Client screenings may be encrypted at rest: scores move into one `summary` column, and
client_screening.override_path becomes TEXT.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

A client's screening (answers, result, scores, the chosen path) sits beside the client's name,
so it is sealed like the notes when ENCRYPTION_KEYS is set (recovery.sealed). Six plain score
columns (severity_score, severity_max, mood_score, anxiety_score, flag_count, is_at_risk) can't
hold ciphertext: they become one JSON column, `summary`, which can. The chosen path's
ciphertext is longer than VARCHAR(60), so that column becomes TEXT. answers and result are
JSON already and stay so. Existing rows stay readable as they are; `flask --app recovery
reseal` encrypts them.

Downgrading brings the six columns back from `summary` and writes answers, result and the path
in plain text again, as revision 0006's code reads them: sealed rows are opened with the keys
of the app it runs in (an app context with ENCRYPTION_KEYS), and without them it stops with
SealedDataError before changing anything.

The audit log used to name the chosen path ("client 2; path chosen: dual_diagnosis"), which
admins who may not open the client can read: those details lose the path's name, and
downgrading doesn't bring it back (the screening still has it).
"""

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from recovery.sealed import SealedJSON, SealedText

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCORES = ("severity_score", "severity_max", "mood_score", "anxiety_score", "flag_count",
          "is_at_risk")
BATCH = 500
AUDITED_PATH = "; path chosen: "
AUDITED_PATH_RE = re.compile(r"; path chosen: [^;]*")


def upgrade() -> None:
    with op.batch_alter_table("client_screening") as batch:
        batch.add_column(sa.Column("summary", sa.JSON(), nullable=True))
    scores = sa.table("client_screening", sa.column("id", sa.Integer()),
                      *(sa.column(name) for name in SCORES))
    summary = sa.table("client_screening", sa.column("id", sa.Integer()),
                       sa.column("summary", sa.JSON()))
    rows = [{"row_id": row.id, "summary": {name: getattr(row, name) for name in SCORES}}
            for row in op.get_bind().execute(sa.select(scores))]
    # PostgreSQL gives booleans back as such, SQLite as 0/1: the summary holds a real bool.
    for row in rows:
        row["summary"]["is_at_risk"] = bool(row["summary"]["is_at_risk"])
    _update(summary, rows)
    with op.batch_alter_table("client_screening") as batch:
        batch.alter_column("summary", existing_type=sa.JSON(), nullable=False)
        for name in SCORES:
            batch.drop_column(name)
        batch.alter_column("override_path", existing_type=sa.String(length=60),
                           type_=sa.Text(), existing_nullable=True)
    _forget_audited_paths()


def _forget_audited_paths() -> None:
    events = sa.table("audit_event", sa.column("id", sa.Integer()),
                      sa.column("detail", sa.String()))
    found = op.get_bind().execute(sa.select(events.c.id, events.c.detail).where(
        events.c.detail.like(f"%{AUDITED_PATH}%")))
    _update(events, [{"row_id": row.id, "detail": AUDITED_PATH_RE.sub("; path chosen", row.detail)}
                     for row in found])


def downgrade() -> None:
    # Read through the sealed types (which open sealed rows, or fail before anything changes),
    # write through plain ones.
    sealed = sa.table("client_screening", sa.column("id", sa.Integer()),
                      sa.column("answers", SealedJSON()), sa.column("result", SealedJSON()),
                      sa.column("summary", SealedJSON()), sa.column("override_path", SealedText()))
    rows: list[dict[str, Any]] = [
        {"row_id": row.id, "answers": row.answers, "result": row.result,
         "override_path": row.override_path, **{name: row.summary[name] for name in SCORES}}
        for row in op.get_bind().execute(sa.select(sealed))]
    with op.batch_alter_table("client_screening") as batch:
        batch.add_column(sa.Column("severity_score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("severity_max", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("mood_score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("anxiety_score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("flag_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("is_at_risk", sa.Boolean(), nullable=True))
    plain = sa.table("client_screening", sa.column("id", sa.Integer()),
                     sa.column("answers", sa.JSON()), sa.column("result", sa.JSON()),
                     sa.column("override_path", sa.String()),
                     sa.column("severity_score", sa.Integer()),
                     sa.column("severity_max", sa.Integer()),
                     sa.column("mood_score", sa.Integer()),
                     sa.column("anxiety_score", sa.Integer()),
                     sa.column("flag_count", sa.Integer()),
                     sa.column("is_at_risk", sa.Boolean()))
    _update(plain, rows)
    # Only now: a sealed path doesn't fit VARCHAR(60), and PostgreSQL refuses rather than cut it.
    with op.batch_alter_table("client_screening") as batch:
        batch.alter_column("override_path", existing_type=sa.Text(),
                           type_=sa.String(length=60), existing_nullable=True)
        for name in ("severity_max", "flag_count", "is_at_risk"):
            batch.alter_column(name, existing_type=sa.Boolean() if name == "is_at_risk"
                               else sa.Integer(), nullable=False)
        batch.drop_column("summary")


def _update(table: sa.TableClause, rows: list[dict[str, Any]]) -> None:
    """Write each row's values (keyed by column name, the id as "row_id"), a batch at a time."""
    if not rows:
        return
    # A bound name may not be a column's own name in an UPDATE's SET: prefix them.
    names = [name for name in rows[0] if name != "row_id"]
    statement = (table.update().where(table.c.id == sa.bindparam("row_id"))
                 .values({name: sa.bindparam(f"new_{name}", type_=table.c[name].type)
                          for name in names}))
    bound = [{"row_id": row["row_id"], **{f"new_{name}": row[name] for name in names}}
             for row in rows]
    for start in range(0, len(bound), BATCH):
        op.get_bind().execute(statement, bound[start:start + BATCH])
