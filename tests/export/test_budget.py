"""What one PDF may cost: a plan at the size limit prints a bounded number of pages, and no
render draws more than MAX_EMOJI colour emoji (each costs about as much as 300 letters)."""

import dataclasses
import io
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from recovery.export import budget
from recovery.planning.draft import (
    Action,
    Contact,
    Line,
    PlanDraft,
    RedFlag,
    Trigger,
    UrgePlan,
)
from recovery.plans.files import MAX_FILE_BYTES, plan_to_json, storable_problem
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
        "next_steps": lambda: Line(text()),
        "harm_reduction": text,
        "medical": lambda: RedFlag(text(), text()),
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
    assert drawn <= budget.MAX_EMOJI
    # The card prints whole items only: a reason of 200 emoji doesn't fit on it at all.
    assert drawn >= 1 or layout == "wallet"
    assert budget.EMOJI_STAND_IN in text


def test_the_largest_plan_file_imports_and_prints_quickly_enough_over_http(
        client: FlaskClient, make_draft: Callable[..., PlanDraft],
        read_pdf: Callable[[bytes], PdfFile]) -> None:
    """The attack as it was made: an anonymous upload of a plan file of nearly 256 KB of long
    words and emoji, then its PDFs. Each is a real, bounded PDF."""
    hostile = as_big_as_a_file_allows(make_draft(
        urge_plan=UrgePlan(20, distractions=(EMOJI * 125,) * 3, grounding="😀" * 500)))
    file = plan_to_json(hostile).encode("utf-8")
    assert 0.9 * MAX_FILE_BYTES < len(file) <= MAX_FILE_BYTES

    imported = client.post("/plans/import", data={
        "plan_file": (io.BytesIO(file), "plan.json", "application/json")},
        content_type="multipart/form-data")

    assert imported.status_code == 302, imported.status_code
    for layout, most_pages in (("full", 20), ("handout", 1), ("wallet", 1)):
        response = client.get(f"{imported.headers['Location']}/pdf/{layout}?paper=a4")
        assert response.status_code == 200, (layout, response.status_code)
        document = read_pdf(response.data)
        assert 1 <= document.page_count <= most_pages, layout
        assert document.text().count("😀") <= budget.MAX_EMOJI, layout
