"""The share-safe printouts fit by type size, then by leaving whole items out: never a word of
the person's cut. Checked with the longest plan a person can save, on A4 and Letter, from the
real PDFs (pdftotext, word boxes, pixels)."""

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from recovery.export import renderer
from recovery.export.masking import plain
from recovery.export.printout import Area, Item, Section, keep_within
from recovery.planning.draft import (
    Action,
    Contact,
    LapsePlan,
    Line,
    Meeting,
    PlanDraft,
    SafetyStep,
    Trigger,
    UrgePlan,
)
from recovery.planning.vocabulary import MAX_LINES, MAX_PHONE, MAX_SHORT, MAX_TEXT
from recovery.plans.files import storable_problem
from recovery.seeds import current_content
from tests.export.conftest import PT_PER_MM, TODAY, PdfFile

PAPERS = ("a4", "letter")


def numbered_texts() -> Iterator[Callable[[int], str]]:
    count = iter(range(100_000))

    def text(limit: int) -> str:
        words = f"T{next(count):04d} " + "a sentence that runs on and on " * 20
        return words[:limit - 1].rstrip() + "."

    while True:
        yield text


def longest_plan(make_draft: Callable[..., PlanDraft], **extra: Any) -> PlanDraft:
    """Every field at its longest, every list as long as a list may be, phone numbers of 40
    digits, until the plan file would pass its size limit."""
    text = next(numbered_texts())
    makers: dict[str, Callable[[], object]] = {
        "reasons": lambda: Line(text(MAX_TEXT)),
        "triggers": lambda: Trigger("own", text(MAX_TEXT), "high",
                                    tuple(Action("cope", text(MAX_TEXT)) for _ in range(3))),
        "warning_signs": lambda: Line(text(MAX_TEXT)),
        "contacts": lambda: Contact(text(MAX_SHORT), text(MAX_SHORT), "8" * MAX_PHONE),
        "meetings": lambda: Meeting("other", text(MAX_SHORT), text(MAX_SHORT),
                                    text(MAX_SHORT), text(200)),
    }
    draft = make_draft(display_name="N" * 40, reasons=(), triggers=(), contacts=(),
                       meetings=(), warning_signs=(), **extra)
    draft = dataclasses.replace(
        draft, urge_plan=UrgePlan(20, tuple(text(MAX_TEXT) for _ in range(MAX_LINES)),
                                  text(MAX_TEXT), text(MAX_SHORT)),
        lapse_plan=LapsePlan(reminder=text(MAX_TEXT)))
    for _ in range(MAX_LINES):
        for attr, make in makers.items():
            bigger = dataclasses.replace(draft, **{attr: (*getattr(draft, attr), make())})
            if storable_problem(bigger) is None and len(getattr(draft, attr)) < MAX_LINES:
                draft = bigger
    assert storable_problem(draft) is None
    return draft


def printed_and_full(app: Flask, draft: PlanDraft, layout: str, paper: str
                     ) -> tuple[list[Item], list[Item]]:
    with app.app_context():
        content = current_content()
        everything, printed = renderer.fitted_printout(
            draft, content, layout=layout, paper=paper, today=TODAY,
            crisis_locale=content.crisis_locale(draft.crisis_locale))
    return ([item for _s, item in printed.items()], [item for _s, item in everything.items()])


