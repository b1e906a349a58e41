"""The forms of a saved screening: its notes, and the counselor's own choice of path. Their
fields are checked by the same rules as the store functions (operations.py)."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, SelectChoice, SelectField, TextAreaField
from wtforms.validators import ValidationError

from recovery.counselor.forms import check_with
from recovery.counselor.screenings import operations


class NotesForm(FlaskForm):
    notes = TextAreaField(
        "Notes (optional)",
        description=f"What you noticed, what was agreed, anything to follow up. At most "
                    f"{operations.MAX_NOTES_LENGTH:,} characters. The client can ask to see them.",
        validators=[check_with(operations.notes_problem)],
    )


class OverrideForm(FlaskForm):
    """The counselor's own choice of path. The choices are set per request from the content;
    the empty choice means "follow the suggestion"."""

    path = SelectField("Path you recommend", validate_choice=False)
    reason = TextAreaField(
        "Why you chose it",
        description="Kept beside the suggestion, so whoever reads this later sees both.",
        validators=[check_with(operations.reason_problem)],
    )

    def __init__(self, *args: Any, paths: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path.choices = [SelectChoice("", "Follow the suggestion")] + [
            SelectChoice(path_id, title) for path_id, title in paths]

    def validate_path(self, field: Field) -> None:
        if field.data not in {choice.value for choice in self.path.choices}:
            raise ValidationError("Please choose one of the paths in the list.")
