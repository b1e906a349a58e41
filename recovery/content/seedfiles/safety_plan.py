"""safety_plan.yaml: the safety plan's steps (id, kind, title, prompt, hint), in order.

Checked after the shape: ids are unique; at most one step shows the crisis lines, and it is a
contacts step (the person adds their own professionals beside the lines); at most one step
comes first on the wallet card.
"""

from typing import Annotated, Any

from pydantic import BeforeValidator

from recovery.content.reading import (
    Entries,
    SeedProblem,
    Shape,
    Slug,
    Text,
    TrueOrFalse,
    numbered,
    one_of,
    unique,
    validate,
)
from recovery.content.safety import STEP_KINDS, SafetyPlanContent, SafetyPlanStep


class StepShape(Shape):
    id: Slug
    kind: Annotated[str, BeforeValidator(one_of(STEP_KINDS))]
    title: Text
    prompt: Text
    hint: Text
    crisis_lines: TrueOrFalse = False
    first_on_card: TrueOrFalse = False


class SafetyPlanFile(Shape):
    title: Text
    intro: Text
    credit: Text
    steps: Entries[StepShape]


def read_safety_plan(data: Any) -> SafetyPlanContent:
    shape = validate(SafetyPlanFile, data)
    unique(numbered(("steps",), (s.id for s in shape.steps)), "step")
    check_crisis_lines(shape.steps)
    check_first_on_card(shape.steps)
    return SafetyPlanContent(
        title=shape.title, intro=shape.intro, credit=shape.credit,
        steps=tuple(SafetyPlanStep(s.id, s.kind, s.title, s.prompt, s.hint, s.crisis_lines,
                                   s.first_on_card) for s in shape.steps))


def check_crisis_lines(steps: list[StepShape]) -> None:
    showing = [index for index, step in enumerate(steps) if step.crisis_lines]
    if len(showing) > 1:
        raise SeedProblem(("steps", showing[1], "crisis_lines"),
                          "only one step can show the crisis lines")
    for index in showing:
        if steps[index].kind != "contacts":
            raise SeedProblem(("steps", index, "crisis_lines"),
                              "the crisis lines go on a contacts step")


def check_first_on_card(steps: list[StepShape]) -> None:
    marked = [index for index, step in enumerate(steps) if step.first_on_card]
    if len(marked) > 1:
        raise SeedProblem(("steps", marked[1], "first_on_card"),
                          "only one step can come first on the card")