def squeezed(text: str) -> str:
    """Without any white space: a long word may wrap anywhere on the page."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("layout", ["handout", "wallet"])
@pytest.mark.parametrize("paper", PAPERS)
def test_the_longest_plan_prints_whole_items_on_one_page(
        app: Flask, render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        answers_for: Callable[..., dict[str, Any]], layout: str, paper: str) -> None:
    draft = longest_plan(make_draft, answers=answers_for(s_wish_dead="yes", s_now="no"))
    assert draft.safety_steps  # at risk: the card must carry the safety plan
    draft = dataclasses.replace(draft, safety_steps=tuple(
        SafetyStep(s.prompt, f"S{n} " + "a sentence that runs on " * 8)
        for n, s in enumerate(draft.safety_steps)))

    document = render(draft, layout, paper)
    text = squeezed(document.text())
    printed, everything = printed_and_full(app, draft, layout, paper)

    assert document.page_count == 1
    assert printed and len(printed) < len(everything)
    for item in printed:  # every printed item whole, to its last character
        for part in ((*item.lead, *item.text), *item.details):
            assert squeezed(plain(part)) in text, plain(part)
        assert squeezed(item.phone) in text
    for item in everything:
        if item not in printed:
            assert squeezed(plain(item.lead))[:40] not in text or not item.lead
    assert "moreinmyfullplan" in text
    assert "…" not in document.text()
    if layout == "wallet":
        assert "Mysafetyplan" in text
        assert any(item.key.startswith("safety") for item in printed)


@pytest.mark.parametrize("paper", PAPERS)
def test_a_plan_that_fits_is_printed_whole_in_large_type(
        app: Flask, render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        paper: str) -> None:
    draft = make_draft(triggers=(), urge_plan=UrgePlan(20, ("Go for a walk",)))

    document = render(draft, "handout", paper)
    printed, everything = printed_and_full(app, draft, "handout", paper)

    assert printed == everything
    assert "more in my full plan" not in document.text()
    heights = sorted(w.y1 - w.y0 for w in document.words())
    assert heights[len(heights) // 2] >= 13 * 1.1  # 13 pt


@pytest.mark.parametrize("paper", PAPERS)
def test_the_wallet_card_type_phones_marks_and_size(
        app: Flask, render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        paper: str) -> None:
    phone = "+1 (555) 010-0123 0000 1111 2222 33"  # 35 characters, spaces and all
    draft = longest_plan(make_draft)
    draft = dataclasses.replace(draft, contacts=(
        Contact("Sam Rivera", "sponsor", phone), *draft.contacts[:5]))

    document = render(draft, "wallet", paper)
    text = document.text()

    assert document.page_count == 1
    assert phone in text  # never cut, never wrapped
    width, height = document.page_sizes[0]
    card_words = [w for w in document.words() if 40 * PT_PER_MM < w.y0 < height - 40 * PT_PER_MM]
    assert card_words
    # 7.5 pt at least: a word's box is about 1.16 times the type size.
    assert min(w.y1 - w.y0 for w in card_words) >= 7.5 * 1.1
    instructions = max(w.y1 for w in document.words() if "inside" in w.text)
    left, top, right, bottom = ink_box(document, skip_top_mm=instructions / PT_PER_MM + 1,
                                       skip_bottom_mm=30)
    # The card (171.2 x 108 mm) with its corner marks and fold ticks 8 mm outside it.
    assert (right - left) / PT_PER_MM == pytest.approx(171.2 + 16, abs=1.5)
    assert (bottom - top) / PT_PER_MM == pytest.approx(108 + 16, abs=1.5)
    assert left > 5 * PT_PER_MM and right < width - 5 * PT_PER_MM  # printable on both papers
    assert (right - left) * (bottom - top) > width * height / 5  # a good part of the sheet


def ink_box(document: PdfFile, *, skip_top_mm: float, skip_bottom_mm: float
            ) -> tuple[float, float, float, float]:
    """The smallest box around every dark pixel between the instructions and the footer."""
    dpi = 100
    image = document.image(1, dpi)
    width, height = image.size
    per_mm = dpi / 25.4
    pixels = image.load()
    assert pixels is not None
    rows = range(round(skip_top_mm * per_mm), height - round(skip_bottom_mm * per_mm))
    dark = [(x, y) for y in rows for x in range(width) if pixels[x, y] < 160]  # type: ignore[operator]
    xs, ys = [x for x, _ in dark], [y for _, y in dark]
    scale = 72 / dpi
    return min(xs) * scale, min(ys) * scale, (max(xs) + 1) * scale, (max(ys) + 1) * scale


# --- The choice of items, without a PDF --------------------------------------------------


def test_keep_within_takes_items_in_rounds_and_counts_what_it_leaves_out() -> None:
    def items(section: str, count: int) -> tuple[Item, ...]:
        return tuple(Item(f"{section}{n}") for n in range(count))

    area = Area("sheet", (Section("a", "A", items("a", 3)), Section("b", "B", items("b", 1)),
                          Section("c", "C", items("c", 2))))
    sizes = {"a0": 10, "b0": 50, "c0": 10, "a1": 10, "c1": 10, "a2": 10}

    kept = keep_within(area, sizes, 45.0)

    # Round 1: a0, b0 (too big: passed over), c0; round 2: a1, c1; a2 no longer fits.
    assert [[i.key for i in s.items] for s in kept.sections] == [["a0", "a1"], [], ["c0", "c1"]]
    assert [s.more for s in kept.sections] == [1, 1, 0]
