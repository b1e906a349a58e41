"""Fixtures for the pure planning tests: the real seed content, loaded once without Flask, and
factories for answer sets and drafts built from them."""

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from recovery.content.loader import load_content
from recovery.content.model import Content
from recovery.planning.build import build_draft
from recovery.planning.draft import PlanDraft

TESTS_DIR = Path(__file__).parents[1]
SEEDS_DIR = TESTS_DIR.parent / "seeds"
LOW_RISK_KETAMINE: dict[str, Any] = json.loads(
    (TESTS_DIR / "data" / "low_risk_ketamine.json").read_text(encoding="utf-8"))
TODAY = date(2026, 1, 31)

AnswersFor = Callable[..., dict[str, Any]]
DraftFor = Callable[..., PlanDraft]


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(SEEDS_DIR)


@pytest.fixture(scope="session")
def answers_for() -> AnswersFor:
    """A complete, valid answer set for a low-risk ketamine user with `overrides` applied."""

    def make(**overrides: Any) -> dict[str, Any]:
        answers: dict[str, Any] = copy.deepcopy(LOW_RISK_KETAMINE)
        answers.update(overrides)
        return answers

    return make


@pytest.fixture(scope="session")
def draft_for(content: Content, answers_for: AnswersFor) -> DraftFor:
    """The draft built on TODAY (US crisis lines) for the low-risk answers plus `overrides`."""

    def make(**overrides: Any) -> PlanDraft:
        return build_draft(answers_for(**overrides), content, today=TODAY)

    return make
