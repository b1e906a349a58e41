"""Refusing to start, said plainly: a configuration the app can't run with, or a database a
command can't reach, ends every entry point (`flask --app recovery ...`, `./scripts/run`,
gunicorn) with one short message and a non-zero exit, never a Python traceback."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
from sqlalchemy.exc import ArgumentError

from recovery.config import ConfigError
from recovery.db import UNAVAILABLE_ERRORS

DATABASE_URL_EXAMPLES = ("sqlite:////path/to/recovery.sqlite3 or "
                         "postgresql+psycopg://user@host:5432/dbname")


def refuse_to_start(message: str) -> NoReturn:
    # SystemExit with a message: Python prints it to standard error and exits with status 1.
    raise SystemExit(f"recovery: {message}")


@contextmanager
def refusing_to_start_on_bad_settings() -> Iterator[None]:
    try:
        yield
    except ConfigError as error:
        refuse_to_start(str(error))
    except ArgumentError:
        # SQLAlchemy's message quotes the URL, password and all: say what is wrong without it.
        refuse_to_start("Refusing to start: DATABASE_URL is not a database URL this app can use "
                        f"(for example {DATABASE_URL_EXAMPLES}).")


def explain_database_errors(commands: click.Group) -> None:
    """Make every command of the app's CLI say in one line that the database can't be used
    when it doesn't answer (or isn't set up), instead of a traceback."""
    for command in commands.commands.values():
        # The commands are module-level objects shared by every app made in one process.
        if command.callback is not None and not hasattr(command.callback, _MARK):
            command.callback = _explaining_database_errors(command.callback)


def _explaining_database_errors(callback: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return callback(*args, **kwargs)
        except UNAVAILABLE_ERRORS as error:
            cause = getattr(error, "orig", None) or error
            reason = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
            refuse_to_start(f"the database (DATABASE_URL) can't be used: {reason}")

    setattr(run, _MARK, True)
    return run


_MARK = "_explains_database_errors"
