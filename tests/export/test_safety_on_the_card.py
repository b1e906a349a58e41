"""The relapse plan of someone who screened at risk of suicide: its safety plan (the seven steps
of seeds/safety_plan.yaml) comes first in the full PDF, and the wallet card carries the short
safety items: the crisis lines, the people to call with their numbers, and the reason to live."""

import dataclasses
import re
from collections.abc import Callable
from typing import Any

from recovery.content.model import Content
from recovery.planning.draft import Contact, PlanDraft, SafetyStep
from tests.export.conftest import PdfFile

AT_RISK = {"s_wish_dead": "yes", "s_attempt_recent": "no", "s_now": "no"}


def at_risk_plan(make_draft: Callable[..., PlanDraft],
                 answers_for: Callable[..., dict[str, Any]], **responses: str) -> PlanDraft:
    draft = make_draft(answers=answers_for(**AT_RISK))
    assert len(draft.safety_steps) == 7  # the premise: suicide risk was screened
    steps = tuple(SafetyStep(s.prompt, responses.get(s.prompt, "")) for s in draft.safety_steps)
    return dataclasses.replace(draft, safety_steps=steps, contacts=(
        Contact("Sam Rivera", "brother", "555-0101"), *draft.contacts[1:]))


def test_the_full_plan_puts_the_safety_plan_first(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        answers_for: Callable[..., dict[str, Any]], content: Content) -> None:
    draft = at_risk_plan(make_draft, answers_for, **{"My reasons to live": "My daughter Ivy"})
    text = " ".join(render(draft).text().split())

    safety = text.index("My safety plan")
    found = re.search(r"My reasons(?! to live)", text)  # the plan's own reasons section
    assert found is not None
    reasons = found.start()
    assert safety < reasons < text.index("My triggers and what I will do")
    assert text.index("My warning signs") < text.index("My reasons to live") < reasons
    assert "My daughter Ivy" in text and content.safety_plan.credit in text


def test_not_at_risk_there_is_no_safety_plan(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    assert draft.safety_steps == ()
    assert "My safety plan" not in render(draft).text()


def test_the_wallet_card_carries_people_to_call_a_crisis_line_and_the_reason_to_live(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        answers_for: Callable[..., dict[str, Any]]) -> None:
    draft = at_risk_plan(make_draft, answers_for, **{
        "My reasons to live": "My daughter Ivy",
        "People I can turn to": "Sam, my brother",
        "My warning signs": "Not sleeping for two nights"})
    card = render(draft, "wallet")
    text = " ".join(card.text().split())

    assert card.page_count == 1
    assert "My reasons to live" in text and "My daughter Ivy" in text
    assert "Sam Rivera" in text and "555-0101" in text  # people to call, with the number
    assert "988" in text  # the crisis line
    assert "Not sleeping for two nights" in text


def test_not_at_risk_the_card_keeps_the_reasons(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    text = " ".join(render(draft, "wallet").text().split())
    assert "Why I am doing this" in text and "My safety plan" not in text


def test_with_every_step_written_at_length_the_reason_to_live_is_still_on_the_card(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        answers_for: Callable[..., dict[str, Any]], content: Content) -> None:
    long = "I will take this one slowly and write it out in full, word by word, " * 3
    responses = {s.title: f"{s.title}: {long}" for s in content.safety_plan.steps}
    draft = at_risk_plan(make_draft, answers_for, **{
        **responses, "My reasons to live": "My daughter Ivy, and seeing the sea again"})
    text = " ".join(render(draft, "wallet").text().split())

    assert "My daughter Ivy, and seeing the sea again" in text
    assert "more in my full plan" in text  # the card left other steps out, whole
    assert text.index("My reasons to live") < text.index("My top triggers")
