"""The app under test, started the way a person starts it: `flask --app recovery run`.

The server is a real subprocess on 127.0.0.1. It listens on a port the kernel picks (`--port
0`): reading the port back from the server's own log line means two test runs on one machine
can never race for the same port. Its settings come from RECOVERY_* environment variables, as
in production, and its database is one the tests made for it alone.
"""

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from recovery import db

STARTUP_SECONDS = 30
# werkzeug prints " * Running on http://127.0.0.1:PORT" (in colour on some terminals).
RUNNING_ON = re.compile(r"Running on (http://127\.0\.0\.1:\d+)")
ADMIN_EMAIL = "ada@example.org"
ADMIN_NAME = "Ada Admin"
ADMIN_PASSWORD = "a long enough passphrase for the browser tests"
# Set explicitly, so a developer's instance/config.py cannot change what the journeys expect.
IDLE_MINUTES = 15
SESSION_HOURS = 8


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    name: str


@dataclass(frozen=True)
class LiveServer:
    """A running app: its address, its database and its log (for failure messages)."""

    url: str
    database_url: str
    log_path: Path
    process: subprocess.Popen[bytes]
    admin: Account

    def engine(self) -> Engine:
        """An engine on the server's database, to arrange what a test cannot do in the browser
        (such as letting 16 minutes pass). Dispose of it after use."""
        return db.make_engine(self.database_url)

    def log_tail(self) -> str:
        return log_tail(self.log_path)

    def stop(self) -> None:
        stop_process(self.process)


def server_environment(database_url: str) -> dict[str, str]:
    """The environment of a clean production-like start: no debug, a real secret key, our
    database, and none of the developer's own RECOVERY_*/FLASK_* settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RECOVERY_", "FLASK_")) and k != "DATABASE_URL"}
    env.update({
        "RECOVERY_DATABASE_URL": database_url,
        "RECOVERY_SECRET_KEY": secrets.token_hex(32),
        # Plain HTTP on 127.0.0.1: a Secure cookie would never be sent back.
        "RECOVERY_SESSION_COOKIE_SECURE": "false",
        "RECOVERY_COUNSELOR_IDLE_MINUTES": str(IDLE_MINUTES),
        "RECOVERY_COUNSELOR_SESSION_HOURS": str(SESSION_HOURS),
        "RECOVERY_CRISIS_LOCALE": "US",  # the crisis lines the journeys expect (988)
        "FLASK_SKIP_DOTENV": "1",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "recovery", *args]


def start_server(database_url: str, log_path: Path) -> LiveServer:
    """Migrate the database, start the server, and make the first admin with the real CLI."""
    engine = db.make_engine(database_url)
    try:
        db.upgrade_engine(engine)  # what `flask --app recovery init-db` does
    finally:
        engine.dispose()
    env = server_environment(database_url)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            flask_command("run", "--host", "127.0.0.1", "--port", "0"),
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    admin = Account(ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_NAME)
    try:
        # The documented way to make the first admin, run while the server starts up.
        created = subprocess.run(
            flask_command("create-user", "--email", admin.email, "--role", "admin",
                          "--name", admin.name, "--password-stdin"),
            env=env, input=admin.password + "\n", capture_output=True, text=True,
            timeout=STARTUP_SECONDS)
        if created.returncode != 0:
            raise RuntimeError(f"create-user failed: {created.stdout}{created.stderr}")
        url = wait_until_ready(process, log_path)
    except BaseException:
        stop_process(process)
        raise
    return LiveServer(url, database_url, log_path, process, admin)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def log_tail(log_path: Path, lines: int = 30) -> str:
    text = log_path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.splitlines()[-lines:])


def wait_until_ready(process: subprocess.Popen[bytes], log_path: Path) -> str:
    """The server's base URL once its start page answers 200."""
    deadline = time.monotonic() + STARTUP_SECONDS
    url = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The app server exited with code {process.returncode}:\n"
                               f"{log_tail(log_path)}")
        if url is None:
            found = RUNNING_ON.search(log_path.read_text(errors="replace"))
            url = found.group(1) if found else None
        if url is not None:
            try:
                with urllib.request.urlopen(url + "/", timeout=5) as response:
                    if response.status == 200:
                        return url
            except (urllib.error.URLError, ConnectionError):
                pass
        time.sleep(0.1)
    raise RuntimeError(f"The app server did not answer within {STARTUP_SECONDS} s:\n"
                       f"{log_tail(log_path)}")
