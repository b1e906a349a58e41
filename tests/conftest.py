"""Shared fixtures, in the style of flaskr's conftest: `app`, `client`, `runner`, plus the database.

The database is SQLite in a temporary folder by default. Set RECOVERY_TEST_DATABASE_URL (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/test) to run the same tests on PostgreSQL: each test
session then works in its own schema `t_<random>`, dropped at the end, so runs never collide.
Migrations are applied once per session; tables are emptied before every test that uses `app`.
"""

import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2 import StrictUndefined
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel

import recovery.models  # noqa: F401  (registers every table on SQLModel.metadata)
import recovery.seeds
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


# A PostgreSQL server for the tests about PostgreSQL itself (marked `postgres`), which run on it
# whatever the run's database is; scripts/test exports it.
TEST_POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL",
                                   "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def fresh_database(tmp_dir: Path, base: str | None = None) -> Iterator[str]:
    """Yield the URL of a new, empty database (SQLite file or PostgreSQL schema); drop it after.

    A schema on `base` if given, else on the run's PostgreSQL if it has one, else SQLite."""
    base = base or postgres_base_url()
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


@pytest.fixture(scope="session")
def postgres_database_url(database_url: str,
                          tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated PostgreSQL database: the run's own on the PostgreSQL run, else a throw-away
    schema on TEST_POSTGRES_URL, for the tests marked `postgres`."""
    if make_url(database_url).get_backend_name() == "postgresql":
        yield database_url
        return
    with fresh_database(tmp_path_factory.mktemp("pg"), base=TEST_POSTGRES_URL) as url:
        engine = db.make_engine(url)
        try:
            db.upgrade_engine(engine)
        finally:
            engine.dispose()
        yield url


# Redis for the tests of counts shared between processes (scripts/test starts one if need be).
TEST_REDIS_URL = os.environ.get("RECOVERY_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix of this test's own (other test runs may share the Redis server); its
    keys are removed afterwards."""
    prefix = f"recovery-test-{uuid.uuid4().hex}"
    yield prefix
    connection = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
    finally:
        connection.close()


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
        # Times on pages in UTC, as the tests write them; tests of the install's zone (and the
        # browser journeys, on the default America/New_York) set another.
        "TIME_ZONE": "UTC",
    }
    settings.update(overrides)
    app = create_app(settings)
    # A name a template reads that the view didn't pass fails the test instead of rendering
    # blank (how the counselor's crisis guidance once went missing unnoticed).
    app.jinja_env.undefined = StrictUndefined
    return app


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


# --- Walking the questionnaire (shared by the serving, logging, fault and bad-input tests) ----

LOW_RISK_KETAMINE_FILE = Path(__file__).parent / "data" / "low_risk_ketamine.json"


@pytest.fixture
def low_risk_answers() -> dict[str, Any]:
    """A complete, valid answer set (tests/data/low_risk_ketamine.json)."""
    answers: dict[str, Any] = json.loads(LOW_RISK_KETAMINE_FILE.read_text(encoding="utf-8"))
    return answers


def answer_every_step(client: FlaskClient, answers: dict[str, Any]) -> str:
    """Post each questionnaire page as a browser would, from the start to the result; returns
    the last location (the result page's URL when `answers` are complete)."""
    location = client.post("/screening/start").headers["Location"]
    for _ in range(50):
        if not location.startswith("/screening/") or location == "/screening/result":
            return location
        assert client.get(location).status_code == 200, location
        step_id = location.removeprefix("/screening/")
        content = recovery.seeds.current_content()
        step = content.questionnaire.step(step_id)
        assert step is not None, location
        data = {item.id: answers[item.id] for item in step.items if item.id in answers}
        response = client.post(location, data=data)
        assert response.status_code == 302, (location, response.status_code)
        location = response.headers["Location"]
    raise AssertionError("the questionnaire did not end")


@pytest.fixture
def walk_questionnaire(app: Flask) -> Callable[[FlaskClient, dict[str, Any]], str]:
    """`walk_questionnaire(client, answers)`: see `answer_every_step` (needs the app context)."""

    def walk(client: FlaskClient, answers: dict[str, Any]) -> str:
        with app.app_context():
            return answer_every_step(client, answers)

    return walk


class _PostForms(HTMLParser):
    """The fields each POST form on a page would send as it stands (no button pressed)."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, dict[str, list[str]]] = {}
        self._fields: dict[str, list[str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._first_option: dict[str, str] = {}
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form" and found.get("method", "").lower() == "post":
            self._fields = self.forms.setdefault(found.get("action", ""), {})
        if self._fields is None or tag not in ("input", "textarea", "select", "option"):
            return
        name = found.get("name", "")
        if tag == "input" and name and found.get("type") not in ("submit", "button", "file"):
            if found.get("type") not in ("radio", "checkbox") or "checked" in found:
                self._fields.setdefault(name, []).append(found.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select is not None:
            value = found.get("value", "")
            self._first_option.setdefault(self._select, value)
            if "selected" in found:
                self._fields[self._select] = [value]

    def handle_data(self, data: str) -> None:
        if self._fields is not None and self._textarea is not None:
            self._fields[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            self._fields.setdefault(self._select, [self._first_option.get(self._select, "")])
            self._select = None
        elif tag == "form":
            self._fields = None


def post_form_fields(markup: str, action: str) -> dict[str, list[str]]:
    """What the page's POST form to `action` would send, field by field."""
    forms = _PostForms(markup).forms
    assert action in forms, f"no POST form to {action}; forms: {sorted(forms)}"
    return forms[action]


@pytest.fixture
def read_post_form() -> Callable[[str, str], dict[str, list[str]]]:
    return post_form_fields


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs during the test."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = db.get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)
