"""Nothing runs off the page, whatever the person typed: long words, long links, long lists.

Checked two ways on every page: the words' boxes from `pdftotext -bbox` stay inside the page
minus a band, and the same band of the page rendered by `pdftoppm` is pure white.
"""

from collections.abc import Callable
from typing import Any

import pytest

from recovery.planning.draft import (
    Action,
    Contact,
    Line,
    Meeting,
    PlanDraft,
    RedFlag,
    SafetyStep,
    TherapySection,
    Trigger,
    UrgePlan,
)
from tests.export.conftest import PT_PER_MM, PdfFile

BAND_MM = 5  # every layout's page margins are wider than this
UNBROKEN = "Unbreakable" + "x" * 489  # 500 characters with nowhere to wrap
LINK = "https://example.org/" + "path/" * 96  # a 500-character link
LONG = ("A long sentence that goes on and on about nothing in particular, " * 8)[:500]


def huge_plan(make_draft: Callable[..., PlanDraft]) -> PlanDraft:
    texts = (UNBROKEN, LINK, LONG)
    return make_draft(
        display_name="N" * 80,
        reasons=tuple(Line(texts[n % 3]) for n in range(9)),
        triggers=tuple(Trigger("own", texts[n % 3][:300], ("high", "medium", "low")[n % 3],
                               tuple(Action(kind, texts[(n + k) % 3][:300])
                                     for k, kind in enumerate(("avoid", "leave", "call"))))
                       for n in range(12)),
        warning_signs=tuple(Line(t) for t in texts),
        urge_plan=UrgePlan(20, distractions=texts, grounding=UNBROKEN, text_person="P" * 80),
        routine=tuple(Line(t) for t in texts),
        contacts=tuple(Contact("C" * 80, "R" * 80, "+44 (0)" + "1" * 33) for _ in range(8)),
        meetings=tuple(Meeting("other", "M" * 80, "D" * 80, "T" * 80, LINK) for _ in range(5)),
        next_steps=tuple(Line(t, because=t) for t in texts),
        medical=tuple(RedFlag(t, t) for t in texts),
        therapy=TherapySection(common=texts, call_provider=texts, after_session=texts,
                               at_home_rules=texts),
        harm_reduction=texts,
        safety_steps=tuple(SafetyStep(t[:200], t) for t in texts),
        safety_credit=LONG,
    )


def assert_inside_the_page(document: PdfFile) -> None:
    band = BAND_MM * PT_PER_MM
    sizes = document.page_sizes
    words = document.words()
    assert words
    for word in words:
        width, height = sizes[word.page - 1]
        assert band <= word.x0 and word.x1 <= width - band, word
        assert band <= word.y0 and word.y1 <= height - band, word
    for page in range(1, len(sizes) + 1):
        image = document.image(page, dpi=40)
        width, height = image.size
        edge = round(BAND_MM / 25.4 * 40) - 1
        margin_pixels = [
            image.getpixel((x, y)) for y in range(height) for x in range(width)
            if x < edge or x >= width - edge or y < edge or y >= height - edge
        ]
        assert min(margin_pixels) == 255, f"ink in the outer {BAND_MM} mm of page {page}"


@pytest.mark.parametrize("layout", ["full", "handout", "wallet"])
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_nothing_overflows_the_page(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft], layout: str,
        paper: str) -> None:
    document = render(huge_plan(make_draft), layout, paper)

    assert_inside_the_page(document)
    if layout != "full":
        assert document.page_count == 1


@pytest.mark.parametrize("layout", ["full", "handout", "wallet"])
def test_a_typical_plan_stays_inside_the_page(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        layout: str) -> None:
    assert_inside_the_page(render(make_draft(), layout, "letter"))


def test_the_check_notices_ink_in_the_margin(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        monkeypatch: pytest.MonkeyPatch, app: Any) -> None:
    """The control: with print.css's protection against long words switched off, the same
    plan does run off the page and the check fails."""
    from recovery.export import renderer

    original = renderer.PdfRenderer.__init__

    def without_wrapping(self: renderer.PdfRenderer, static_dir: Any) -> None:
        original(self, static_dir)
        from weasyprint import CSS

        undo = CSS(string="body, td, th, li, p, dd { overflow-wrap: normal !important; }")
        self.stylesheets = {k: [*v, undo] for k, v in self.stylesheets.items()}

    monkeypatch.setattr(renderer.PdfRenderer, "__init__", without_wrapping)
    document = render(make_draft(reasons=(Line(UNBROKEN),)), "full", "a4")

    with pytest.raises(AssertionError):
        assert_inside_the_page(document)
