"""Alembic environment, driven from Python (`recovery.db.upgrade_engine`); there is no alembic.ini.

The caller passes an open connection in `config.attributes["connection"]`. Without one (e.g. a
hand-built Config with `sqlalchemy.url` set, or `--sql` offline mode) a URL is used instead.
"""

from typing import Any

from alembic import context
from sqlalchemy import Connection, pool
from sqlmodel import SQLModel

import recovery.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from recovery.db import make_engine, normalize_database_url

config = context.config
target_metadata = SQLModel.metadata


def _configure_kwargs(dialect_name: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        "render_as_batch": dialect_name == "sqlite",
        "compare_type": True,
    }


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError(
            "No database given to Alembic. Run `flask --app recovery init-db`, or call "
            "recovery.db.upgrade_engine(engine)."
        )
    return normalize_database_url(url)


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_configure_kwargs(url.split(":", 1)[0].split("+", 1)[0]),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_with(connection: Connection) -> None:
    context.configure(connection=connection, **_configure_kwargs(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    engine = make_engine(_url(), poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            _run_with(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
