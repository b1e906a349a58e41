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
    Line,
    PlanDraft,
    SafetyStep,
    Trigger,
)
from tests.export.conftest import PdfFile

SEEDS = load_content(Path(__file__).parents[2] / "seeds")
# "I don't use any" (subject_none) names no substance: nothing of it to hide.
SUBSTANCES = [o.id for o in SEEDS.questionnaire.items[SEEDS.questionnaire.subject_item].options
              if o.id != SEEDS.questionnaire.subject_none]
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
    for option in (o for o in item.options if o.id in SUBSTANCES):
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
                                     SafetyStep("People I can turn to")),
                       safety_credit=content.safety_plan.credit)
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
    assert content.safety_plan.credit in text


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
    assert "A life without the substance" in text or substance == "other"
    assert "My recovery plan: Alex" in text


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_handout_hides_private_fields(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        answers_for: Callable[..., dict[str, Any]], paper: str) -> None:
    draft = make_draft(answers=answers_for(prescribed="at_home", outside_prescription="yes",
                                           w_alone_secret="yes"),
                       safety_steps=(SafetyStep("People I can turn to", "My brother"),))
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

    # 11 pt at least (a word's box is about 1.16 times the type size); this plan, printed
    # whole, fits at 12 pt.
    assert handout >= 11 * 1.16
    assert handout > full * 1.1


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


# --- Pure helpers (no PDF) -------------------------------------------------------------------


def test_by_rank_keeps_the_persons_order_within_a_rank() -> None:
    triggers = tuple(Trigger("own", text, rank) for text, rank in (
        ("a", "low"), ("b", "high"), ("c", "medium"), ("d", "high"), ("e", "low")))

    assert [t.text for t in layouts.by_rank(triggers)] == ["b", "d", "c", "a", "e"]
