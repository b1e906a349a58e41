"""Database wiring: one engine per app, one Session per request, and Alembic migrations.

Views call `get_session()`; the session is closed when the app context ends (rolled back first if
the request failed), so a view only has to `commit()` once. The schema is owned by Alembic
(`recovery/migrations/`): `flask --app recovery init-db` and `setup` apply it.
"""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path
from typing import Any

import click
import psycopg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from flask.cli import with_appcontext
from psycopg.errors import _WaitTimeout  # what psycopg's wait() raises when its timeout ends
from sqlalchemy import Connection, Engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, create_engine

from recovery import config

ENGINE_KEY = "recovery.engine"
# What SQLAlchemy raises when the database can't be reached or stops answering mid-request
# (pool exhaustion included): the app answers 503 and tries again on the next request.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.DisconnectionError,
    exc.TimeoutError,
)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_SESSION_ATTR = "recovery_db_session"


def normalize_database_url(url: str) -> str:
    """Send every PostgreSQL URL to psycopg 3, the only PostgreSQL driver we install.

    SQLAlchemy 2.0 maps `postgresql://` to psycopg2 (2.1 maps it to psycopg), and hosts often hand
    out the old `postgres://` scheme that SQLAlchemy rejects outright.
    """
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def make_engine(url: str, *, connect_timeout: int | None = None,
                statement_timeout: float | None = None,
                idle_in_transaction_timeout: float | None = None, **kwargs: Any) -> Engine:
    """Create an engine with our per-dialect settings (used by the app and by the tests).

    On PostgreSQL, `statement_timeout` and `idle_in_transaction_timeout` (seconds; None or 0 for
    none) are set for every session, and a connection that hears nothing back for a little
    longer than the statement timeout is closed as broken (see `_GuardedConnection`).
    """
    url = normalize_database_url(url)
    backend = make_url(url).get_backend_name()
    # SQL errors would otherwise quote the bound values (answers, plan text) into the logs.
    kwargs.setdefault("hide_parameters", True)
    if backend == "postgresql":
        # Survive PostgreSQL restarts and idle-connection reaping between requests.
        kwargs.setdefault("pool_pre_ping", True)
        _add_postgres_timeouts(kwargs.setdefault("connect_args", {}), url, connect_timeout,
                               statement_timeout, idle_in_transaction_timeout)
    engine = create_engine(url, **kwargs)
    _add_listeners(engine, backend, statement_timeout)
    return engine


def _add_listeners(engine: Engine, backend: str, statement_timeout: float | None) -> None:
    """SQLite's settings on every connection; on PostgreSQL with a statement timeout, the
    guard that drops a connection which stops answering."""
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_on_connect)
    if backend == "postgresql" and statement_timeout:
        guard = partial(_connect_guarded,
                        reply_timeout=statement_timeout + REPLY_MARGIN_SECONDS)
        event.listen(engine, "do_connect", guard)


def _add_postgres_timeouts(connect_args: dict[str, Any], url: str, connect_timeout: int | None,
                           statement_timeout: float | None,
                           idle_in_transaction_timeout: float | None) -> None:
    """The timeouts as connection arguments: seconds to milliseconds in `options`."""
    if connect_timeout:
        connect_args.setdefault("connect_timeout", connect_timeout)
    settings = {"statement_timeout": statement_timeout,
                "idle_in_transaction_session_timeout": idle_in_transaction_timeout}
    options = " ".join(f"-c {name}={round(seconds * 1000)}"
                       for name, seconds in settings.items() if seconds)
    if options:
        connect_args["options"] = _after_url_options(url, options)
    if statement_timeout:
        connect_args.update(TCP_GUARD)


def _after_url_options(url: str, options: str) -> str:
    """connect_args replaces the URL's own `options` (the tests' search_path): keep both."""
    earlier = make_url(url).query.get("options")
    return " ".join([*([earlier] if isinstance(earlier, str) else earlier or ()), options])


# The server cancels a statement after statement_timeout and says so at once; silence for this
# much longer means it isn't answering at all (hung, or the network is gone).
REPLY_MARGIN_SECONDS = 1.0
# libpq: notice a peer that vanished (no ACK for sent data within tcp_user_timeout, or no answer
# to keepalive probes on an idle pooled connection) instead of waiting for the kernel's minutes.
TCP_GUARD = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 5,
             "keepalives_count": 3, "tcp_user_timeout": 10_000}


class _GuardedConnection(psycopg.Connection[Any]):
    """A psycopg connection that gives up waiting for the server after `reply_timeout` seconds.

    libpq has no read timeout, so a server that accepts a query and never answers (a frozen
    process, a half-open connection) would hold the worker until gunicorn kills it. Giving up
    closes the connection, so SQLAlchemy discards it and the request answers 503.
    """

    reply_timeout: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        try:
            return super().wait(gen, interval, timeout if timeout is not None
                                else self.reply_timeout)
        except _WaitTimeout:
            # The protocol state is unknown once we stop listening: never reuse the connection.
            self.pgconn.finish()
            raise psycopg.OperationalError("the database did not answer in time") from None


def _connect_guarded(dialect: Any, connection_record: Any, cargs: Any, cparams: Any, *,
                     reply_timeout: float) -> Any:
    connection = _GuardedConnection.connect(*cargs, **cparams)
    connection.reply_timeout = reply_timeout
    return connection


