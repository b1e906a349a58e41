"""Forms for the questionnaire, built from the content one step at a time.

WTForms renders the fields and checks the CSRF token; the answer rules themselves come from
`recovery.screening.answers.check_item`, the same function the engine and the CLI use, so the
web form can never accept an answer the engine would refuse.
"""

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from recovery.content.model import Item, Step
from recovery.screening.answers import check_item, visible_items, visible_options
from recovery.screening.engine import fill

REQUIRED_MESSAGES = {
    "multi": "Please choose at least one option, or 'None of these'.",
}
REQUIRED_MESSAGE = "Please choose an answer."


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SingleChoiceField(RadioField):
    """A radio group that refuses several values instead of silently keeping the first."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if len(valuelist) > 1:
            self.data = None
            raise ValueError("Please choose only one answer.")
        super().process_formdata(valuelist)


class ItemRule:
    """Validates one field against its content item, given the answers from earlier steps."""

    def __init__(self, item: Item, earlier: Mapping[str, str | list[str]]) -> None:
        self.item, self.earlier = item, earlier

    def __call__(self, form: FlaskForm, field: Field) -> None:
        value = field.data
        if field.process_errors:
            raise StopValidation(str(field.process_errors[0]))
        if value in (None, "", []):
            if self.item.is_required:
                raise StopValidation(REQUIRED_MESSAGES.get(self.item.kind, REQUIRED_MESSAGE))
            return
        message = check_item(self.item, value, self.earlier)
        if message:
            # The only way to get here is a tampered form, so plain words are enough.
            raise ValidationError("That answer isn't one of the options. Please choose again.")


class StepForm(FlaskForm):
    """Base class; `build_step_form` adds one field per visible question."""

    item_ids: list[str]


def build_step_form(step: Step, answers: Mapping[str, str | list[str]], subject: str,
                    formdata: Any = None) -> StepForm:
    """A form for the questions of `step` that apply, pre-filled with earlier answers."""
    fields: dict[str, Field] = {}
    items = visible_items(step, answers)
    for item in items:
        choices = [SelectChoice(o.id, o.label) for o in visible_options(item, answers)]
        kwargs: dict[str, Any] = {
            "label": fill(item.text, subject),
            "description": fill(item.hint, subject),
            "choices": choices,
            "validators": [ItemRule(item, answers)],
            "validate_choice": False,  # ItemRule gives a kinder message for the same check
        }
        fields[item.id] = (CheckboxesField if item.is_multiple else SingleChoiceField)(**kwargs)
    form_class = type(f"{step.id.title()}Form", (StepForm,), fields)
    # Pre-fill from earlier answers only when showing the form: on a post, a missing field must
    # count as missing, not quietly fall back to the old answer.
    data = {} if formdata else {item.id: answers[item.id] for item in items if item.id in answers}
    form = form_class(formdata=formdata, data=data)
    form.item_ids = [item.id for item in items]
    return form


def answers_from(form: StepForm, *, only_valid: bool = False) -> dict[str, str | list[str]]:
    """The answers on the form; with `only_valid`, leave out fields that failed validation."""
    found: dict[str, str | list[str]] = {}
    for item_id in form.item_ids:
        field = form[item_id]
        if only_valid and field.errors:
            continue
        if field.data not in (None, "", []):
            found[item_id] = list(field.data) if isinstance(field.data, list) else str(field.data)
    return found
