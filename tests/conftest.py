"""Shared fixtures, in the style of flaskr's conftest: `app`, `client`, `runner`, plus the database.

The database is SQLite in a temporary folder by default. Set RECOVERY_TEST_DATABASE_URL (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the same tests on PostgreSQL: each test
session then works in its own schema `t_<random>`, dropped at the end, so runs never collide.
Migrations are applied once per session; tables are emptied before every test that uses `app`.
"""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel

import recovery.models  # noqa: F401  (registers every table on SQLModel.metadata)
from recovery import create_app, db

POSTGRES_URL_ENV = "RECOVERY_TEST_DATABASE_URL"


def postgres_base_url() -> str | None:
    return os.environ.get(POSTGRES_URL_ENV) or None


def with_search_path(url: str, schema: str) -> str:
    """`url` with libpq's `options=-csearch_path=<schema>`, so every connection uses that schema.

    psycopg 3 passes the query parameter through to libpq; the app needs nothing special.
    """
    parsed = make_url(db.normalize_database_url(url))
    parsed = parsed.update_query_dict({"options": f"-csearch_path={schema}"})
    return parsed.render_as_string(hide_password=False)


@contextmanager
def fresh_database(tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database (SQLite file or PostgreSQL schema); drop it after."""
    base = postgres_base_url()
    if base is None:
        yield f"sqlite:///{tmp_dir / f'test-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:8]}"
    # NullPool: the admin engine must not keep a connection open while the tests run.
    admin = db.make_engine(base, poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        yield with_search_path(base, schema)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


def empty_all_tables(engine: Engine) -> None:
    """Delete every row of every model table; alembic_version is not a model, so it stays."""
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the session's test database, migrated to head once."""
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        engine = db.make_engine(url)
        try:
            db.upgrade_engine(engine)
        finally:
            engine.dispose()
        yield url


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """URL of a brand-new database with no tables at all (for migration tests)."""
    with fresh_database(tmp_path) as url:
        yield url


def make_test_app(database_url: str, **overrides: Any) -> Flask:
    settings: dict[str, Any] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": database_url,
        # The cheapest argon2id the library allows: the real cost (64 MiB) would slow every
        # sign-in in the suite. A counselor test checks the production defaults separately.
        "COUNSELOR_ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
    }
    settings.update(overrides)
    return create_app(settings)


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Factory for extra apps with config overrides, e.g. `make_app(DATABASE_URL=other_url)`.

    Apps made here are not emptied first, but their engines are disposed at the end of the test.
    """
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        made.append(make_test_app(database_url, **overrides))
        return made[-1]

    yield factory
    for made_app in made:
        db.get_engine(made_app).dispose()


@contextmanager
def _app_lifecycle(app: Flask) -> Iterator[Flask]:
    engine = db.get_engine(app)
    try:
        empty_all_tables(engine)
        yield app
    finally:
        # Return pooled connections now; otherwise each test leaves PostgreSQL backends open.
        engine.dispose()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """A testing app on the session database (emptied first), with CSRF off."""
    with _app_lifecycle(make_test_app(database_url)) as app:
        yield app


@pytest.fixture
def app_csrf(database_url: str) -> Iterator[Flask]:
    """Like `app`, but with CSRF protection on, as in production."""
    with _app_lifecycle(make_test_app(database_url, WTF_CSRF_ENABLED=True)) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A Session on the app's engine for arranging and checking rows around requests.

    It is independent of any request's session: commit what a request should see, and expect to
    see only what a request committed.
    """
    with Session(db.get_engine(app)) as session:
        yield session
