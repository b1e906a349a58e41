"""What the printed plan says, read back as a reader would: no heading over nothing, nothing
said twice (the reason for a suggestion, a red flag in other words), advice for a second
substance labelled with it, and no last page holding a stray paragraph."""

import collections
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from recovery.planning.draft import Line, PlanDraft, UrgePlan
from tests.export.conftest import PdfFile
from tests.export.structure import Element, TaggedPdf, empty_headings

LAYOUTS = ("full", "handout", "wallet")
BLANK = "Nothing written here yet."  # the one line an empty section may repeat


def blocks(root: Element) -> list[str]:
    """The paragraphs, list items, table rows and headings, as text."""
    return [element.text for element in root.walk()
            if element.role in ("/P", "/LBody", "/TR", "/H1", "/H2", "/H3")
            and element.text.strip()]


@pytest.fixture
def drafts(make_draft: Callable[..., PlanDraft], answers_for: Callable[..., dict[str, Any]]
           ) -> dict[str, PlanDraft]:
    """A typical plan, an empty one, and one with alcohol alongside ketamine and a bladder
    symptom (a medical flag the general red flags also describe)."""
    typical = make_draft()
    empty = make_draft(display_name="", reasons=(), triggers=(), warning_signs=(), routine=(),
                       contacts=(), meetings=(), next_steps=(), medical=(),
                       urge_plan=UrgePlan(20))
    mixed = make_draft(answers=answers_for(w_alone_secret="yes", co_use=["alcohol"],
                                           co_use_together="yes", depressant_daily="yes",
                                           symptoms=["pee_pain"]))
    return {"typical": typical, "empty": empty, "mixed": mixed}


@pytest.mark.parametrize("plan", ["typical", "empty", "mixed"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_no_heading_stands_over_nothing_and_no_block_is_printed_twice(
        render: Callable[..., PdfFile], drafts: dict[str, PlanDraft], layout: str,
        plan: str) -> None:
    root = TaggedPdf.open(render(drafts[plan], layout).path).root

    assert empty_headings(root) == []
    repeated = {text: n for text, n in collections.Counter(blocks(root)).items()
                if n > 1 and text != BLANK}
    assert repeated == {}


def test_an_empty_urge_step_says_so_and_leaves_a_line(
        render: Callable[..., PdfFile], drafts: dict[str, PlanDraft]) -> None:
    text = render(drafts["empty"]).text()

    assert f"Distract myself {BLANK} Ground myself {BLANK} Text or call {BLANK}" in text


def test_the_reason_for_a_suggestion_is_said_once(
        render: Callable[..., PdfFile], drafts: dict[str, PlanDraft]) -> None:
    draft = drafts["typical"]
    text = render(draft).text()

    assert draft.next_steps
    for step in draft.next_steps:
        assert f"{step.text} Suggested because: {step.because}" in text
        assert step.because.startswith("Your screening recommended “")
    assert text.count("Suggested") == text.count("Suggested because:")


def test_red_flags_are_listed_once_and_a_second_substance_is_named(
        render: Callable[..., PdfFile], drafts: dict[str, PlanDraft]) -> None:
    pdf = TaggedPdf.open(render(drafts["mixed"]).path)
    table = next(t for t in pdf.root.all("/Table") if t.all("/TH")[0].text == "If I notice")
    rows = [row.text for row in table.all("/TR")][1:]

    # The screening's bladder flag stands in for the general line that says the same.
    assert sum("Bladder symptoms" in row or "pee often" in row for row in rows) == 1
    assert rows[0].startswith("Bladder symptoms with ketamine use")
    assert any(row.startswith("Alcohol: Shaking, sweating") for row in rows)
    assert any(row.startswith("Alcohol: A seizure") for row in rows)
    assert not any(row.startswith(("Shaking", "A seizure")) for row in rows)


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("reasons", [0, 3, 5, 9])
def test_the_last_page_is_never_a_stray_paragraph(
        render: Callable[..., PdfFile], drafts: dict[str, PlanDraft], paper: str,
        reasons: int) -> None:
    # Plans of these lengths left only the review date's two lines on the last A4 page.
    draft = dataclasses.replace(drafts["typical"], reasons=tuple(
        Line(f"Reason number {n} that matters to me a lot") for n in range(reasons)))
    document = render(draft, "full", paper)
    last = document.text(document.page_count)
    body = last.split(f"of {document.page_count}", 1)[1].split("Not medical advice")[0]

    assert len(body.split()) >= 25, body
