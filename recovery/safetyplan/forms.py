"""The form of one safety-plan step: a few one-line text boxes, or a few contacts (a name and a
phone number each), and on the step with the crisis lines, which country's to show.

Built per step (`step_form`), with the limits of recovery.planning.safety, so a form never
accepts what a saved plan would refuse. The fields are named `line-1`..., `name-1`/`phone-1`...
"""

from collections.abc import Callable, Sequence
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, HiddenField, StringField
from wtforms.validators import ValidationError

from recovery.content.safety import SafetyPlanStep
from recovery.planning.safety import (
    MAX_CONTACTS,
    MAX_LINES,
    SafetyContact,
    StepAnswer,
    line_problem,
    name_problem,
    phone_problem,
)


class SafetyStepForm(FlaskForm):
    """A step's form; its fields are added by `step_form`."""

    step: SafetyPlanStep

    def answer(self) -> StepAnswer:
        """What the valid form says, blank boxes left out."""
        if not self.step.is_contacts:
            lines = (self[f"line-{n}"].data for n in range(1, MAX_LINES + 1))
            return StepAnswer(self.step.id, lines=tuple(line for line in lines if line))
        contacts = (SafetyContact(self[f"name-{n}"].data, self[f"phone-{n}"].data)
                    for n in range(1, MAX_CONTACTS + 1))
        return StepAnswer(self.step.id, contacts=tuple(c for c in contacts if c.name))

    def text_fields(self) -> list[Field]:
        return [field for field in self if field.type == "StringField"]


def checked_by(problem: Callable[[str], str | None]) -> Callable[[Any, Field], None]:
    def check(form: Any, field: Field) -> None:
        message = problem(field.data or "")
        if message is not None:
            raise ValidationError(message)
    return check


def phone_needs_name(form: Any, field: Field) -> None:
    if field.data and not form[field.name.replace("phone", "name")].data:
        raise ValidationError("Please add a name for this number, so you know whose it is.")


def strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def text(label: str, check: Callable[[str], str | None], **kwargs: Any) -> StringField:
    return StringField(label, validators=[checked_by(check), *kwargs.pop("also", ())],
                       filters=[strip], **kwargs)


def step_form(step: SafetyPlanStep, answer: StepAnswer, *, locales: Sequence[str],
              locale: str, formdata: MultiDict[str, str] | None = None) -> SafetyStepForm:
    """The form for `step`, filled with `answer` (or with `formdata`, when posted)."""
    fields, data = contact_fields(answer) if step.is_contacts else line_fields(answer)
    if step.has_crisis_lines:
        fields["crisis_locale"] = HiddenField(validators=[one_of(locales)])
        data["crisis_locale"] = locale
    form_class = type("SafetyStepForm", (SafetyStepForm,), {"step": step, **fields})
    form: SafetyStepForm = form_class(formdata=formdata, data=data)
    return form


def line_fields(answer: StepAnswer) -> tuple[dict[str, Any], dict[str, str]]:
    fields = {f"line-{n}": text(f"Line {n}", line_problem) for n in range(1, MAX_LINES + 1)}
    return fields, {f"line-{n}": line for n, line in enumerate(answer.lines, start=1)}


def contact_fields(answer: StepAnswer) -> tuple[dict[str, Any], dict[str, str]]:
    fields: dict[str, Any] = {}
    for n in range(1, MAX_CONTACTS + 1):
        fields[f"name-{n}"] = text(f"Name {n}", name_problem)
        fields[f"phone-{n}"] = text(f"Phone number {n}", phone_problem,
                                    also=(phone_needs_name,))
    data: dict[str, str] = {}
    for n, contact in enumerate(answer.contacts, start=1):
        data |= {f"name-{n}": contact.name, f"phone-{n}": contact.phone}
    return fields, data


def one_of(allowed: Sequence[str]) -> Callable[[Any, Field], None]:
    def check(form: Any, field: Field) -> None:
        if field.data not in allowed:
            raise ValidationError("Please choose one of the countries.")
    return check
