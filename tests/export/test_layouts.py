"""recovery/export/layouts.py: the three print layouts, read back from the PDF (what each one
shows, and what the share-safe ones hide), and its pure helpers."""

import re
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from recovery.content.loader import load_content
from recovery.content.model import Content
from recovery.export import layouts
from recovery.planning.draft import (
    Action,
    Contact,
    Line,
    PlanDraft,
    SafetyStep,
    Trigger,
)
from tests.export.conftest import PT_PER_MM, PdfFile

SEEDS = load_content(Path(__file__).parents[2] / "seeds")
SUBSTANCES = [o.id for o in SEEDS.questionnaire.items[SEEDS.questionnaire.subject_item].options]
PAPER_POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
LAYOUTS = ("full", "handout", "wallet")
PRINTED = "Printed 20 November 2026"
VERSION = f"Content version {SEEDS.version}"
DISCLAIMER = "Not medical advice."
ORDINARY = {"also", "and", "as", "called", "else", "or", "other", "something", "special",
            "such", "the", "substance"}

FULL_PLAN_HEADINGS = (
    "My relapse-prevention plan", "My reasons", "My triggers and what I will do",
    "Early warning signs", "My urge plan", "My daily routine", "Support contacts",
    "Meetings", "Treatment next steps", "If I slip", "In the first 24 hours",
    "When to ask for more help", "When to get medical help",
    "Crisis help: United States", "Review date",
)


def substance_words() -> set[str]:
    """Every word of every substance option (id, label and in-text form), lower-case."""
    item = SEEDS.questionnaire.items[SEEDS.questionnaire.subject_item]
    words: set[str] = set()
    for option in item.options:
        for text in (option.id, option.label, option.in_text):
            words.update(w.lower() for w in re.findall(r"[A-Za-z]+", text))
    return words - ORDINARY


def words_in(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]+", text)}


# --- All layouts ----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_page_size_footer_date_and_version(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft], layout: str,
        paper: str) -> None:
    document = render(make_draft(), layout, paper)

    for width, height in document.page_sizes:
        assert (width, height) == pytest.approx(PAPER_POINTS[paper], abs=0.5)
    for text in document.page_texts():
        assert DISCLAIMER in text
        assert PRINTED in text
        assert VERSION in text
    assert "0 embedded files" in document.attachments()


