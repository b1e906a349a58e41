"""Forms for the questionnaire, built from the content one step at a time.

WTForms checks a posted step and its CSRF token; the answer rules themselves come from
`recovery.screening.answers.check_item`, the same function the engine and the CLI use, so the
web form can never accept an answer the engine would refuse. The same form shows the step
(`choice_question` in templates/_macros/forms.html writes each question).
"""

import functools
from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from recovery.content.model import Item, Option, Step
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


@functools.lru_cache(maxsize=1024)
def _step_form_class(step_id: str, items: tuple[Item, ...],
                     options: tuple[tuple[Option, ...], ...], subject: str, audience: str
                     ) -> type[StepForm]:
    """The form class for one set of visible questions and options. The content is immutable,
    so the same questions always make the same class; making one with type() (and letting
    WTForms collect its fields) cost about a third of a step page. The key is the content's
    own (hashable, frozen) items, the subject's wording and whose words are read ("self" or
    "counselor", see Item.text_for), so there are few keys."""
    fields: dict[str, Any] = {}
    for item, item_options in zip(items, options, strict=True):
        fields[item.id] = (CheckboxesField if item.is_multiple else SingleChoiceField)(
            label=fill(item.text_for(audience), subject),
            description=fill(item.hint_for(audience), subject),
            choices=[SelectChoice(option.id, option.label) for option in item_options],
            validators=[ItemRule(item)],
            validate_choice=False,  # ItemRule gives a kinder message for the same check
        )
    fields["item_ids"] = [item.id for item in items]
    return type(f"{step_id.title()}Form", (StepForm,), fields)


def build_step_form(step: Step, answers: Mapping[str, str | list[str]], subject: str,
                    formdata: Any = None, audience: str = "self") -> StepForm:
    """A form for the questions of `step` that apply, in `audience`'s words: to check a post of
    them (`formdata`), or without one, to show them with the earlier answers chosen."""
    items = tuple(visible_items(step, answers))
    options = tuple(tuple(visible_options(item, answers)) for item in items)
    form_class = _step_form_class(step.id, items, options, subject, audience)
    if formdata is None:
        form = form_class(formdata=None, data={item.id: answers.get(item.id) for item in items})
    else:
        form = form_class(formdata=formdata)
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
