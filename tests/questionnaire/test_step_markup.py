"""A step's questions are written by one Jinja macro, `choice_question` in
templates/_macros/forms.html, from the step's WTForms form: shown to be answered (the earlier
answers chosen) or shown again after a refused post (with its errors). These tests hold what
people and screen readers get from it: a fieldset per question with the question as its legend,
labelled options, the earlier answers checked, one place with the focus, and errors linked."""

import re
from typing import Any

import pytest
from flask import Flask
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from recovery.content.model import Content, Step
from recovery.questionnaire import journey
from recovery.questionnaire.forms import StepForm, build_step_form
from recovery.screening.answers import visible_items
from recovery.templating import ChoiceQuestion
from tests.screening_results import LOW_RISK_KETAMINE


def answer_sets(content: Content) -> list[dict[str, Any]]:
    """No answers, a real journey, and every question answered with its first, its last and
    (checkboxes) all of its options, for each substance (the questions' wording changes)."""
    items = [item for step in content.questionnaire.steps for item in step.items]

    def pick(choose: Any) -> dict[str, Any]:
        return {item.id: ([o.id for o in choose(item.options)] if item.is_multiple
                          else choose(item.options)[0].id) for item in items if item.options}

    sets: list[dict[str, Any]] = [{}, LOW_RISK_KETAMINE]
    for chosen in (pick(lambda o: o[:1]), pick(lambda o: o[-1:]), pick(lambda o: o)):
        substance = content.questionnaire.items["substance"]
        sets += [{**chosen, "substance": option.id} for option in substance.options]
    return sets


def questions(app: Flask, form: StepForm) -> Markup:
    """The step's questions as the step page writes them (through the cache of written
    questions, recovery/templating.py, so every answer set here also tests it)."""
    write = app.jinja_env.globals["choice_question"]
    return Markup("".join(write(form[name], autofocus=index == 0 and not form.errors)
                          for index, name in enumerate(form.item_ids)))


def posted(step: Step, answers: dict[str, Any]) -> MultiDict[str, str]:
    shown = visible_items(step, answers)
    return MultiDict([(item.id, value) for item in shown if item.id in answers
                      for value in (answers[item.id] if item.is_multiple
                                    else [answers[item.id]])])


def test_a_step_shows_each_question_with_the_earlier_answers_checked(app: Flask) -> None:
    content: Content = app.extensions["recovery.content"]
    compared = checked = 0
    with app.test_request_context(method="POST"):
        for answers in answer_sets(content):
            subject = journey.subject(content, answers)
            for step in content.questionnaire.steps:
                shown = visible_items(step, answers)
                if not shown:
                    continue
                markup = questions(app, build_step_form(step, answers, subject))
                # The same answers posted and checked give the same questions.
                again = build_step_form(step, answers, subject, formdata=posted(step, answers))
                assert markup == questions(app, again), step.id
                assert markup.count("<fieldset") == markup.count("<legend") == len(shown)
                assert markup.count(" autofocus") == 1
                for item in shown:
                    for index, _option in enumerate(item.options):
                        label_for = f'<label for="{item.id}-{index}">'
                        assert markup.count(label_for) <= 1
                compared += 1
                checked += markup.count(" checked")
    assert compared > 50 and checked > 100  # the sets above reach every step, answered


@pytest.mark.parametrize("step_id", ["pattern", "checklist"])
def test_a_shown_step_checks_the_earlier_answers(app: Flask, step_id: str) -> None:
    content: Content = app.extensions["recovery.content"]
    step = content.questionnaire.step(step_id)
    assert step is not None
    subject = journey.subject(content, LOW_RISK_KETAMINE)
    with app.test_request_context():
        markup = questions(app, build_step_form(step, LOW_RISK_KETAMINE, subject))
    for item in visible_items(step, LOW_RISK_KETAMINE):
        values = LOW_RISK_KETAMINE[item.id]
        kind = "checkbox" if item.is_multiple else "radio"
        for value in values if isinstance(values, list) else [values]:
            assert f'name="{item.id}" type="{kind}" value="{value}"' in markup
            index = [o.id for o in item.options].index(value)
            assert f' checked id="{item.id}-{index}"' in markup


