"""`journey.position` says both whether a step may be opened and its "step k of n". It must
agree with those two rules written out step by step, here, on real and on any answers."""

from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recovery.content.model import Content, Item, Step
from recovery.questionnaire import journey
from recovery.screening.answers import is_step_visible, visible_steps
from tests.questionnaire.test_step_markup import answer_sets
from tests.screening_results import LOW_RISK_KETAMINE


def can_open(content: Content, step: Step, current: dict[str, Any]) -> bool:
    """A step opens when it applies and every step before it that applies is done."""
    if not is_step_visible(step, current):
        return False
    for earlier in visible_steps(content.questionnaire, current):
        if earlier.id == step.id:
            return True
        if not journey.is_step_complete(earlier, current):
            return False
    return False


def progress(content: Content, step: Step, current: dict[str, Any]) -> tuple[int, int]:
    """Steps that apply, counting those whose skip logic reads unanswered questions."""
    ids = [s.id for s in content.questionnaire.steps
           if (s.show_if.answer_refs() - current.keys()) or is_step_visible(s, current)]
    return ids.index(step.id) + 1, len(ids)


def expected(content: Content, step: Step, current: dict[str, Any]) -> tuple[int, int] | None:
    return progress(content, step, current) if can_open(content, step, current) else None


def journey_so_far(content: Content) -> list[dict[str, Any]]:
    """A real journey's answers after each step, and with each step's answers left out."""
    sets = []
    for step in content.questionnaire.steps:
        ids = {item.id for item in step.items}
        sets.append({k: v for k, v in LOW_RISK_KETAMINE.items() if k not in ids})
        answered = {item.id for s in content.questionnaire.steps[:len(sets)] for item in s.items}
        sets.append({k: v for k, v in LOW_RISK_KETAMINE.items() if k in answered})
    return sets


def test_position_agrees_with_the_plain_rules(app: Flask) -> None:
    content: Content = app.extensions["recovery.content"]
    opened = refused = 0
    for answers in answer_sets(content) + journey_so_far(content):
        for step in content.questionnaire.steps:
            found = journey.position(content, step, answers)
            assert found == expected(content, step, answers), (step.id, answers)
            opened += found is not None
            refused += found is None
    assert opened > 50 and refused > 50


def any_answer(item: Item) -> st.SearchStrategy[Any]:
    options = [option.id for option in item.options]
    chosen = (st.lists(st.sampled_from(options), max_size=3) if item.is_multiple
              else st.sampled_from(options)) if options else st.just("")
    return st.one_of(chosen, st.just("not an option"), st.just(["x"]), st.just(""))


@settings(max_examples=150, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_position_agrees_on_any_answers(app: Flask, data: st.DataObject) -> None:
    content: Content = app.extensions["recovery.content"]
    items = list(content.questionnaire.items.values())
    answers = {item.id: data.draw(any_answer(item), label=item.id)
               for item in items if data.draw(st.booleans())}
    for step in content.questionnaire.steps:
        assert journey.position(content, step, answers) == expected(content, step, answers)
