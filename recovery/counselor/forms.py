"""What every child's forms share: `check_with` (a validator from a `*_problem` rule),
`form_problems` (the error summary), `strip`, and `ConfirmForm` (a button that is the whole
form). Each child keeps its own forms in its forms.py.

Field checks reuse the rules in `users`, `clients`, `passwords` and `recovery.text`, so the
command line, the forms and the store functions can never disagree about what a valid email,
name or password is.
"""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError


def strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def check_with(problem: Any) -> Any:
    """A WTForms validator from one of our `*_problem(value) -> str | None` functions."""

    def validator(form: Any, field: Field) -> None:
        message = problem(field.data or "")
        if message is not None:
            raise ValidationError(message)

    return validator


def form_problems(form: FlaskForm, message: str | None = None) -> list[tuple[str, str, str]]:
    """(field id, label, first error) for the `problem_summary` macro, plus a message about the
    whole form (e.g. a failed sign-in) without a field."""
    found = [(field.id, field.label.text, field.errors[0])
             for field in form if field.errors and field.name != "csrf_token"]
    if message:
        found.append(("", "", message))
    return found


class ConfirmForm(FlaskForm):
    """Only the CSRF token: for actions whose button is the whole form (deleting)."""
