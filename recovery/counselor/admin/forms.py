"""The admin child's form: inviting someone (email address and role)."""

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, SelectChoice, SelectField
from wtforms.validators import InputRequired, ValidationError

from recovery.counselor import users
from recovery.counselor.forms import check_with, strip
from recovery.db import get_session


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
