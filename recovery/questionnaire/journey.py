"""Where someone is in the questionnaire: the answers so far (a self-screening keeps them in the
person's encrypted session cookie), which steps may be opened, which step comes next, and
whether to stop for crisis help. The flow's views are in recovery/questionnaire/flow.py."""

from typing import Any

from flask import current_app, request, session

from recovery.content.model import Content, CrisisLocale, Flag, Item, Step
from recovery.screening.answers import (
    AnswerContext,
    AnswerError,
    Answers,
    check_item,
    clean_answers,
    is_step_visible,
    visible_items,
    visible_steps,
)
from recovery.screening.engine import screen, subject_text
from recovery.screening.result import ScreeningResult

SESSION_KEY = "answers"


def answers() -> Answers:
    stored = session.get(SESSION_KEY)
    return dict(stored) if isinstance(stored, dict) else {}


def forget() -> None:
    session.pop(SESSION_KEY, None)


def prune(content: Content, candidate: Answers) -> Answers:
    """Keep only valid answers to questions that still apply (a changed answer can hide some)."""
    kept: Answers = {}
    for step in content.questionnaire.steps:
        if not step.show_if.is_true(AnswerContext(kept)):
            continue
        for item in visible_items(step, kept):
            value = candidate.get(item.id)
            if value not in (None, "", []) and check_item(item, value, kept) is None:
                kept[item.id] = value
    return kept


def merge(content: Content, step: Step, current: Answers, new: Answers) -> Answers:
    """`current` with this step's answers replaced by `new`, pruned."""
    merged = {k: v for k, v in current.items() if k not in {i.id for i in step.items}}
    merged.update(new)
    return prune(content, merged)


def keep(current: Answers) -> None:
    """Store the answers so far in the session."""
    session[SESSION_KEY] = current


def subject(content: Content, current: Answers) -> str:
    return subject_text(current, content)


def is_step_complete(step: Step, current: Answers) -> bool:
    return _required_answered(visible_items(step, current), current)


def _required_answered(items: list[Item], current: Answers) -> bool:
    return all(item.id in current and check_item(item, current[item.id], current) is None
               for item in items if item.is_required)


def may_open(content: Content, step: Step, current: Answers) -> bool:
    """A step opens when it applies and every step before it that applies is done (no
    skipping ahead)."""
    for earlier in visible_steps(content.questionnaire, current):
        if earlier.id == step.id:
            return True
        if not is_step_complete(earlier, current):
            return False
    return False


def position(content: Content, step: Step, current: Answers) -> tuple[int, int] | None:
    """(k, n) for "step k of n" if the person may open `step` now, else None."""
    if not may_open(content, step, current):
        return None
    counted = counted_steps(content, current)
    return counted.index(step.id) + 1, len(counted)


def counted_steps(content: Content, current: Answers) -> list[str]:
    """The steps that show, and those that may still show: a step whose skip logic reads a
    question not yet answered on a page still to come is counted as if it will show, so n can
    only shrink as the person goes on (a form that gets shorter feels better than one that keeps
    growing). A question on a skipped page will never be answered, so it doesn't count: after
    "I don't use any", the pages about use drop out of n at once."""
    may_be_answered: set[str] = set()
    counted: list[str] = []
    for other in content.questionnaire.steps:
        if other.show_if.answer_refs() & may_be_answered or is_step_visible(other, current):
            counted.append(other.id)
            may_be_answered |= {item.id for item in other.items if item.id not in current}
    return counted


def is_complete(content: Content, current: Answers) -> bool:
    try:
        clean_answers(current, content.questionnaire)
    except AnswerError:
        return False
    return True


def next_step(content: Content, current: Answers) -> Step | None:
    """The first step that applies and isn't done yet; None when every step is."""
    for step in visible_steps(content.questionnaire, current):
        if not is_step_complete(step, current):
            return step
    return None


def previous_step(content: Content, step: Step, current: Answers) -> Step:
    steps = visible_steps(content.questionnaire, current)
    ids = [s.id for s in steps]
    index = ids.index(step.id) if step.id in ids else 0
    return steps[max(index - 1, 0)]


def crisis_flags(content: Content, current: Answers) -> list[Flag]:
    ctx = AnswerContext(current)
    return [f for f in content.flags if f.kind == "crisis" and f.when.is_true(ctx)]


def needs_crisis_stop(content: Content, step: Step, current: Answers) -> bool:
    """Stop the flow for crisis help right after a step whose answers raise a crisis flag."""
    step_items = {item.id for item in step.items}
    ctx = AnswerContext(current)
    for flag in crisis_flags(content, current):
        evidence = flag.when.check(ctx) or []
        if any(ev.kind == "answer" and ev.ref in step_items for ev in evidence):
            return True
    return False


def crisis_locale_id(content: Content) -> str:
    wanted = request.args.get("region", "")
    known = {loc.id for loc in content.crisis_locales}
    if wanted in known:
        session["region"] = wanted
    stored = session.get("region")
    return stored if stored in known else current_app.config.get("CRISIS_LOCALE", "")


def crisis_resources(content: Content) -> CrisisLocale:
    return content.crisis_locale(crisis_locale_id(content))


def screen_answers(content: Content, current: Answers) -> ScreeningResult:
    return screen(current, content, locale=crisis_locale_id(content))


def result_page_context(content: Content) -> dict[str, Any]:
    return {"locales": content.crisis_locales, "resources": crisis_resources(content),
            "first_step": content.questionnaire.steps[0].id}
