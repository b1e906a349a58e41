"""What one PDF may cost: a plan at the size limit prints a bounded number of pages, and no
render draws more than MAX_EMOJI colour emoji (each costs about as much as 300 letters)."""

import dataclasses
from collections.abc import Callable

import pytest

from recovery.export import budget
from recovery.planning.draft import Action, Contact, Line, PlanDraft, Trigger, UrgePlan
from recovery.plans.files import storable_problem
from tests.export.conftest import PdfFile

EMOJI = "😀🙏💪🌱"


def as_big_as_a_file_allows(draft: PlanDraft) -> PlanDraft:
    """Every list filled with 500-character texts, numbered so each can be found in the PDF,
    until the plan file would pass 256 KB."""
    count = iter(range(100_000))

    def text() -> str:
        return (f"T{next(count):04d} " + "W" * 500)[:500]

    makers: dict[str, Callable[[], object]] = {
        "reasons": lambda: Line(text()),
        "triggers": lambda: Trigger("own", text(), "high", (Action("cope", text()),)),
        "warning_signs": lambda: Line(text()),
        "routine": lambda: Line(text()),
    }
    for attr, make in makers.items():
        while len(getattr(draft, attr)) < 50:
            bigger = dataclasses.replace(draft, **{attr: (*getattr(draft, attr), make())})
            if storable_problem(bigger) is not None:
                return draft
            draft = bigger
    return draft


def test_a_plan_that_fits_is_printed_whole(make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()

    fitted = budget.fit_full_plan(draft)

    assert fitted == budget.Fitted(draft, 0)


def test_a_long_plan_keeps_the_first_entries_of_every_list(
        make_draft: Callable[..., PlanDraft]) -> None:
    draft = as_big_as_a_file_allows(make_draft())
    assert storable_problem(draft) is None and len(draft.routine) > 10  # a plan one can save

    fitted = budget.fit_full_plan(draft)

    counts = [0, 0]
    budget.cut(fitted.plan, 50, 500, counts)
    assert counts[0] <= budget.FULL_PLAN_CHARS
    assert fitted.left_out > 0
    for attr in ("reasons", "triggers", "warning_signs", "routine"):
        kept = getattr(fitted.plan, attr)
        assert 1 <= len(kept) < len(getattr(draft, attr))
        assert kept == getattr(draft, attr)[: len(kept)]  # the first ones, untouched
    assert fitted.plan.contacts == draft.contacts[: len(fitted.plan.contacts)]


def test_the_full_pdf_of_the_largest_plan_is_bounded_and_says_so(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = as_big_as_a_file_allows(make_draft())

    document = render(draft, "full", "a4")

    text = document.text()
    assert document.page_count <= 20  # 85 pages before there was a budget
    assert "This plan is longer than one printout can hold" in text
    assert "T0000" in text and "T0050" in text  # the first reason and the first trigger


def test_a_short_plan_has_no_note(render: Callable[..., PdfFile],
                                  make_draft: Callable[..., PlanDraft]) -> None:
    assert "longer than one printout" not in render(make_draft(), "full", "a4").text()


def test_limit_emoji_keeps_the_first_and_replaces_the_rest() -> None:
    family = "👨\u200d👩\u200d👧"  # one glyph from three pictographs
    plan = (f"{EMOJI} {family} ok", ("❤️ and 1️⃣", "plain"))

    assert budget.limit_emoji(plan, allowance=5) == (
        f"{EMOJI} {family} ok", ("[emoji] and 1️⃣", "plain"))
    assert budget.limit_emoji(plan, allowance=100) == plan
    assert budget.limit_emoji("no pictures at all: é ü 中文", allowance=0) == (
        "no pictures at all: é ü 中文")


@pytest.mark.parametrize("layout", ["full", "handout", "wallet"])
def test_no_render_draws_more_than_the_emoji_allowance(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft],
        layout: str) -> None:
    """A plan written in emoji (about 10 ms of WeasyPrint each) prints its first MAX_EMOJI
    ones and a stand-in for the rest."""
    lots = EMOJI * 50  # 200 emoji in one text
    draft = make_draft(
        reasons=tuple(Line(lots) for _ in range(5)),
        triggers=tuple(Trigger("own", lots[:60], "high", (Action("cope", lots),))
                       for _ in range(5)),
        contacts=(Contact("😀" * 20, "🙏" * 20, "555-0100"),),
        urge_plan=UrgePlan(20, distractions=(lots,), text_person="💪" * 80))

    text = render(draft, layout, "a4").text()

    own = len(budget.EMOJI.findall(render(make_draft(), layout, "a4").text()))  # the ✂ on the card
    drawn = len(budget.EMOJI.findall(text)) - own
    assert 1 <= drawn <= budget.MAX_EMOJI
    assert budget.EMOJI_STAND_IN in text
