"""Forms for the questionnaire, built from the content one step at a time.

WTForms checks a posted step and its CSRF token; the answer rules themselves come from
`recovery.screening.answers.check_item`, the same function the engine and the CLI use, so the
web form can never accept an answer the engine would refuse. Showing a step needs no form:
`step_questions` writes its questions from prepared markup (recovery/widgets.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field, RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from recovery.content.model import Item, Step
from recovery.screening.answers import check_item, visible_items, visible_options
from recovery.screening.engine import fill
from recovery.widgets import PreparedQuestion, choice_question

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


@dataclass(frozen=True)
class _StepForms:
    """What one step looks like to everyone who sees the same questions: the form class that
    checks a post, and the same questions as prepared markup for showing the step."""

    step: Step
    form_class: type[StepForm]
    questions: tuple[PreparedQuestion, ...]


# By (step, the visible questions and options, subject). Making a form class with type() and
# letting WTForms collect its fields cost about a third of a step page; the content is
# immutable, so the same questions always make the same class. Keys come from the content only
# (ids and the subject's wording), so there are few of them; the cap is a safety net.
_FormShape = tuple[tuple[str, tuple[str, ...]], ...]
_STEP_FORMS: dict[tuple[int, _FormShape, str], _StepForms] = {}
_MAX_STEP_FORMS = 1024


def _step_forms(step: Step, items: list[Item], answers: Mapping[str, str | list[str]],
                subject: str) -> _StepForms:
    options = {item.id: visible_options(item, answers) for item in items}
    shape = tuple((item.id, tuple(o.id for o in options[item.id])) for item in items)
    key = (id(step), shape, subject)
    cached = _STEP_FORMS.get(key)
    # The step is kept alongside, so a reused id() of a dropped step (another app's content)
    # can't match.
    if cached is not None and cached.step is step:
        return cached
    fields: dict[str, Any] = {}
    questions = []
    for item in items:
        label, hint = fill(item.text, subject), fill(item.hint, subject)
        choices = [(o.id, o.label) for o in options[item.id]]
        fields[item.id] = (CheckboxesField if item.is_multiple else SingleChoiceField)(
            label=label,
            description=hint,
            choices=[SelectChoice(value, text) for value, text in choices],
            validators=[ItemRule(item)],
            validate_choice=False,  # ItemRule gives a kinder message for the same check
        )
        questions.append(PreparedQuestion.build(item.id, label, hint, choices,
                                                is_single=not item.is_multiple))
    fields["item_ids"] = [item.id for item in items]
    made = _StepForms(step, type(f"{step.id.title()}Form", (StepForm,), fields),
                      tuple(questions))
    if len(_STEP_FORMS) >= _MAX_STEP_FORMS:
        _STEP_FORMS.clear()
    _STEP_FORMS[key] = made
    return made


def build_step_form(step: Step, answers: Mapping[str, str | list[str]], subject: str,
                    formdata: Any) -> StepForm:
    """A form for the questions of `step` that apply, to check a post of them (`formdata`)."""
    items = visible_items(step, answers)
    form = _step_forms(step, items, answers, subject).form_class(formdata=formdata)
    form._earlier = answers
    return form


def step_questions(step: Step, answers: Mapping[str, str | list[str]], subject: str,
                   form: StepForm | None = None) -> Markup:
    """The questions of `step` that apply, as markup; the first takes the focus unless there
    are errors (then the error summary has it). A post shown again is drawn from its form, with
    the errors. Otherwise no form is built at all: the prepared questions get the earlier
    answers checked (showing a step is the busiest page there is, and a test checks that both
    ways give the same markup)."""
    if form is not None:
        return Markup("".join(
            choice_question(form[item_id], autofocus=index == 0 and not form.errors)
            for index, item_id in enumerate(form.item_ids)))
    questions = _step_forms(step, visible_items(step, answers), answers, subject).questions
    return Markup("".join(
        question.render(answers.get(question.name), autofocus=index == 0)
        for index, question in enumerate(questions)))


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
