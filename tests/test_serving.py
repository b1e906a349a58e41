"""The production command: gunicorn with gunicorn.conf.py serves the app, answers /healthz,
and writes logs without links or query strings."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

REPO = Path(__file__).parents[1]
LINK = "Zq" * 21 + "x"  # shaped like a private link (43 characters)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@contextmanager
def gunicorn(database_url: str, log: Path, *args: str) -> Iterator[str]:
    """Run gunicorn as ./scripts/serve does (extra command-line `args` override the config
    file); yield its base URL once /healthz answers 200; stop it at the end."""
    port = free_port()
    env = {**os.environ, "RECOVERY_BIND": f"127.0.0.1:{port}", "RECOVERY_WORKERS": "1",
           "RECOVERY_DATABASE_URL": database_url, "RECOVERY_SECRET_KEY": "k" * 32}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *args,
             "recovery:create_app()"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while status_of_or_none(f"{base}/healthz") != 200:
                assert time.monotonic() < deadline, log.read_text()
                assert server.poll() is None, log.read_text()
                time.sleep(0.2)
            yield base
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


@pytest.fixture
def gunicorn_log(database_url: str, tmp_path: Path) -> Path:
    """Make a few requests to gunicorn; its log file."""
    log = tmp_path / "gunicorn.log"
    with gunicorn(database_url, log) as base:
        assert status_of(f"{base}/r/{LINK}") == 404
        assert status_of(f"{base}/counselor/clients?q=Quentin") == 200  # the sign-in page
        assert status_of(f"{base}/privacy") == 200
    return log


def status_of_or_none(url: str) -> int | None:
    try:
        return status_of(url)
    except OSError:
        return None


def test_gunicorn_serves_the_app_and_logs_routes_not_urls(gunicorn_log: Path) -> None:
    text = gunicorn_log.read_text()

    assert "Booting worker" in text
    assert "recovery.access: GET /r/<token> 404" in text
    assert "GET /privacy 200" in text
    assert LINK not in text and "Quentin" not in text and "?q" not in text
    assert "/healthz" not in text  # load balancer checks are not logged when they pass
    assert "Replacing worker" not in text
    assert "Traceback" not in text


def test_workers_forked_from_the_preloaded_app_replace_each_other(database_url: str,
                                                                  tmp_path: Path) -> None:
    """The app is built once in the master (preload_app); a worker replaced after max_requests
    is forked from it and opens database connections of its own."""
    log = tmp_path / "gunicorn.log"
    with gunicorn(database_url, log, "--max-requests", "2", "--max-requests-jitter", "0") as base:
        for _ in range(8):
            assert status_of(f"{base}/healthz") == 200  # a query on the worker's own pool
            assert status_of(f"{base}/screening/substance") in (200, 302)
    text = log.read_text()
    assert text.count("Booting worker") >= 4, text
    assert "Autorestarting worker" in text
    assert "Replacing worker" not in text  # the default memory limit is far off
    assert "Traceback" not in text and " ERROR " not in text


def test_a_worker_holding_too_much_memory_is_replaced(database_url: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's first request always takes some memory (about 1 MB), so with a limit of 0
    each worker is replaced after its request, and the next is answered by a new one."""
    log = tmp_path / "gunicorn.log"
    monkeypatch.setenv("RECOVERY_WORKER_MAX_MEMORY_MB", "0")
    with gunicorn(database_url, log) as base:
        for _ in range(3):
            assert status_of(f"{base}/privacy") == 200
    text = log.read_text()
    assert text.count("Replacing worker: 0 MB of memory more than at start") >= 3, text
    assert text.count("Booting worker") >= 4, text
    assert "Traceback" not in text and " ERROR " not in text


@pytest.mark.parametrize(("grown_mb", "replaced"), [
    (600, True),  # past the default 512 MB
    (400, False),  # a worker after many of the largest PDFs holds about 210 MB more
    (0, False),
])
def test_a_worker_is_replaced_when_it_has_grown_past_the_limit(grown_mb: int,
                                                               replaced: bool) -> None:
    post_request = _settings()["post_request"]
    resident_mb = post_request.__globals__["_resident_mb"]()  # type: ignore[attr-defined]
    assert resident_mb > 0
    logged: list[str] = []
    worker = SimpleNamespace(alive=True, resident_mb_at_start=resident_mb - grown_mb,
                             log=SimpleNamespace(info=lambda *args: logged.append(args[0])))
    post_request(worker, None, {}, None)  # type: ignore[operator]
    assert worker.alive is not replaced
    assert bool(logged) is replaced


def test_the_gunicorn_settings_guard_the_workers() -> None:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    config = Config()
    for name, value in _settings().items():
        if name in config.settings:
            config.set(name, value)
    assert config.timeout == 30
    assert config.max_requests == 10000 and config.max_requests_jitter == 1000
    assert _settings()["worker_max_memory_mb"] == 512
    assert config.workers >= 2
    assert config.bind == ["127.0.0.1:8000"]
    assert config.accesslog is None
    assert config.preload_app is True
    # gunicorn's own access line (with the URL) is replaced by the app's, not just hidden.
    assert issubclass(config.logger_class, Logger)
    assert config.logger_class.access is not Logger.access


def _settings() -> dict[str, object]:
    namespace: dict[str, object] = {"__file__": str(REPO / "gunicorn.conf.py")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECOVERY_")}
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        exec((REPO / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {k: v for k, v in namespace.items() if not k.startswith("_")}


# A worker's last moments as gunicorn runs them: worker_exit is called while the worker's
# SystemExit unwinds. The markers say whether the pool was closed and whether the
# interpreter's teardown (atexit) ran.
WORKER_EXIT = """
import atexit, os, runpy, sys, types
from recovery import db
conf = runpy.run_path("gunicorn.conf.py")
atexit.register(lambda: open(sys.argv[1] + "/teardown", "w").close())
engine = types.SimpleNamespace(dispose=lambda: open(sys.argv[1] + "/disposed", "w").close())
app = types.SimpleNamespace(extensions={db.ENGINE_KEY: engine})
server = types.SimpleNamespace(app=types.SimpleNamespace(wsgi=lambda: app))
worker = types.SimpleNamespace(pid=int(sys.argv[3]) or os.getpid())
try:
    sys.exit(int(sys.argv[2]))
finally:
    conf["worker_exit"](server, worker)
"""


@pytest.mark.parametrize(("code", "other_pid", "expected"), [
    (0, 0, {"disposed"}),  # replaced or stopped: pool closed, no teardown
    (3, 0, {"teardown"}),  # failed to boot: the master must see 3 to stop respawning
    (4, 0, {"teardown"}),  # the app failed to load
    (0, 1, {"teardown"}),  # the master, told of a worker already gone, must not leave
])
def test_a_worker_ending_normally_skips_the_interpreters_teardown(
        tmp_path: Path, code: int, other_pid: int, expected: set[str]) -> None:
    done = subprocess.run([sys.executable, "-c", WORKER_EXIT, str(tmp_path), str(code),
                           str(other_pid)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == code, done.stderr
    assert {path.name for path in tmp_path.iterdir()} == expected
