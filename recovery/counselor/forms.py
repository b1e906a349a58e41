"""What every child's forms share: `check_with` (a validator from a `*_problem` rule),
`form_problems` (the error summary), `strip`, and `ConfirmForm` (a button that is the whole
form). Each child keeps its own forms in its forms.py; NotesForm and OverrideForm belong to the
screenings with a client and move there with them.

Field checks reuse the rules in `users`, `clients`, `passwords` and `recovery.text`, so the
command line, the forms and the store functions can never disagree about what a valid email,
name or password is.
"""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectField, TextAreaField
from wtforms.validators import ValidationError

from recovery.counselor import screenings


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


class NotesForm(FlaskForm):
    notes = TextAreaField(
        "Notes (optional)",
        description=f"What you noticed, what was agreed, anything to follow up. At most "
                    f"{screenings.MAX_NOTES_LENGTH:,} characters. The client can ask to see them.",
        validators=[check_with(screenings.notes_problem)],
    )


class OverrideForm(FlaskForm):
    """The counselor's own choice of path. The choices are set per request from the content;
    the empty choice means "follow the suggestion"."""

    path = SelectField("Path you recommend", validate_choice=False)
    reason = TextAreaField(
        "Why you chose it",
        description="Kept beside the suggestion, so whoever reads this later sees both.",
        validators=[check_with(screenings.reason_problem)],
    )

    def __init__(self, *args: Any, paths: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path.choices = [SelectChoice("", "Follow the suggestion")] + [
            SelectChoice(path_id, title) for path_id, title in paths]

    def validate_path(self, field: Field) -> None:
        if field.data not in {choice.value for choice in self.path.choices}:
            raise ValidationError("Please choose one of the paths in the list.")
