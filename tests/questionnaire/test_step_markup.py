"""A step is shown from prepared markup (no form is built) and shown again after a refused post
from its WTForms form: both ways must give exactly the same questions for the same answers."""

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from recovery.content.model import Content
from recovery.questionnaire import journey
from recovery.questionnaire.forms import build_step_form, step_questions
from recovery.screening.answers import visible_items

LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))


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


def test_showing_a_step_matches_the_form_it_would_be_checked_with(app: Flask) -> None:
    content: Content = app.extensions["recovery.content"]
    compared = checked = 0
    with app.test_request_context(method="POST"):
        for answers in answer_sets(content):
            subject = journey.subject(content, answers)
            for step in content.questionnaire.steps:
                shown = visible_items(step, answers)
                if not shown:
                    continue
                posted = MultiDict([(item.id, value) for item in shown if item.id in answers
                                    for value in (answers[item.id] if item.is_multiple
                                                  else [answers[item.id]])])
                form = build_step_form(step, answers, subject, formdata=posted)
                prepared = step_questions(step, answers, subject)
                assert prepared == step_questions(step, answers, subject, form), step.id
                assert prepared.count("<fieldset") == len(shown)
                assert prepared.count(" autofocus") == 1
                compared += 1
                checked += prepared.count(" checked")
    assert compared > 50 and checked > 100  # the sets above reach every step, answered


@pytest.mark.parametrize("step_id", ["pattern", "checklist"])
def test_a_shown_step_checks_the_earlier_answers(app: Flask, step_id: str) -> None:
    content: Content = app.extensions["recovery.content"]
    step = content.questionnaire.step(step_id)
    assert step is not None
    subject = journey.subject(content, LOW_RISK_KETAMINE)
    markup = step_questions(step, LOW_RISK_KETAMINE, subject)
    for item in visible_items(step, LOW_RISK_KETAMINE):
        values = LOW_RISK_KETAMINE[item.id]
        kind = "checkbox" if item.is_multiple else "radio"
        for value in values if isinstance(values, list) else [values]:
            assert f'name="{item.id}" type="{kind}" value="{value}"' in markup
            index = [o.id for o in item.options].index(value)
            assert f' checked id="{item.id}-{index}"' in markup
