"""`flask --app recovery create-user`: the first admin is made here, and mistakes get a plain
message and a non-zero exit, never a traceback."""

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlmodel import Session, select

from recovery.models import AuditEvent, User
from tests.counselor.conftest import PASSWORD


def create_user(runner: FlaskCliRunner, *args: str, password: str | None = PASSWORD,
                stdin: str | None = None) -> Result:
    if stdin is None and password is not None:
        stdin = password + "\n"
    return runner.invoke(args=["create-user", *args, "--password-stdin"], input=stdin)


def assert_refused(result: Result, message: str) -> None:
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    # click's own exit, not an exception escaping the command
    assert isinstance(result.exception, SystemExit)


def test_creates_the_first_admin(runner: FlaskCliRunner, db_session: Session) -> None:
    result = create_user(runner, "--email", "  Ada@Example.ORG ", "--role", "admin",
                         "--name", "Ada Admin")

    assert result.exit_code == 0, result.output
    assert "Created the admin account for ada@example.org" in result.output
    user = db_session.exec(select(User)).one()
    assert (user.email, user.display_name, user.role, user.is_active) == (
        "ada@example.org", "Ada Admin", "admin", True)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    event = db_session.exec(select(AuditEvent)).one()
    assert (event.action, event.user_id, event.object_id) == ("user_created", None, str(user.id))
    assert PASSWORD not in event.detail and "Ada" not in event.detail


def test_name_defaults_to_the_start_of_the_email(runner: FlaskCliRunner,
                                                 db_session: Session) -> None:
    assert create_user(runner, "--email", "sam@example.org", "--role", "counselor").exit_code == 0
    assert db_session.exec(select(User)).one().display_name == "sam"


def test_password_from_a_hidden_prompt_with_confirmation(runner: FlaskCliRunner,
                                                         db_session: Session) -> None:
    result = runner.invoke(args=["create-user", "--email", "a@example.org", "--role", "admin"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input is not echoed
    assert db_session.exec(select(User)).one().email == "a@example.org"


def test_prompt_asks_again_when_the_two_passwords_differ(runner: FlaskCliRunner,
                                                         db_session: Session) -> None:
    result = runner.invoke(args=["create-user", "--email", "a@example.org", "--role", "admin"],
                           input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert len(db_session.exec(select(User)).all()) == 1


def test_refuses_a_duplicate_whatever_the_case(runner: FlaskCliRunner,
                                               db_session: Session) -> None:
    assert create_user(runner, "--email", "ada@example.org", "--role", "admin").exit_code == 0

    result = create_user(runner, "--email", "ADA@example.org", "--role", "counselor")

    assert_refused(result, "There is already an account for ada@example.org. Nothing changed.")
    assert len(db_session.exec(select(User)).all()) == 1


def test_duplicate_is_refused_before_asking_for_a_password(runner: FlaskCliRunner) -> None:
    assert create_user(runner, "--email", "ada@example.org", "--role", "admin").exit_code == 0
    result = runner.invoke(args=["create-user", "--email", "ada@example.org", "--role", "admin"])
    assert_refused(result, "There is already an account")
    assert "Password" not in result.output


def test_refuses_a_short_password(runner: FlaskCliRunner, db_session: Session) -> None:
    result = create_user(runner, "--email", "a@example.org", "--role", "admin",
                         password="short pw")
    assert_refused(result, "at least 12 characters")
    assert db_session.exec(select(User)).all() == []


def test_refuses_the_email_as_password(runner: FlaskCliRunner, db_session: Session) -> None:
    result = create_user(runner, "--email", "long.name@example.org", "--role", "admin",
                         password="Long.Name@example.org")
    assert_refused(result, "Please don't use your email address as your password.")
    assert db_session.exec(select(User)).all() == []


@pytest.mark.parametrize("password", ["passwordpassword", " " * 12, "ada@example.org1"])
def test_refuses_an_easily_guessed_password(runner: FlaskCliRunner, db_session: Session,
                                            password: str) -> None:
    result = create_user(runner, "--email", "ada@example.org", "--role", "admin",
                         password=password)
    assert_refused(result, "That password would be easy to guess")
    assert db_session.exec(select(User)).all() == []


def test_refuses_a_password_over_256_characters(runner: FlaskCliRunner) -> None:
    result = create_user(runner, "--email", "a@example.org", "--role", "admin",
                         password="x" * 257)
    assert_refused(result, "at most 256 characters")


def test_refuses_an_empty_stdin(runner: FlaskCliRunner) -> None:
    result = create_user(runner, "--email", "a@example.org", "--role", "admin", stdin="")
    assert_refused(result, "at least 12 characters")


def test_refuses_a_malformed_email(runner: FlaskCliRunner) -> None:
    result = create_user(runner, "--email", "not an email", "--role", "admin")
    assert_refused(result, "Please enter an email address like name@example.org.")


def test_refuses_an_unknown_role(runner: FlaskCliRunner) -> None:
    result = create_user(runner, "--email", "a@example.org", "--role", "superuser")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "'superuser' is not one of 'admin', 'counselor'" in result.output


def test_refuses_an_unusable_name(runner: FlaskCliRunner) -> None:
    result = create_user(runner, "--email", "a@example.org", "--role", "admin",
                         "--name", "x" * 101)
    assert_refused(result, "100 characters or fewer")


def test_help_describes_the_command(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["create-user", "--help"])
    assert result.exit_code == 0
    assert "Create a counselor or admin account" in result.output
    assert "--password-stdin" in result.output
