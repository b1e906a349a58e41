"""Commands for encryption at rest (see recovery.sealed): make a key, and re-seal every
encrypted column with the first key in ENCRYPTION_KEYS (after adding a new key, or after
switching encryption on for a database that already has data)."""

from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import update
from sqlmodel import Session, col, select

from recovery.db import maintenance_engine
from recovery.models import (
    Client,
    ClientScreening,
    PlanRevision,
    RelapsePlan,
    SafetyPlan,
    ScreeningInProgress,
)
from recovery.sealed import CONFIG_KEY, new_key

# Every column whose type is SealedText or SealedJSON.
SEALED_COLUMNS: tuple[tuple[type[Any], str], ...] = (
    (Client, "consent_note"),
    (ClientScreening, "answers"),
    (ClientScreening, "result"),
    (ClientScreening, "summary"),
    (ClientScreening, "notes"),
    (ClientScreening, "override_path"),
    (ClientScreening, "override_reason"),
    (PlanRevision, "draft"),
    (ScreeningInProgress, "answers"),
    (RelapsePlan, "print_choices"),
    (SafetyPlan, "plan"),
)
BATCH = 500


@click.command("new-encryption-key")
def new_key_command() -> None:
    """Print a new key for ENCRYPTION_KEYS."""
    click.echo(new_key())


@click.command("reseal")
@with_appcontext
def reseal_command() -> None:
    """Encrypt every sealed column again with the first key (safe to run more than once)."""
    if not current_app.config.get(CONFIG_KEY):
        raise click.ClickException(f"{CONFIG_KEY} is empty: there is no key to seal with.")
    with maintenance_engine() as engine, Session(engine) as session:
        for model, name in SEALED_COLUMNS:
            count = reseal_column(session, model, name)
            click.echo(f"{model.__tablename__}.{name}: {count} rows sealed with the first key")


def reseal_column(session: Session, model: type[Any], name: str) -> int:
    """Read each value (any listed key opens it) and write it back (the first key seals it),
    a batch per transaction, so a run cut short can simply be run again."""
    column = getattr(model, name)
    last_id, count = 0, 0
    while True:
        rows = session.exec(select(model.id, column).where(col(model.id) > last_id)
                            .order_by(col(model.id)).limit(BATCH)).all()
        if not rows:
            return count
        for row_id, value in rows:
            session.exec(update(model).where(col(model.id) == row_id).values({name: value}))
        session.commit()
        last_id, count = rows[-1][0], count + len(rows)