def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # SQLite ignores foreign keys unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        # Deleted screenings are health data: zero their pages instead of leaving them in free
        # space (the compile-time default differs between SQLite builds).
        cursor.execute("PRAGMA secure_delete=ON")
    finally:
        cursor.close()


def ping(engine: Engine) -> None:
    """Raise one of `UNAVAILABLE_ERRORS` unless the database answers a trivial query."""
    with engine.connect() as connection:
        connection.exec_driver_sql("SELECT 1")


def get_engine(app: Flask | None = None) -> Engine:
    """The app's engine (the current app's when `app` is None)."""
    app = app or current_app
    engine: Engine = app.extensions[ENGINE_KEY]
    return engine


def get_session() -> Session:
    """The request's Session, opened on first use and closed at app-context teardown."""
    session: Session | None = g.get(_SESSION_ATTR)
    if session is None:
        # Objects stay loaded after a commit: a view that commits (an audit event, the sign-in
        # check) and then renders would otherwise reload every row one by one.
        session = Session(get_engine(), expire_on_commit=False)
        setattr(g, _SESSION_ATTR, session)
    return session


def close_session(exc: BaseException | None = None) -> None:
    session: Session | None = g.pop(_SESSION_ATTR, None)
    if session is None:
        return
    try:
        if exc is not None:
            session.rollback()
    finally:
        # close() also rolls back anything the view forgot to commit: no half-written requests.
        session.close()


# --- Alembic -------------------------------------------------------------------------------


def alembic_config(connection: Any = None) -> Config:
    """An Alembic Config without alembic.ini; env.py uses `connection` when given."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade_engine(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to `revision` (in one transaction on PostgreSQL)."""
    with engine.connect() as connection:
        is_sqlite = connection.dialect.name == "sqlite"
        foreign_keys = _sqlite_foreign_keys_off(connection) if is_sqlite else nullcontext()
        with foreign_keys, connection.begin():
            command.upgrade(alembic_config(connection), revision)
            if is_sqlite:
                _raise_on_foreign_key_violations(connection)


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """Batch migrations copy, drop and rename tables, which fails while SQLite enforces foreign
    keys; integrity is checked once at the end instead. The pragma is ignored inside a
    transaction, so it goes to the driver before SQLAlchemy begins one."""
    _sqlite_pragma(connection, "foreign_keys=OFF")
    try:
        yield
    finally:
        _sqlite_pragma(connection, "foreign_keys=ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    connection.connection.driver_connection.execute(f"PRAGMA {pragma}")  # type: ignore[union-attr]


def _raise_on_foreign_key_violations(connection: Connection) -> None:
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if violations:
        raise RuntimeError(f"Migration left rows with broken foreign keys: {violations[:5]}")


def upgrade_database(app: Flask, revision: str = "head") -> None:
    with maintenance_engine(app) as engine:
        upgrade_engine(engine, revision)


@contextmanager
def maintenance_engine(app: Flask | None = None) -> Iterator[Engine]:
    """A short-lived engine for commands that may rightly run long (migrations, purges,
    re-sealing): the request engine's statement and idle timeouts would cut them off, so this
    one has `DATABASE_MAINTENANCE_STATEMENT_TIMEOUT` (none by default) instead."""
    app = app or current_app
    engine = make_engine(
        app.config["DATABASE_URL"], connect_timeout=app.config["DATABASE_CONNECT_TIMEOUT"],
        statement_timeout=app.config["DATABASE_MAINTENANCE_STATEMENT_TIMEOUT"],
        poolclass=NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def engine_is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration (False for an empty database)."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == heads


def database_is_current(app: Flask) -> bool:
    return engine_is_current(get_engine(app))


# --- Flask wiring --------------------------------------------------------------------------


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create or upgrade the database schema (apply all migrations)."""
    upgrade_database(current_app)
    click.echo("Database is up to date.")


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Prepare a local install: secret key, database schema, and a short summary."""
    app = current_app
    _ensure_secret_key(app.instance_path)
    upgrade_database(app)
    click.echo(
        f"Database: up to date ({get_engine(app).url.render_as_string(hide_password=True)})."
    )
    content = app.extensions.get("recovery.content")
    version = getattr(content, "version", None)
    if version is not None:
        click.echo(f"Content: version {version} loaded and valid.")
    click.echo("Setup complete.")


def _ensure_secret_key(instance_path: str) -> None:
    if config.ensure_secret_key(instance_path):
        click.echo(f"Wrote a new secret key to {config.secret_key_path(instance_path)}.")
    else:
        click.echo("Secret key: present.")


def init_app(app: Flask) -> None:
    """Create the app's engine and register session teardown and the database CLI commands."""
    # Created eagerly: engines connect lazily, and this avoids a creation race between threads.
    app.extensions[ENGINE_KEY] = make_engine(
        app.config["DATABASE_URL"], connect_timeout=app.config["DATABASE_CONNECT_TIMEOUT"],
        statement_timeout=app.config["DATABASE_STATEMENT_TIMEOUT"],
        idle_in_transaction_timeout=app.config["DATABASE_IDLE_IN_TRANSACTION_TIMEOUT"])
    app.teardown_appcontext(close_session)
    app.cli.add_command(init_db_command)
    app.cli.add_command(setup_command)
