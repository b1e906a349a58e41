"""`flask --app recovery create-user`: make accounts from the command line (the first admin)."""

import sys

import click
from flask.cli import with_appcontext
from sqlmodel import Session

from recovery.counselor import audit, clock, users
from recovery.db import get_session
from recovery.models import ROLES, User


@click.command("create-user")
@click.option("--email", required=True, help="Their email address (used to sign in).")
@click.option("--role", required=True, type=click.Choice(ROLES), help="admin or counselor.")
@click.option("--name", "display_name", default=None,
              help="The name colleagues see (default: the part of the email before the @).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (for scripts).")
@with_appcontext
def create_user_command(email: str, role: str, display_name: str | None,
                        password_stdin: bool) -> None:
    """Create a counselor or admin account. Make the first admin this way; admins invite the
    others from the workspace."""
    if display_name is None:
        display_name = email.strip().split("@", 1)[0]
    db = get_session()
    check_new_account(db, email=email, display_name=display_name)
    user = make_account(db, email=email, display_name=display_name, role=role,
                        password=read_password(password_stdin))
    audit.record(db, user=None, action="user_created", object_type="user",
                 object_id=str(user.id), detail=f"{role} account made on the command line")
    db.commit()
    click.echo(f"Created the {role} account for {user.email}. "
               "They can sign in at /counselor/login.")


def check_new_account(db: Session, *, email: str, display_name: str) -> None:
    """A ClickException, before the password is asked for, if the account can't be made."""
    problem = users.email_problem(email) or users.display_name_problem(display_name)
    if problem is not None:
        raise click.ClickException(problem)
    if users.get_user_by_email(db, email=email) is not None:
        raise click.ClickException(
            f"There is already an account for {users.normalize_email(email)}. Nothing changed.")


def make_account(db: Session, *, email: str, display_name: str, role: str,
                 password: str) -> User:
    try:
        return users.create_user(db, email=email, display_name=display_name, role=role,
                                 password=password, now=clock.now())
    except users.AccountError as error:
        raise click.ClickException(error.message + " Nothing changed.") from None


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        # One line; only the line ending is dropped (spaces may be part of a passphrase).
        return sys.stdin.readline().rstrip("\r\n")
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password
