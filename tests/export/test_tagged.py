"""Every PDF is tagged PDF/UA-1: read back with pikepdf (tests/export/structure.py), each layout
has its title, language, DisplayDocTitle and a structure tree whose headings, lists and tables
are real, in the reading order of the sections (the wallet card's front, inside, then back)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from recovery.export import renderer
from recovery.planning.draft import PlanDraft
from recovery.seeds import current_content
from tests.export.conftest import TODAY, PdfFile
from tests.export.structure import Element, TaggedPdf, empty_headings

TITLES = {"full": "Relapse-prevention plan", "handout": "My recovery plan",
          "wallet": "My wallet card"}
FULL_PLAN_SECTIONS = [
    "My reasons", "My triggers and what I will do", "Early warning signs", "My urge plan",
    "My daily routine", "Support contacts", "Meetings", "Treatment next steps", "If I slip",
    "When to get medical help", "Staying safer if I use", "Review date",
    "Crisis help: United States",
]
HANDOUT_SECTIONS = [
    "Why I am doing this", "My triggers, and what I do", "Early warning signs",
    "When an urge hits", "If I slip", "Who helps me", "If things get dangerous",
]


def tagged(document: PdfFile) -> TaggedPdf:
    return TaggedPdf.open(document.path)


def in_order(text: str, pieces: list[str]) -> bool:
    """Each piece found in `text`, each after the one before."""
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("layout", ["full", "handout", "wallet"])
def test_every_layout_is_pdf_ua_with_title_and_language(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft], layout: str,
        paper: str) -> None:
    document = render(make_draft(), layout, paper)
    pdf = tagged(document)

    assert pdf.pdf.pdf_version == "1.7"
    assert pdf.pdfua_part == "1"
    assert pdf.title == pdf.xmp_title == TITLES[layout]
    assert pdf.displays_title  # viewers show the title, not the file name
    assert pdf.language == "en"
    assert pdf.marked
    assert document.info["Tagged"].strip() == "yes"  # poppler agrees
    headings = pdf.headings()
    assert headings[0][0] == 1 and [level for level, _ in headings].count(1) == 1
    for (before, _), (after, text) in zip(headings, headings[1:], strict=False):
        assert after <= before + 1, f"heading level skipped before {text!r}"
    assert all(text.strip() for _, text in headings)


def test_the_full_plan_reads_in_section_order_with_lists_and_tables(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    pdf = tagged(render(draft))

    assert [text for level, text in pdf.headings() if level == 2] == FULL_PLAN_SECTIONS
    assert [text for level, text in pdf.headings() if level == 3][:6] == [
        "Wait", "Distract myself", "Ground myself", "Text or call", "In the first 24 hours",
        "When to ask for more help"]
    reasons = list_after(pdf.root, "My reasons")
    assert [item.text.lstrip("• ") for item in reasons.all("/LBody")] == [
        line.text for line in draft.reasons]
    contacts = pdf.root.all("/Table")[0]
    header_cells = contacts.all("/TH")
    assert [cell.text for cell in header_cells] == ["Name", "Who they are", "Phone"]
    header_ids = {cell.identifier for cell in header_cells}
    rows = [row for row in contacts.all("/TR") if row.all("/TD")]
    assert [[cell.text for cell in row.all("/TD")] for row in rows] == [
        [c.name, c.role, c.phone] for c in draft.contacts]
    for cell in contacts.all("/TD"):  # each cell announced with its column's header
        assert cell.attributes is not None
        assert {str(ref) for ref in cell.attributes.Headers} <= header_ids
    text = pdf.root.text
    assert in_order(text, ["My relapse-prevention plan", "In danger right now",
                           *draft.reasons[0].text.split(" ", 1)[:1], "Friday nights",
                           "Text or call", "Sam Rivera", "Tuesday SMART group",
                           "Look at this plan again", "Call 911"])


def list_after(root: Element, heading: str) -> Element:
    """The first list after the heading `heading`, in reading order."""
    seen = False
    for element in root.walk():
        if element.role.startswith("/H") and element.text == heading:
            seen = True
        elif seen and element.role == "/L":
            return element
    raise AssertionError(f"no list after {heading!r}")


def test_the_handout_reads_in_section_order(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    pdf = tagged(render(draft, "handout"))

    assert pdf.headings()[0] == (1, "My recovery plan: Alex")  # first name only
    assert [text for level, text in pdf.headings() if level == 2] == HANDOUT_SECTIONS
    assert [item.text.lstrip("• ") for item in list_after(pdf.root, "Why I am doing this")
            .all("/LBody")] == [line.text for line in draft.reasons]
    assert in_order(pdf.root.text, ["Being there for my daughter", "Friday nights",
                                    "Sam Rivera", "988 Suicide & Crisis Lifeline"])


def test_the_wallet_cards_panels_read_front_then_inside_then_back(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    draft = make_draft()
    pdf = tagged(render(draft, "wallet"))
    headings = [text.casefold() for _, text in pdf.headings()]
    text = pdf.root.text.casefold()

    assert headings == ["if i'm struggling", "crisis lines", "my top triggers",
                        "why i am doing this", "people i can call"]
    # The whole front (crisis lines), then the inside (the triggers, then the reasons), then
    # the whole back (contacts): four panels, never interleaved.
    front = ["crisis lines", "988"]
    inside = ["my top triggers", "being alone with", "strong cravings", "why i am doing this",
              "being there for my daughter"]
    back = ["people i can call", "sam rivera", "jo"]
    assert in_order(text, front + inside + back)
    inside_starts, back_starts = text.index("my top triggers"), text.index("people i can call")
    assert all(text.rfind(piece) < inside_starts for piece in front)
    assert all(inside_starts <= text.rfind(piece) < back_starts for piece in inside)
    assert all(len(item.all("/LI")) for item in pdf.root.all("/L"))


def test_an_empty_wallet_card_says_what_its_lines_are_for(
        render: Callable[..., PdfFile], make_draft: Callable[..., PlanDraft]) -> None:
    pdf = tagged(render(make_draft(reasons=(), triggers=(), contacts=()), "wallet"))

    assert in_order(pdf.root.text, [
        "My top triggers", "Write a trigger and what you will do:",
        "Why I am doing this", "Write why you are doing this:",
        "People I can call", "Write a name and number here:"])
    assert empty_headings(pdf.root) == []


def test_the_meeting_handouts_bundle_is_tagged_one_handout_after_another(
        app: Flask, make_draft: Callable[..., PlanDraft], tmp_path: Path) -> None:
    drafts = [make_draft(display_name=name) for name in ("Ana", "Ben", "Cy")]
    with app.app_context():
        content = current_content()
        data = renderer.render_handouts_pdf(
            [(draft, content.crisis_locale("US"), f"A.{n}", ()) for n, draft in enumerate(drafts)],
            content, paper="a4", today=TODAY)
    path = tmp_path / "handouts.pdf"
    path.write_bytes(data)
    pdf = TaggedPdf.open(path)

    assert pdf.title == pdf.xmp_title == "Meeting handouts"
    assert pdf.language == "en" and pdf.marked and pdf.displays_title and pdf.pdfua_part == "1"
    assert [text for level, text in pdf.headings() if level == 1] == [
        "My recovery plan: Ana", "My recovery plan: Ben", "My recovery plan: Cy"]
    # (Each page's mark is in its running header, outside the tree like every header.)
    assert in_order(pdf.root.text, ["Ana", "If things get dangerous", "Ben",
                                    "If things get dangerous", "Cy", "If things get dangerous"])
