"""Faults: the database going away and coming back, and saves that fail half-way.

An outage is made without touching the shared database server: on PostgreSQL the app talks to
it through a small TCP relay that the test closes (every connection dropped, new ones refused)
and reopens on the same port; on SQLite the folder holding the database file is moved away and
back.
"""

import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, exc, func
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from recovery import db
from recovery.models import Assessment, PlanRevision, RelapsePlan

Walk = Callable[[FlaskClient, dict[str, Any]], str]


class TcpRelay:
    """Relays 127.0.0.1:<port> to a target address; `cut()` drops every connection and refuses
    new ones until `restore()` listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                _close(self._listener)  # shutdown() also wakes the thread blocked in accept()
                self._listener = None
            for sock in self._sockets:
                _close(sock)
            self._sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by cut()
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        _close(source)
        _close(sink)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


class Outage:
    """A database the test can take away and give back, and the URL the app should use."""

    def __init__(self, url: str, cut: Callable[[], None], restore: Callable[[], None]) -> None:
        self.url, self.cut, self.restore = url, cut, restore


@pytest.fixture
def outage(database_url: str, tmp_path: Path) -> Iterator[Outage]:
    parsed = make_url(database_url)
    if parsed.get_backend_name() == "postgresql":
        relay = TcpRelay((parsed.host or "127.0.0.1", parsed.port or 5432))
        url = parsed.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
        try:
            yield Outage(url, relay.cut, relay.restore)
        finally:
            relay.cut()
        return
    # SQLite: a database of its own in a folder that can be moved away. An open SQLite
    # connection would keep reading a moved file, so cutting also drops the app's pool, as a
    # lost connection would on a server database.
    folder, away = tmp_path / "db", tmp_path / "db-away"
    folder.mkdir()
    url = f"sqlite:///{folder / 'recovery.sqlite3'}"
    engine = db.make_engine(url)
    db.upgrade_engine(engine)
    engine.dispose()
    engines: list[Engine] = []

    def cut() -> None:
        folder.rename(away)
        for engine in engines:
            engine.dispose()

    def restore() -> None:
        away.rename(folder)

    outage = Outage(url, cut, restore)
    outage.engines = engines  # type: ignore[attr-defined]
    yield outage
    shutil.rmtree(away if away.exists() else folder, ignore_errors=True)


@pytest.fixture
def outage_app(outage: Outage, make_app: Callable[..., Flask]) -> Flask:
    app = make_app(DATABASE_URL=outage.url)
    getattr(outage, "engines", []).append(db.get_engine(app))
    return app


def save_result(client: FlaskClient, walk: Walk, answers: dict[str, Any]) -> str:
    assert walk(client, answers) == "/screening/result"
    response = client.post("/screening/save")
    assert response.status_code == 302
    match = re.fullmatch(r"/r/([A-Za-z0-9_-]{43})", response.headers["Location"])
    assert match
    return match[1]


def assert_database_down_page(response: Any) -> None:
    assert response.status_code == 503
    # At least the app's 30 s; a rate-limited route may name its window's end if later.
    assert int(response.headers["Retry-After"]) >= 30
    assert "no-store" in response.headers["Cache-Control"]
    page = response.get_data(as_text=True)
    assert "We can&#39;t reach our records just now" in page
    assert "Quick exit" in page
    for leak in ("OperationalError", "psycopg", "sqlite", "Traceback", "5432"):
        assert leak not in page


# --- The database goes away and comes back ---------------------------------------------------


def test_with_the_database_down_pages_say_so_and_recover_when_it_returns(
        outage: Outage, outage_app: Flask, walk_questionnaire: Walk,
        low_risk_answers: dict[str, Any]) -> None:
    client = outage_app.test_client()
    token = save_result(client, walk_questionnaire, low_risk_answers)
    assert client.get("/healthz").status_code == 200

    outage.cut()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "unavailable", "database": "unreachable"}
    assert_database_down_page(client.get(f"/r/{token}"))
    assert_database_down_page(client.post("/screening/save"))
    # Pages that need no database keep working, and the answers in the browser are kept.
    assert client.get("/").status_code == 200
    assert client.get("/screening/result").status_code == 200

    outage.restore()

    assert client.get("/healthz").status_code == 200
    assert client.get(f"/r/{token}").status_code == 200
    assert client.post("/screening/save").status_code == 302


def test_the_app_starts_while_the_database_is_down(outage: Outage,
                                                   make_app: Callable[..., Flask]) -> None:
    """No crash loop: a worker that starts during an outage serves 503s, then recovers."""
    outage.cut()
    app = make_app(DATABASE_URL=outage.url)
    client = app.test_client()

    assert client.get("/healthz").status_code == 503
    assert client.get("/").status_code == 200

    outage.restore()
    assert client.get("/healthz").status_code == 200


# --- A failure in the middle of a save -------------------------------------------------------


def fail_when(engine: Engine, statement_start: str) -> None:
    """Make the next statement starting with `statement_start` fail as a lost connection."""

    def explode(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(statement_start):
            raise exc.OperationalError(statement, None, ConnectionError("connection lost"))

    event.listen(engine, "before_cursor_execute", explode)


def count(app: Flask, model: Any) -> int:
    with Session(db.get_engine(app)) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def set_answers(client: FlaskClient, answers: dict[str, Any]) -> None:
    with client.session_transaction() as session:
        session["answers"] = dict(answers)


def test_a_result_whose_commit_fails_is_not_saved(
        app: Flask, client: FlaskClient, low_risk_answers: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    set_answers(client, low_risk_answers)

    def insert_then_lose_the_connection(session: Session) -> None:
        session.flush()  # the INSERT reaches the database...
        raise exc.OperationalError("COMMIT", None, ConnectionError("connection lost"))

    monkeypatch.setattr(Session, "commit", insert_then_lose_the_connection)
    response = client.post("/screening/save")
    monkeypatch.undo()

    assert_database_down_page(response)
    assert count(app, Assessment) == 0
    with client.session_transaction() as session:
        assert session["answers"] == low_risk_answers  # nothing lost: they can try again


def test_a_plan_whose_second_insert_fails_leaves_no_plan(app: Flask, client: FlaskClient,
                                                         low_risk_answers: dict[str, Any]) -> None:
    set_answers(client, low_risk_answers)
    fail_when(db.get_engine(app), "INSERT INTO PLAN_REVISION")

    response = client.post("/plans/new")

    assert_database_down_page(response)
    assert (count(app, RelapsePlan), count(app, PlanRevision)) == (0, 0)


def test_a_plan_edit_that_fails_after_moving_the_version_on_changes_nothing(
        app: Flask, client: FlaskClient, low_risk_answers: dict[str, Any],
        read_post_form: Callable[[str, str], dict[str, list[str]]]) -> None:
    set_answers(client, low_risk_answers)
    plan_url = client.post("/plans/new").headers["Location"]
    edit_url = f"{plan_url}/edit/reasons"
    data = read_post_form(client.get(edit_url).get_data(as_text=True), edit_url)
    data["reasons-0-text"] = ["A reason that must not be half-saved"]
    # The UPDATE of the plan's version number goes through; the revision's INSERT fails.
    fail_when(db.get_engine(app), "INSERT INTO PLAN_REVISION")

    response = client.post(edit_url, data=data)

    assert_database_down_page(response)
    with Session(db.get_engine(app)) as session:
        plan = session.exec(select(RelapsePlan)).one()
        assert plan.current_revision == 1
        assert [r.number for r in session.exec(select(PlanRevision)).all()] == [1]