def test_titles_in_the_pdf_metadata(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    titles = {layout: render(draft, layout).info["Title"].strip() for layout in LAYOUTS}

    assert titles == {"full": "Relapse-prevention plan", "handout": "My recovery plan",
                      "wallet": "My wallet card"}


# --- Full plan ------------------------------------------------------------------------------


def test_the_full_plan_has_every_section_and_the_persons_entries(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    text = render(draft).text()

    for heading in FULL_PLAN_HEADINGS:
        assert heading in text
    assert "Staying safer if I use" in text  # used in the past month
    expected = [
        "Being there for my daughter", "Feeling in control again",
        "Friday nights at the Crown pub", "Go home by ten, with my bus fare ready",
        "Ring Sam on the way", "Being alone with ketamine within reach",
        "Sam Rivera", "sponsor", "555-0100", "Jo", "07700 900123", "+1 (212) 555-0199",
        "Chris", "020 7946 0000",
        "Tuesday SMART group", "Tuesday 19:00", "Community centre, 4 Mill Lane",
        "Alex Smith", "Ketamine", "Stop completely", "20 December 2026",
        "Suggested because: You said you often use alone or in secret.",
        "Needing to pee often or urgently, or pain when peeing",
        "988 Suicide & Crisis Lifeline", "Call 911", "Text HOME to 741741", "1-800-662-4357",
    ]
    for entry in expected + [line.text for line in draft.next_steps + draft.routine]:
        assert entry in text


def test_the_full_plan_has_page_numbers_and_a_running_header(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    document = render(make_draft())
    pages = document.page_texts()

    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    for text in pages[1:]:
        assert "Relapse-prevention plan · Alex Smith" in text
    assert "Relapse-prevention plan · Alex Smith" not in pages[0]  # the title is there instead


def test_the_full_plan_ranks_triggers(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft(triggers=(
        Trigger("own", "Low one", "low"), Trigger("own", "High one", "high"),
        Trigger("own", "Medium one", "medium")))
    text = render(draft).text()

    assert text.index("High one") < text.index("Medium one") < text.index("Low one")


def test_the_full_plan_has_the_therapy_and_safety_sections_when_they_apply(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        answers_for: Callable[..., dict[str, Any]], content: Content) -> None:
    draft = make_draft(answers=answers_for(prescribed="at_home", outside_prescription="no"),
                       safety_steps=(SafetyStep("Signs that a crisis may be starting for me",
                                                "Not answering my phone"),
                                     SafetyStep("People I can ask for help")),
                       safety_credit=content.plan.safety_steps.credit)
    assert draft.therapy is not None
    text = render(draft).text()

    for heading in ("Ketamine treatment aftercare", "Common, and usually passes",
                    "Call your provider", "After each session",
                    "Treatment at home: safety rules", "My safety plan"):
        assert heading in text
    for line in (*draft.therapy.common, *draft.therapy.call_provider,
                 *draft.therapy.after_session, *draft.therapy.at_home_rules):
        assert line in text
    assert "Not answering my phone" in text
    assert content.plan.safety_steps.credit in text


def test_an_empty_plan_still_prints_every_section(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft(display_name="", reasons=(), triggers=(), warning_signs=(), routine=(),
                       contacts=(), meetings=(), next_steps=(), medical=())
    document = render(draft)
    text = document.text()

    for heading in FULL_PLAN_HEADINGS:
        assert heading in text
    assert "Nothing written here yet." in text
    assert "Relapse-prevention plan" in document.text(2)


# --- Share-safe handout ---------------------------------------------------------------------


def person_for(substance: str) -> dict[str, Any]:
    """Plan fields in which the person names their substance every way the options do."""
    option = SEEDS.questionnaire.items[SEEDS.questionnaire.subject_item].option(substance)
    assert option is not None
    return {
        "display_name": "Alex Smith",
        "reasons": (Line(f"A life without {option.in_text}"), Line(f"No more {option.label}"),
                    Line(f"{option.id.upper()} cost me my job")),
        "warning_signs": (Line(f"Thinking about {option.label.lower()} all day"),),
    }


@pytest.mark.parametrize("substance", SUBSTANCES)
def test_the_handout_names_no_substance(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        substance: str) -> None:
    draft = make_draft(substance, **person_for(substance))
    document = render(draft, "handout")
    text = document.text()

    assert document.page_count == 1
    assert not words_in(text) & substance_words()
    assert not words_in(" ".join(document.info.values())) & substance_words()
    assert "A life without [substance]" in text or substance == "other"
    assert "My recovery plan: Alex" in text


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_handout_hides_private_fields(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        answers_for: Callable[..., dict[str, Any]], paper: str) -> None:
    draft = make_draft(answers=answers_for(prescribed="at_home", outside_prescription="yes",
                                           w_alone_secret="yes"),
                       safety_steps=(SafetyStep("People I can ask for help", "My brother"),))
    assert draft.medical and draft.therapy and draft.harm_reduction and draft.next_steps
    document = render(draft, "handout", paper)
    text = document.text()
    digits = re.sub(r"\D", "", text)

    assert document.page_count == 1
    assert "Alex" in text and "Smith" not in text
    for contact in draft.contacts:
        assert contact.name in text
        assert re.sub(r"\D", "", contact.phone) not in digits
    hidden = [
        *(f.text for f in draft.medical), *(f.action for f in draft.medical),
        *draft.therapy.common, *draft.therapy.at_home_rules, *draft.harm_reduction,
        *(line.text for line in draft.next_steps), "My brother",
        *(t.because for t in draft.triggers if t.because), "Suggested because",
        "Medical", "medical warning", "safety plan", "score", "Score", "screening",
    ]
    for field in hidden:
        assert field not in text
    for crisis_number in ("911", "988", "741741"):
        assert crisis_number in text


def test_the_handout_uses_large_type(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    handout = statistics.median(w.y1 - w.y0 for w in render(draft, "handout").words())
    full = statistics.median(w.y1 - w.y0 for w in render(draft, "full").words())

    assert handout >= 14  # 13 pt text; a word's box is a little taller than the font size
    assert handout > full * 1.15


def test_a_long_plan_is_shortened_to_one_page(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft(reasons=tuple(Line(f"Reason number {n}, " + "and so on " * 40)
                                     for n in range(50)))
    for paper in ("a4", "letter"):
        document = render(draft, "handout", paper)
        text = document.text()

        assert document.page_count == 1
        assert "Reason number 0" in text and "Reason number 49" not in text
        assert "more in my full plan" in text


# --- Wallet card ----------------------------------------------------------------------------


def card_box(document: PdfFile) -> tuple[float, float, float, float, float]:
    """The card's cut line (left, top, right, bottom) and fold (x), in points, found from the
    pixels: the dashed top and bottom edges are rows dark along a third of the page, and the
    fold is the darkest column between the card's ends."""
    dpi = 100
    image = document.image(1, dpi)
    width, height = image.size
    pixels = image.load()
    assert pixels is not None

    def dark(x: int, y: int) -> bool:
        value = pixels[x, y]
        assert isinstance(value, int)
        return value < 200

    dark_rows = [y for y in range(height) if sum(dark(x, y) for x in range(width)) > width / 3]
    top = min(dark_rows)
    # The footer's text is dense too; the card's bottom edge is within 60 mm of its top.
    bottom = max(y for y in dark_rows if y < top + 60 / 25.4 * dpi)
    edge = [x for x in range(width) if dark(x, top)]
    left, right = min(edge), max(edge)
    fold = max(range(left + 20, right - 20),
               key=lambda x: sum(dark(x, y) for y in range(top, bottom + 1)))
    scale = 72 / dpi
    return left * scale, top * scale, right * scale, bottom * scale, fold * scale


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_wallet_card_has_crisis_numbers_top_triggers_and_contacts(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        paper: str) -> None:
    draft = make_draft(
        triggers=(
            Trigger("own", "Bored on Sunday", "low", (Action("cope", "Go swimming"),)),
            Trigger("own", "Payday", "high", (Action("avoid", "Pay the rent first"),
                                                Action("call", "Tell Jo it's payday"))),
            Trigger("own", "Seeing old friends", "medium", (Action("leave", "Leave early"),)),
            Trigger("own", "Being alone with ketamine within reach", "high",
                    (Action("avoid", "Keep none at home"),)),
        ),
        contacts=(Contact("Priya", "friend"),  # no number: not much use on a card
                  Contact("Sam Rivera", "sponsor", "555-0100"),
                  Contact("Jo", "sister", "07700 900123"),
                  Contact("Dr Lee", "GP", "+1 (212) 555-0199"),
                  Contact("Chris", "friend", "020 7946 0000")))
    document = render(draft, "wallet", paper)
    text = document.text()

    assert document.page_count == 1
    for crisis in ("Emergency services", "Call 911", "Call 988 · Text 988", "HOME to 741741"):
        assert crisis in text
    # Top three, high first, each with its first action only.
    order = [text.index(t) for t in ("Payday", "Being alone with [substance] within reach",
                                     "Seeing old friends")]
    assert order == sorted(order)
    for shown in ("Pay the rent first", "Keep none at home", "Leave early"):
        assert shown in text
    for hidden in ("Bored on Sunday", "Go swimming", "Tell Jo it's payday", "ketamine",
                   "Chris", "020 7946 0000", "Priya"):
        assert hidden not in text
    for name, phone in (("Sam Rivera", "555-0100"), ("Jo", "07700 900123"),
                        ("Dr Lee", "+1 (212) 555-0199")):
        assert f"{name} {phone}" in text


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_wallet_card_is_card_sized_and_everything_on_it_fits(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        paper: str) -> None:
    long = "Something long enough to need shortening " * 12
    unbroken = "x" * 400
    draft = make_draft(
        triggers=tuple(Trigger("own", long if n % 2 else unbroken, "high",
                               (Action("cope", unbroken if n % 2 else long),))
                       for n in range(10)),
        contacts=tuple(Contact("N" * 80, "", "+44 (0) 1234 567 890 123 456 789 000")
                       for _ in range(10)))
    document = render(draft, "wallet", paper)
    left, top, right, bottom, fold = card_box(document)

    assert right - left == pytest.approx(171.2 * PT_PER_MM, abs=2)
    assert bottom - top == pytest.approx(54 * PT_PER_MM, abs=2)
    assert fold - left == pytest.approx(85.6 * PT_PER_MM, abs=2)
    on_card = [w for w in document.words() if top < w.y0 < bottom]
    assert len(on_card) > 20
    for word in on_card:
        assert left < word.x0 and word.x1 < right and word.y1 < bottom
        assert word.x1 < fold or word.x0 > fold  # nothing runs across the fold


# --- Pure helpers (no PDF) -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("short", 10, "short"),
    ("exactly ten", 11, "exactly ten"),
    ("one two three four five", 12, "one two…"),
    ("x" * 30, 10, "x" * 9 + "…"),
    ("  spaced\n out\ttext ", 20, "spaced out text"),
    ("ends with a comma, and more", 20, "ends with a comma…"),
])
def test_clip(text: str, limit: int, expected: str) -> None:
    assert layouts.clip(text, limit) == expected
    assert len(layouts.clip(text, limit)) <= limit


def test_by_rank_keeps_the_persons_order_within_a_rank() -> None:
    triggers = tuple(Trigger("own", text, rank) for text, rank in (
        ("a", "low"), ("b", "high"), ("c", "medium"), ("d", "high"), ("e", "low")))

    assert [t.text for t in layouts.by_rank(triggers)] == ["b", "d", "c", "a", "e"]
