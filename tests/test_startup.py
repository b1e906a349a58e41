"""Refusing to start, said plainly: a bad setting or a database that can't be reached ends every
entry point with one short message and a non-zero exit, never a traceback (and never a
password from DATABASE_URL)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
GOOD_KEY = "k" * 40


def run(command: list[str], tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`command` from a folder of its own, with only these RECOVERY_* settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RECOVERY_", "FLASK_")) and k != "DATABASE_URL"}
    env.update({f"RECOVERY_{k}": v for k, v in settings.items()})
    env["RECOVERY_DATABASE_URL"] = settings.get("DATABASE_URL",
                                                f"sqlite:///{tmp_path / 'db.sqlite3'}")
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)


def flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "recovery", *args]


def assert_refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output, output
    assert "recovery: " in done.stderr
    for word in words:
        assert word in done.stderr, output


@pytest.mark.parametrize("command", [["check-content"], ["setup"], ["purge-expired"],
                                     ["run", "--port", "0"]])
def test_a_short_secret_key_stops_every_flask_command(tmp_path: Path,
                                                       command: list[str]) -> None:
    assert_refused(run(flask(*command), tmp_path, SECRET_KEY="short"),
                   "SECRET_KEY is shorter than", "RECOVERY_SECRET_KEY")


def test_a_short_secret_key_stops_gunicorn(tmp_path: Path) -> None:
    done = run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                "--bind", "127.0.0.1:0", "recovery:create_app()"], tmp_path, SECRET_KEY="short")
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "Traceback" not in output, output
    assert "recovery: Refusing to start: SECRET_KEY is shorter than" in output


@pytest.mark.parametrize(("url", "words"), [
    ("postgresql+psycopg://someone:sekrit@127.0.0.1:1/nowhere",
     ["the database (DATABASE_URL) can't be used", "Connection refused"]),
    ("sqlite:////nonexistent-folder/recovery.sqlite3",
     ["the database (DATABASE_URL) can't be used", "unable to open database file"]),
    ("nonsense://someone:sekrit@host/x",
     ["DATABASE_URL is not a database URL this app can use"]),
    ("not a url at all", ["DATABASE_URL is not a database URL this app can use"]),
])
def test_a_database_that_cannot_be_used_stops_the_commands_that_need_it(
        tmp_path: Path, url: str, words: list[str]) -> None:
    for command in (["init-db"], ["purge-expired"]):
        done = run(flask(*command), tmp_path, SECRET_KEY=GOOD_KEY, DATABASE_URL=url)
        assert_refused(done, *words)
        assert "sekrit" not in done.stdout + done.stderr


def test_the_pdf_libraries_are_here() -> None:
    from recovery import system_libraries
    assert system_libraries.missing_packages() == []


def test_a_missing_system_library_is_named_with_its_package() -> None:
    """As on a machine without libharfbuzz-subset0: one line naming the package to install."""
    code = ("from recovery import system_libraries as s\n"
            "s.require({**s.LIBRARIES, 'libnot-here.so.7': 'libnot-here7'})\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "sudo apt-get install libnot-here7" in done.stderr
