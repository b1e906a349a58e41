"""Answers: what is visible given earlier answers, and strict checking of a whole answer set.

An answer is an option id (single, yes/no and scale questions) or a list of option ids (multiple
choice). Skip logic only reads earlier steps, so walking the steps in order settles visibility.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from recovery.content.model import Item, Option, Questionnaire, Step

Answers = dict[str, str | list[str]]
MAX_ITEMS = 500  # far above any real questionnaire; stops huge payloads early


@dataclass(frozen=True)
class Problem:
    item: str  # the item id, or "" for a problem with the whole answer set
    message: str


class AnswerError(ValueError):
    """The answers can't be scored. `problems` says what is wrong with each one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.item}: {p.message}" if p.item else p.message
                                   for p in problems))


class AnswerContext:
    """A condition context that can only see answers (enough for skip logic)."""

    def __init__(self, answers: Mapping[str, str | list[str]]) -> None:
        self.answers = answers

    def answer_values(self, item_id: str) -> tuple[str, ...]:
        value = self.answers.get(item_id)
        if value is None:
            return ()
        return (value,) if isinstance(value, str) else tuple(value)

    def level_index(self, scale_id: str) -> int | None:
        return None

    def level_of(self, scale_id: str) -> str | None:
        return None

    def score(self, scale_id: str) -> int | None:
        return None

    def has_flag(self, flag_id: str) -> bool:
        return False

    def has_path(self, path_id: str) -> bool:
        return False


def is_step_visible(step: Step, answers: Mapping[str, str | list[str]]) -> bool:
    return step.show_if.is_true(AnswerContext(answers)) and bool(visible_items(step, answers))


def visible_steps(q: Questionnaire, answers: Mapping[str, str | list[str]]) -> list[Step]:
    return [step for step in q.steps if is_step_visible(step, answers)]


def visible_items(step: Step, answers: Mapping[str, str | list[str]]) -> list[Item]:
    ctx = AnswerContext(answers)
    return [item for item in step.items if item.show_if.is_true(ctx)]


def visible_options(item: Item, answers: Mapping[str, str | list[str]]) -> list[Option]:
    ctx = AnswerContext(answers)
    return [option for option in item.options if option.show_if.is_true(ctx)]


def check_item(item: Item, value: object, answers: Mapping[str, str | list[str]]) -> str | None:
    """Return a message if `value` is not a valid answer to `item`, else None."""
    allowed = {o.id for o in visible_options(item, answers)}
    if item.is_multiple:
        return check_choices(item, value, allowed)
    if not isinstance(value, str):
        return "expected an option id"
    if value not in allowed:
        return f"not an option here: {value[:60]}"
    return None


def check_choices(item: Item, value: object, allowed: set[str]) -> str | None:
    """Return a message if `value` is not a valid answer to a multiple choice, else None."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "expected a list of option ids"
    if not value:
        return "choose at least one option" if item.is_required else None
    unknown = [v for v in value if v not in allowed]
    if unknown:
        return f"not an option here: {', '.join(sorted(set(unknown)))[:200]}"
    if len(set(value)) != len(value):
        return "an option is chosen twice"
    exclusive = [o.label for o in item.options if o.is_exclusive and o.id in value]
    if exclusive and len(value) > 1:
        return f"'{exclusive[0]}' can't be combined with other choices"
    return None


def clean_answers(raw: Mapping[str, object], q: Questionnaire) -> Answers:
    """Check a whole answer set and return only the answers to questions that apply.

    Unknown ids, wrong types, options that don't exist (or don't apply) and missing answers to
    required visible questions are errors. Answers to questions that the skip logic hides are
    dropped, so a changed early answer never leaves stale answers behind.
    """
    check_size(raw)
    problems = [Problem(str(key)[:60], "unknown question id") for key in raw if key not in q.items]
    clean: Answers = {}
    for step in q.steps:
        problems.extend(clean_step(step, raw, clean))
    if problems:
        raise AnswerError(problems)
    return clean


def check_size(raw: object) -> None:
    """Raise AnswerError unless `raw` is a mapping of at most MAX_ITEMS answers."""
    if not isinstance(raw, Mapping):
        raise AnswerError([Problem("", "answers must be an object of item id -> value")])
    if len(raw) > MAX_ITEMS:
        raise AnswerError([Problem("", f"too many answers ({len(raw)})")])


def clean_step(step: Step, raw: Mapping[str, object], clean: Answers) -> list[Problem]:
    """The problems with the step's answers if the answers so far show the step. Its valid
    answers are added to `clean` on the way, for the skip logic of the questions after them."""
    if not step.show_if.is_true(AnswerContext(clean)):
        return []
    problems = []
    for item in visible_items(step, clean):
        value = raw.get(item.id)
        message = answer_problem(item, value, clean)
        if message:
            problems.append(Problem(item.id, message))
        elif not is_unanswered(value):
            clean[item.id] = list(value) if isinstance(value, list) else str(value)
    return problems


def answer_problem(item: Item, value: object, answers: Answers) -> str | None:
    """What is wrong with the answer to a visible question, a missing one included, or None."""
    if is_unanswered(value):
        return "an answer is required" if item.is_required else None
    return check_item(item, value, answers)


def is_unanswered(value: object) -> bool:
    return value in (None, "", [])
