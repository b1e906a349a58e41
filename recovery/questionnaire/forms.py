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
    """Validates one field against its content item, given the answers from earlier steps (read
    from the form, so one form class can serve everyone who sees the same questions)."""

    def __init__(self, item: Item) -> None:
        self.item = item

    def __call__(self, form: "StepForm", field: Field) -> None:
        value = field.data
        if field.process_errors:
            raise StopValidation(str(field.process_errors[0]))
        if value in (None, "", []):
            if self.item.is_required:
                raise StopValidation(REQUIRED_MESSAGES.get(self.item.kind, REQUIRED_MESSAGE))
            return
        message = check_item(self.item, value, form._earlier)
        if message:
            # The only way to get here is a tampered form, so plain words are enough.
            raise ValidationError("That answer isn't one of the options. Please choose again.")


class StepForm(FlaskForm):
    """Base class; `_step_form_class` adds one field per visible question."""

    item_ids: list[str]
    _earlier: Mapping[str, str | list[str]]  # the answers ItemRule checks against


# Form classes by (step, the visible questions and options, subject). Making a class with
# type() and letting WTForms collect its fields cost about a third of a step page; the content
# is immutable, so the same questions always make the same class. Keys come from the content
# only (ids and the subject's wording), so there are few of them; the cap is a safety net.
_FormShape = tuple[tuple[str, tuple[str, ...]], ...]
_FORM_CLASSES: dict[tuple[int, _FormShape, str], tuple[Step, type[StepForm]]] = {}
_MAX_FORM_CLASSES = 1024


def _step_form_class(step: Step, items: list[Item], answers: Mapping[str, str | list[str]],
                     subject: str) -> type[StepForm]:
    options = {item.id: visible_options(item, answers) for item in items}
    shape = tuple((item.id, tuple(o.id for o in options[item.id])) for item in items)
    key = (id(step), shape, subject)
    cached = _FORM_CLASSES.get(key)
    # The step is kept alongside, so a reused id() of a dropped step (another app's content)
    # can't match.
    if cached is not None and cached[0] is step:
        return cached[1]
    fields: dict[str, Any] = {}
    for item in items:
        choices = [SelectChoice(o.id, o.label) for o in options[item.id]]
        kwargs: dict[str, Any] = {
            "label": fill(item.text, subject),
            "description": fill(item.hint, subject),
            "choices": choices,
            "validators": [ItemRule(item)],
            "validate_choice": False,  # ItemRule gives a kinder message for the same check
        }
        fields[item.id] = (CheckboxesField if item.is_multiple else SingleChoiceField)(**kwargs)
    fields["item_ids"] = [item.id for item in items]
    form_class = type(f"{step.id.title()}Form", (StepForm,), fields)
    if len(_FORM_CLASSES) >= _MAX_FORM_CLASSES:
        _FORM_CLASSES.clear()
    _FORM_CLASSES[key] = (step, form_class)
    return form_class


def build_step_form(step: Step, answers: Mapping[str, str | list[str]], subject: str,
                    formdata: Any = None) -> StepForm:
    """A form for the questions of `step` that apply, pre-filled with earlier answers."""
    items = visible_items(step, answers)
    form_class = _step_form_class(step, items, answers, subject)
    # Pre-fill from earlier answers only when showing the form: on a post, a missing field must
    # count as missing, not quietly fall back to the old answer.
    data = {} if formdata else {item.id: answers[item.id] for item in items if item.id in answers}
    form = form_class(formdata=formdata, data=data)
    form._earlier = answers
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
