"""The sign-in child's forms: signing in, and choosing a name and password from an invitation."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from recovery.counselor import passwords, users
from recovery.counselor.forms import check_with, strip


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address", filters=[strip], render_kw={"autocomplete": "username"},
        validators=[
            InputRequired("Please enter your email address."),
            Length(max=users.MAX_EMAIL_LENGTH, message="That is longer than any email address."),
        ],
    )
    # No minimum here: the sign-in must work for passwords set under an older rule.
    password = PasswordField(
        "Password", render_kw={"autocomplete": "current-password"},
        validators=[
            InputRequired("Please enter your password."),
            Length(max=passwords.MAX_LENGTH, message="That is longer than any password here."),
        ],
    )


class AcceptInvitationForm(FlaskForm):
    display_name = StringField(
        "Your name", filters=[strip], description="As your colleagues will see it.",
        validators=[InputRequired("Please enter your name."),
                    check_with(users.display_name_problem)],
    )
    password = PasswordField(
        "Choose a password",
        description=f"At least {passwords.MIN_LENGTH} characters, and not easy to guess. A few "
                    "unrelated words make a strong password that is easy to type.",
        validators=[InputRequired("Please choose a password.")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type the password again", render_kw={"autocomplete": "new-password"},
        validators=[
            InputRequired("Please type the password again."),
            EqualTo("password",
                    message="The two passwords are different. Please type them again."),
        ],
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invited_email = email  # the password must not be the same as this

    def validate_password(self, field: Field) -> None:
        problem = passwords.password_problem(field.data or "", email=self.invited_email,
                                             name=self.display_name.data or "")
        if problem is not None:
            raise ValidationError(problem)
