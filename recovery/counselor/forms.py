"""Forms for signing in, inviting a counselor, accepting an invitation, and the caseload.

Field checks reuse the rules in `users` and `passwords`, so the command line, the forms and the
store functions can never disagree about what a valid email, name or password is.
"""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from recovery.counselor import clients, passwords, screenings, users
from recovery.db import get_session
from recovery.models import User


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


class NewClientForm(FlaskForm):
    name = StringField(
        "Name (optional)", filters=[strip],
        description="Leave this empty to know the client only by their code.",
        validators=[check_with(clients.name_problem)],
    )
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
    name = StringField(
        "Name (optional)", filters=[strip],
        description="Leave this empty to know the client only by their code.",
        validators=[check_with(clients.name_problem)],
    )


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
