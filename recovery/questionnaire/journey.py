"""Where a person is in the questionnaire: their answers so far, which step comes next, and
whether to stop for crisis help. Answers live in the encrypted session cookie only."""

from typing import Any

from flask import current_app, request, session, url_for

from recovery.content.model import Content, CrisisLocale, Flag, Item, Step
from recovery.screening.answers import (
    AnswerContext,
    AnswerError,
    Answers,
    check_item,
    clean_answers,
    visible_items,
    visible_steps,
)
from recovery.screening.engine import screen, subject_text

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


def update(content: Content, step: Step, new: Answers) -> Answers:
    """Replace this step's answers with `new`, prune, and store in the session."""
    kept = merge(content, step, answers(), new)
    session[SESSION_KEY] = kept
    return kept


def subject(content: Content, current: Answers) -> str:
    return subject_text(current, content)


def is_step_complete(step: Step, current: Answers) -> bool:
    return _required_answered(visible_items(step, current), current)


def _required_answered(items: list[Item], current: Answers) -> bool:
    return all(item.id in current and check_item(item, current[item.id], current) is None
               for item in items if item.is_required)


def position(content: Content, step: Step, current: Answers) -> tuple[int, int] | None:
    """(k, n) for "step k of n" if the person may open `step` now; None if it doesn't apply or
    a step before it isn't done (no skipping ahead).

    A step whose skip logic reads questions not yet answered is counted as if it will show, so
    n can only shrink as the person goes on: a form that gets shorter feels better than one
    that keeps growing. Every step page and post needs both answers: one walk works out each
    step's skip logic once.
    """
    ctx = AnswerContext(current)
    counted, k, earlier_done = 0, 0, True
    for other in content.questionnaire.steps:
        unsure = bool(other.show_if.answer_refs() - current.keys())
        if k and unsure:  # past `step`, only n is left to count
            counted += 1
            continue
        items = visible_items(other, current) if other.show_if.is_true(ctx) else []
        if items or unsure:
            counted += 1
        if other.id == step.id:
            if not (items and earlier_done):
                return None
            k = counted
        elif not k and items and earlier_done:
            earlier_done = _required_answered(items, current)
    return (k, counted) if k else None


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


def next_url(content: Content, current: Answers) -> str:
    step = next_step(content, current)
    if step is None:
        return url_for("questionnaire.result")
    return url_for("questionnaire.step", step_id=step.id)


def previous_url(content: Content, step: Step, current: Answers) -> str:
    return url_for("questionnaire.step", step_id=previous_step(content, step, current).id)


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


def screen_answers(content: Content, current: Answers) -> dict[str, Any]:
    return screen(current, content, locale=crisis_locale_id(content)).to_dict()


def result_page_context(content: Content) -> dict[str, Any]:
    return {"locales": content.crisis_locales, "resources": crisis_resources(content),
            "first_step": content.questionnaire.steps[0].id}
