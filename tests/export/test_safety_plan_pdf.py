"""The safety plan's PDF (recovery/export/safety.py), read back as a person would: one page on
A4 and on Letter even with every field full to its limit, nothing cut, the crisis lines of the
plan's country and every contact as a tap-to-call link, tagged PDF/UA-1 like the plan PDFs."""

import re
from collections.abc import Callable

import pikepdf
import pytest
from flask import Flask

from recovery.export.safety import render_safety_plan_pdf
from recovery.planning.safety import (
    MAX_CONTACTS,
    MAX_LINE,
    MAX_LINES,
    MAX_NAME,
    SafetyContact,
    SafetyPlanDraft,
    StepAnswer,
)
from recovery.planning.vocabulary import MAX_PHONE
from recovery.seeds import current_content
from tests.export.conftest import TODAY, PdfFile
from tests.export.structure import TaggedPdf, empty_headings

STEPS = ("warning_signs", "on_my_own", "distractions", "people", "professionals",
         "surroundings", "reasons")
CONTACT_STEPS = ("people", "professionals")


def full_line(step: str, n: int) -> str:
    """A line of exactly MAX_LINE characters: words, then one long unbroken word."""
    start = f"{step} line {n} ends with one long unbroken word: "
    return start + "W" * (MAX_LINE - len(start))


def full_plan(locale: str = "US") -> SafetyPlanDraft:
    answers = []
    for step in STEPS:
        if step in CONTACT_STEPS:
            contacts = tuple(SafetyContact(f"{step} {n} " + "N" * (MAX_NAME - len(step) - 3),
                                           "+1 (555) 010-00" + "0" * (MAX_PHONE - 15))
                             for n in range(1, MAX_CONTACTS + 1))
            answers.append(StepAnswer(step, contacts=contacts))
        else:
            answers.append(StepAnswer(step, lines=tuple(full_line(step, n)
                                                        for n in range(1, MAX_LINES + 1))))
    return SafetyPlanDraft("2026.11-1", locale, tuple(answers))


@pytest.fixture
def render_safety(app: Flask, read_pdf: Callable[[bytes], PdfFile]
                  ) -> Callable[..., PdfFile]:
    def render(draft: SafetyPlanDraft, paper: str = "a4") -> PdfFile:
        with app.app_context():
            content = current_content()
            return read_pdf(render_safety_plan_pdf(
                draft, content, paper=paper, crisis_locale=content.crisis_locale(
                    draft.crisis_locale), today=TODAY))
    return render


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def links(document: PdfFile) -> list[str]:
    with pikepdf.open(document.path) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_a_plan_full_to_every_limit_prints_on_one_page_with_nothing_cut(
        render_safety: Callable[..., PdfFile], paper: str) -> None:
    draft = full_plan()
    document = render_safety(draft, paper)

    assert document.page_count == 1
    text = squeezed(document.text())
    for answer in draft.answers:
        for line in answer.lines:
            assert squeezed(line) in text
        for contact in answer.contacts:
            assert squeezed(contact.name) in text and squeezed(contact.phone) in text
    assert "tel:988" in links(document)
    assert "tel:+1555010000000000000000000000000000" in links(document)
    assert len([uri for uri in links(document) if uri.startswith("tel:+1555")]) == 6


@pytest.mark.parametrize(("locale", "lines"), [
    ("US", ["Emergency services: Call 911", "988 Suicide & Crisis Lifeline"]),
    ("GB", ["Emergency services: Call 999", "Samaritans: Call 116 123"]),
])
def test_an_empty_plan_has_room_to_write_and_the_countrys_crisis_lines(
        render_safety: Callable[..., PdfFile], locale: str, lines: list[str]) -> None:
    document = render_safety(SafetyPlanDraft("2026.11-1", locale))
    text = " ".join(document.text().split())

    assert document.page_count == 1
    for line in lines:
        assert line in text
    assert "SAMHSA" not in text  # a referral line, not a crisis line
    assert "My reasons to live" in text and "The words are our own." in text


def test_it_is_tagged_with_its_title_and_a_heading_per_step(
        render_safety: Callable[..., PdfFile]) -> None:
    document = render_safety(full_plan(), "letter")
    pdf = TaggedPdf.open(document.path)

    assert pdf.pdfua_part == "1" and pdf.marked and pdf.language == "en"
    assert pdf.title == pdf.xmp_title == "My safety plan" and pdf.displays_title
    assert pdf.headings() == [(1, "My safety plan"), *[(2, title) for title in (
        "My warning signs", "Things I can do on my own",
        "People and places that take my mind off things", "People I can turn to",
        "Professionals and crisis lines", "Making my surroundings safer",
        "My reasons to live")]]
    assert empty_headings(pdf.root) == []
    assert document.info["Tagged"].strip() == "yes"


def test_the_download(client: object, app: Flask) -> None:
    from flask.testing import FlaskClient  # noqa: PLC0415

    from tests.safetyplan.helpers import post_step, save  # noqa: PLC0415

    assert isinstance(client, FlaskClient)
    post_step(client, "reasons", **{"line-1": "My daughter"})
    link = save(client)
    letter = client.get(f"{link}/pdf")
    a4 = client.get(f"{link}/pdf?paper=a4")

    assert letter.mimetype == "application/pdf" and a4.status_code == 200
    assert re.fullmatch(r'attachment; filename="safety-plan-\d{4}-\d\d-\d\d\.pdf"',
                        letter.headers["Content-Disposition"])
    assert letter.headers["Cache-Control"] == "no-store"
    assert client.get(f"{link}/pdf?paper=a5").status_code == 400
