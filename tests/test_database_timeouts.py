"""A hung database costs a request a few seconds and a 503, never a worker killed by gunicorn.

The "hung" databases are made in the test: a listener that accepts TCP connections and never
says a word, and a relay to the real PostgreSQL that can be frozen (connections stay open, no
byte passes) after the app has pooled a connection through it.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from recovery import db

pytestmark = pytest.mark.postgres

# Short limits so the tests are quick; the defaults (5 s) behave the same, just slower.
FAST = {"DATABASE_CONNECT_TIMEOUT": 2, "DATABASE_STATEMENT_TIMEOUT": 1}
# connect timeout + statement timeout + the reply margin, plus room for a slow machine.
WITHIN_SECONDS = 6
SAVED_RESULT = "/r/" + "A" * 43  # a page that reads the database


class Silent:
    """Accepts TCP connections on 127.0.0.1 and never answers; `frozen` relays stop too."""

    def __init__(self, target: tuple[str, int] | None = None) -> None:
        self.target = target
        self.frozen = target is None
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.frozen or self.target is None:
                continue  # hold the connection open and say nothing
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
            self.sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                while self.frozen:  # swallow the bytes, keep the connection open
                    time.sleep(0.05)
                sink.sendall(chunk)
        except OSError:
            pass

    def close(self) -> None:
        self.frozen = False
        for sock in [self.listener, *self.sockets]:
            sock.close()


@pytest.fixture
def postgres_url(postgres_database_url: str) -> str:
    """PostgreSQL on both runs: these timeouts are PostgreSQL's and libpq's own."""
    return postgres_database_url


@pytest.fixture
def silent() -> Iterator[Silent]:
    server = Silent()
    yield server
    server.close()


def timed_get(app: Flask, url: str) -> tuple[Any, float]:
    """GET `url` in a thread, so a request that hangs fails the test instead of freezing it."""
    answer: list[Any] = []
    started = time.monotonic()
    thread = threading.Thread(target=lambda: answer.append(app.test_client().get(url)),
                              daemon=True)
    thread.start()
    thread.join(timeout=WITHIN_SECONDS * 3)
    elapsed = time.monotonic() - started
    assert answer, f"no answer after {elapsed:.1f} s"
    return answer[0], elapsed


def test_a_database_that_accepts_and_never_answers_gives_a_503_within_seconds(
        silent: Silent, make_app: Callable[..., Flask]) -> None:
    app = make_app(DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{silent.port}/test",
                   **FAST)

    response, elapsed = timed_get(app, SAVED_RESULT)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert elapsed < WITHIN_SECONDS
    assert silent.sockets  # it really connected, and was then left hanging


def test_a_database_that_hangs_with_pooled_connections_gives_a_503_within_seconds(
        postgres_url: str, make_app: Callable[..., Flask],
        caplog: pytest.LogCaptureFixture) -> None:
    """The pool's pre-ping on a connection that stops answering: libpq has no read timeout."""
    parsed = make_url(postgres_url)
    relay = Silent((parsed.host or "127.0.0.1", parsed.port or 5432))
    try:
        url = parsed.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
        app = make_app(DATABASE_URL=url, **FAST)
        assert app.test_client().get(SAVED_RESULT).status_code == 404  # pooled and working

        relay.frozen = True
        response, elapsed = timed_get(app, SAVED_RESULT)

        assert response.status_code == 503
        assert elapsed < WITHIN_SECONDS
        assert "database unavailable during GET /r/<token>: OperationalError" in caplog.text
    finally:
        relay.close()


def test_a_statement_over_the_statement_timeout_is_cancelled_with_a_503(
        postgres_url: str, make_app: Callable[..., Flask]) -> None:
    app = make_app(DATABASE_URL=postgres_url, **FAST)

    def slow() -> str:
        db.get_session().execute(text("SELECT pg_sleep(4)"))
        return "finished"

    app.add_url_rule("/test-only/slow", view_func=slow)

    response, elapsed = timed_get(app, "/test-only/slow")

    assert response.status_code == 503
    assert elapsed < 3
    # The connection was fine, only the statement was too slow: the next request is served.
    assert app.test_client().get(SAVED_RESULT).status_code == 404


def test_every_request_connection_has_the_timeouts(postgres_url: str,
                                                    make_app: Callable[..., Flask]) -> None:
    app = make_app(DATABASE_URL=postgres_url)
    with db.get_engine(app).connect() as connection:
        settings = {name: connection.exec_driver_sql(f"SHOW {name}").scalar_one() for name in
                    ("statement_timeout", "idle_in_transaction_session_timeout", "search_path")}
    assert settings["statement_timeout"] == "5s"
    assert settings["idle_in_transaction_session_timeout"] == "30s"
    # The URL's own options (here the tests' schema) are kept alongside.
    assert settings["search_path"] == make_url(postgres_url).query["options"].split("=")[1]


def test_maintenance_commands_have_no_statement_timeout(postgres_url: str,
                                                        make_app: Callable[..., Flask]) -> None:
    app = make_app(DATABASE_URL=postgres_url, DATABASE_STATEMENT_TIMEOUT=0.001)
    with app.app_context(), db.maintenance_engine() as engine, engine.connect() as connection:
        assert connection.exec_driver_sql("SHOW statement_timeout").scalar_one() == "0"
        connection.exec_driver_sql("SELECT pg_sleep(0.1)")
    assert app.test_cli_runner().invoke(args=["purge-expired"]).exit_code == 0
