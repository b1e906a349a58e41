"""The caseload child's forms: adding a client (with consent), their name and record number,
sharing and stopping sharing."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, ValidationError

from recovery.counselor import clients, users
from recovery.counselor.forms import check_with, strip
from recovery.models import User


def record_number_field() -> StringField:
    return StringField(
        "Clinic record number (optional)", filters=[strip],
        description=f"Your clinic's own number for this client, to find them by. At most "
                    f"{clients.MAX_RECORD_NUMBER_LENGTH} letters, digits, spaces, dots, "
                    "slashes or dashes.",
        validators=[check_with(clients.record_number_problem)],
    )


class NewClientForm(FlaskForm):
    name = StringField(
        "Name (optional)", filters=[strip],
        description="Leave this empty to know the client only by their code.",
        validators=[check_with(clients.name_problem)],
    )
    record_number = record_number_field()
    consent = BooleanField(
        "The client agreed to their answers being recorded here",
        validators=[InputRequired("Please ask the client first, and tick this box only if "
                                  "they agreed. Without their agreement nothing is saved.")],
    )
    consent_note = StringField(
        "Note about consent (optional)", filters=[strip],
        description=f"For example how consent was given. At most {clients.MAX_NOTE_LENGTH} "
                    "characters; no health details, please.",
        validators=[check_with(clients.note_problem)],
    )


class RenameClientForm(FlaskForm):
    """The client's name and record number, changed together."""

    name = StringField(
        "Name (optional)", filters=[strip],
        description="Leave this empty to know the client only by their code.",
        validators=[check_with(clients.name_problem)],
    )
    record_number = record_number_field()


class ShareClientForm(FlaskForm):
    email = EmailField("Their email address", filters=[strip], validators=[
        InputRequired("Please enter the email address of the counselor to share with."),
        check_with(users.email_problem),
    ])


class StopSharingForm(FlaskForm):
    """Whom to stop sharing a client with: the choices are the client's colleagues, set per
    request, so only someone it is shared with can be chosen."""

    user_id = SelectField(
        "Stop sharing with", validate_choice=False,
        description="They can no longer open this client, its screenings or its plans. What "
                    "they recorded stays with the client.",
    )

    def __init__(self, *args: Any, colleagues: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user_id.choices = [SelectChoice(str(user.id), f"{user.display_name} ({user.email})")
                                for user in colleagues]

    def validate_user_id(self, field: Field) -> None:
        if field.data not in {choice.value for choice in self.user_id.choices}:
            raise ValidationError("Please choose one of the colleagues in the list.")