def test_a_question_is_a_fieldset_with_its_legend_hint_and_labelled_options(app: Flask) -> None:
    content: Content = app.extensions["recovery.content"]
    answers = LOW_RISK_KETAMINE
    step, item = next((step, item) for step in content.questionnaire.steps
                      for item in visible_items(step, answers) if item.hint)
    with app.test_request_context():
        form = build_step_form(step, {}, journey.subject(content, answers), formdata=MultiDict())
        markup = str(questions(app, form))
    field = form[item.id]
    fieldset = re.search(rf'<fieldset class="question" id="{item.id}-fieldset"'
                         rf' aria-describedby="{item.id}-hint">', markup)
    assert fieldset is not None
    assert f'<legend class="question-text">{field.label.text}</legend>' in markup
    assert f'<p class="hint" id="{item.id}-hint">{Markup.escape(field.description)}</p>' in markup
    for index, (_value, label, *_rest) in enumerate(field.iter_choices()):
        assert f'<label for="{item.id}-{index}">{Markup.escape(label)}</label>' in markup
    assert "aria-invalid" not in markup and "field-error" not in markup


def test_a_refused_post_shows_the_error_beside_its_question(app: Flask) -> None:
    content: Content = app.extensions["recovery.content"]
    step = content.questionnaire.steps[0]
    with app.test_request_context(method="POST"):
        form = build_step_form(step, {}, journey.subject(content, {}), formdata=MultiDict())
        assert not form.validate()
        markup = str(questions(app, form))
    item = visible_items(step, {})[0]
    error = form[item.id].errors[0]
    assert f'<fieldset class="question has-error" id="{item.id}-fieldset"' in markup
    described = re.search(rf'id="{item.id}-fieldset" aria-describedby="([^"]+)"', markup)
    assert described is not None and f"{item.id}-error" in described.group(1).split()
    assert (f'<p class="field-error" id="{item.id}-error"><span class="visually-hidden">'
            f'Error:</span> {error}</p>') in markup
    assert f'<input aria-invalid="true" id="{item.id}-0"' in markup
    # With errors, the error summary takes the focus, not a question.
    assert " autofocus" not in markup


def test_the_focus_goes_to_the_chosen_radio_button(app: Flask) -> None:
    content: Content = app.extensions["recovery.content"]
    step = content.questionnaire.step("pattern")
    assert step is not None
    first = visible_items(step, LOW_RISK_KETAMINE)[0]
    assert not first.is_multiple
    index = [o.id for o in first.options].index(LOW_RISK_KETAMINE[first.id])
    with app.test_request_context():
        form = build_step_form(step, LOW_RISK_KETAMINE,
                               journey.subject(content, LOW_RISK_KETAMINE))
        markup = str(questions(app, form))
    assert f' autofocus checked id="{first.id}-{index}"' in markup


def test_a_question_written_from_the_cache_is_the_one_the_macro_writes(app: Flask) -> None:
    """`choice_question` caches each question's markup on what the macro reads (ChoiceQuestion):
    over every answer set, the cached writing equals a fresh one."""
    content: Content = app.extensions["recovery.content"]
    write = app.jinja_env.globals["choice_question"]
    macro = app.jinja_env.get_template("_macros/forms.html").module.choice_question  # type: ignore[attr-defined]
    written = 0
    with app.test_request_context(method="POST"):
        for answers in answer_sets(content):
            subject = journey.subject(content, answers)
            for step in content.questionnaire.steps:
                form = build_step_form(step, answers, subject)
                for index, name in enumerate(form.item_ids):
                    fresh = Markup(macro(ChoiceQuestion.of(form[name]), autofocus=index == 0))
                    assert write(form[name], autofocus=index == 0) == fresh
                    written += 1
        assert written > 200
