"""The admin child's forms: inviting someone (email address and role), and whom to give a
switched-off counselor's caseload."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, SelectChoice, SelectField
from wtforms.validators import InputRequired, ValidationError

from recovery.counselor import users
from recovery.counselor.forms import check_with, strip
from recovery.db import get_session
from recovery.models import User


class InviteForm(FlaskForm):
    email = EmailField("Their email address", filters=[strip], validators=[
        InputRequired("Please enter the email address of the person to invite."),
        check_with(users.email_problem),
    ])
    role = SelectField(
        "Role", choices=[SelectChoice("counselor", "Counselor"), SelectChoice("admin", "Admin")],
        validate_choice=False, validators=[check_with(users.role_problem)],
        description="Admins can also invite and switch off accounts and read the audit log.",
    )

    def validate_email(self, field: Field) -> None:
        if users.get_user_by_email(get_session(), email=field.data) is not None:
            raise ValidationError("There is already an account for this email address.")


class MoveCaseloadForm(FlaskForm):
    """Whom to give a caseload: the choices are the other active accounts, set per request."""

    to = SelectField(
        "Give the caseload to", validate_choice=False,
        description="They become the counselor of every client listed above and can open "
                    "the clients shared with the person leaving.",
    )

    def __init__(self, *args: Any, colleagues: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.to.choices = [SelectChoice(str(user.id), f"{user.display_name} ({user.email})")
                           for user in colleagues]

    def validate_to(self, field: Field) -> None:
        if field.data not in {choice.value for choice in self.to.choices}:
            raise ValidationError("Please choose one of the active accounts in the list.")
