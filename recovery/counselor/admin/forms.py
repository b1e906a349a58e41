"""The admin child's forms: inviting someone (email address and role), whom to give a
switched-off counselor's caseload, and the audit log's filters."""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, Field, Form, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from recovery.counselor import clients, users
from recovery.counselor.admin import audit_words, log
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


# --- The audit log's filters ------------------------------------------------------------------

CLIENT_CODE = re.compile(r"C-[" + clients.CODE_ALPHABET + r"]{4}-[" + clients.CODE_ALPHABET
                         + r"]{4}")
EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


def upper(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


class AuditFilterForm(Form):
    """The audit log's filters, read from the query string (a search: no CSRF token, nothing
    changes). Empty fields mean "any"."""

    person = SelectField("Who", default="", validate_choice=True)
    client = StringField("Client code", filters=[upper], description="For example C-7KQ4-M2XD.",
                         validators=[Optional(), Length(max=20), Regexp(
                             CLIENT_CODE, message="A client code looks like C-7KQ4-M2XD.")])
    action = SelectField("What", choices=[SelectChoice("", "Anything"), *(
        SelectChoice(value, label) for value, label in audit_words.ACTION_LABELS.items())],
        default="", validate_choice=True)
    since = DateField("From (day)", validators=[Optional()],
                      render_kw={"min": EARLIEST.isoformat(), "max": LATEST.isoformat()})
    until = DateField("To (day, included)", validators=[Optional()],
                      render_kw={"min": EARLIEST.isoformat(), "max": LATEST.isoformat()})

    def __init__(self, formdata: Any, *, people: Mapping[int, str]) -> None:
        """`people`: every account's id and label (`log.account_names`), in the list's order."""
        super().__init__(formdata)
        self.person.choices = [SelectChoice("", "Anyone"), *(
            SelectChoice(str(user_id), label) for user_id, label in people.items())]

    def validate_since(self, field: Field) -> None:
        day_in_range(field)

    def validate_until(self, field: Field) -> None:
        day_in_range(field)
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The last day can't be before the first day.")

    def filters(self) -> log.Filters:
        return log.Filters(user_id=int(self.person.data) if self.person.data else None,
                           client_code=self.client.data or "", action=self.action.data or "",
                           since=self.since.data, until=self.until.data)


def day_in_range(field: Field) -> None:
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"Please choose a day between {EARLIEST.year} and {LATEST.year}.")
