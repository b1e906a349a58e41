"""A saved screening as a record: the counselor's choice of path leads the plan made from it,
every answer is shown by step in plain words, and the record prints as a short PDF summary
whose download is audited with ids only."""

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from recovery.content.model import Content
from recovery.counselor.screenings.operations import MAX_NOTES_LENGTH, MAX_REASON_LENGTH
from recovery.models import PlanRevision
from recovery.screening.answers import AnswerContext, visible_items, visible_options
from recovery.seeds import current_content
from tests.counselor.conftest import audit_actions, text
from tests.counselor.test_screenings import HEAVY, LOW_RISK, base, make_plan, save_screening
from tests.export.conftest import PdfFile
from tests.export.structure import TaggedPdf

DAILY_ALCOHOL: dict[str, Any] = LOW_RISK | {"substance": "alcohol", "depressant_daily": "yes"}
RECORD_NUMBER = "MRN-004417"


@pytest.fixture
def client_id(casey: FlaskClient) -> int:
    response = casey.post("/counselor/clients/new", data={
        "name": "Robin Quillfeather", "record_number": RECORD_NUMBER, "consent": "y"})
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def choose_path(browser: FlaskClient, client_id: int, screening_id: int, path: str,
                reason: str) -> None:
    response = browser.post(f"{base(client_id)}/screenings/{screening_id}/override",
                            data={"path": path, "reason": reason})
    assert response.status_code == 303, text(response)[:300]


def plan_next_steps(db: Session, plan_id: int) -> list[dict[str, str]]:
    db.expire_all()
    revision = db.exec(select(PlanRevision).where(col(PlanRevision.plan_id) == plan_id)
                       .order_by(col(PlanRevision.number).desc())).first()
    assert revision is not None
    steps: list[dict[str, str]] = revision.draft["next_steps"]
    return steps


# --- The counselor's choice of path leads the plan -------------------------------------------


def test_a_plan_follows_the_counselors_choice_of_path_and_says_why(
        app: Flask, casey: FlaskClient, client_id: int, db_session: Session) -> None:
    with app.app_context():  # the steps in this install's words (GP or primary care doctor)
        steps = current_content().plan.next_steps
        detox_step, dual_step = steps["supervised_withdrawal"], steps["dual_diagnosis"]
    screening_id = save_screening(casey, client_id, DAILY_ALCOHOL)
    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert "Suggested by the screening:</strong> Medically supervised withdrawal" in page
    suggested = plan_next_steps(db_session, make_plan(casey, client_id, screening_id))
    assert suggested[0]["text"] == detox_step  # the premise: detox comes first

    choose_path(casey, client_id, screening_id, "dual_diagnosis", "detox not indicated")
    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert "Its treatment next steps start from your choice of path, Dual-diagnosis" in page
    plan_id = make_plan(casey, client_id, screening_id)
    chosen = plan_next_steps(db_session, plan_id)

    assert chosen[0]["text"] == dual_step
    assert chosen[0]["because"] == (
        "Your counselor chose “Dual-diagnosis (integrated) treatment” in place of your "
        "screening's suggestion, “Medically supervised withdrawal (detox) assessment”. "
        "Their reason: detox not indicated")
    assert detox_step not in [step["text"] for step in chosen]
    plan_page = text(casey.get(f"{base(client_id)}/plans/{plan_id}"))
    assert plan_page.index(dual_step) < plan_page.index("Your counselor chose")

    # Back to the suggestion: the next plan follows the screening again.
    choose_path(casey, client_id, screening_id, "", "")
    again = plan_next_steps(db_session, make_plan(casey, client_id, screening_id))
    assert again == suggested


# --- Every answer, on the page -----------------------------------------------------------------


def test_the_saved_screening_shows_every_answer_by_step_in_words(
        casey: FlaskClient, client_id: int) -> None:
    screening_id = save_screening(casey, client_id, HEAVY)
    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    answers = page[page.index('id="answers-title"'):page.index('id="notes-title"')]

    # Every step shown, as a table with its title, and answers no result quotes as evidence.
    for step in ("What this is about", "How you use", "The past 12 months", "Your body",
                 "Mood and worry", "Your safety", "Your situation"):
        assert f"<caption>{step}</caption>" in answers
    assert ("<td>Which substance would you like to check?</td><td>Ketamine (also called K, "
            "ket or special K)</td>") in answers
    assert ("<td>How do you take it? Choose all that apply.</td><td>Snort or sniff it</td>"
            in answers)
    assert ("<td>Is there someone you trust who you could turn to for support?</td>"
            "<td>Yes</td>") in answers
    assert "<td>When did you last use ketamine?</td><td>In the past week</td>" in answers
    assert "{substance}" not in answers
    for option_id in ("not_prescribed", "less_than_monthly", "none_of_these", "snort"):
        assert f">{option_id}<" not in answers  # labels, never ids
    # A step the answers skipped was never asked, so it isn't listed.
    assert "<caption>What happened</caption>" not in answers


# --- The PDF summary -------------------------------------------------------------------------


def longest_answers(content: Content) -> dict[str, Any]:
    """The longest screening there can be: every step shown, every box of every multiple
    choice ticked, and for each other question the option with the longest label (which is
    also the one that opens follow-up questions: "Yes", "I'd rather not answer")."""
    answers: dict[str, Any] = {}
    for step in content.questionnaire.steps:
        if not step.show_if.is_true(AnswerContext(answers)):
            continue
        for item in visible_items(step, answers):
            options = visible_options(item, answers)
            answers[item.id] = ([o.id for o in options if not o.is_exclusive] if item.is_multiple
                                else max(options, key=lambda o: len(o.label)).id)
    return answers


def longest_notes(limit: int) -> str:
    """Realistic notes of exactly `limit` characters: sentences, a paragraph to a line."""
    sentence = ("Client described weekend use with friends, rising since the spring; agreed "
                "to keep a diary and to call the clinic before the next weekend.")
    paragraph = " ".join([sentence] * 3)
    return "\n".join([paragraph] * (limit // len(paragraph) + 1))[:limit]


def download_record(browser: FlaskClient, client_id: int, screening_id: int, tmp_path: Path,
                    paper: str = "a4") -> PdfFile:
    response = browser.get(f"{base(client_id)}/screenings/{screening_id}/record.pdf"
                           f"?paper={paper}")
    assert response.status_code == 200, text(response)[:300]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="screening-record-')
    assert "Robin" not in disposition and "ketamine" not in disposition.lower()
    path = tmp_path / f"record-{screening_id}-{paper}.pdf"
    path.write_bytes(response.data)
    return PdfFile(path)


def keep_for_looking(document: PdfFile, name: str) -> None:
    """A copy under test-artifacts/ for people to open (git-ignored)."""
    folder = Path(__file__).parents[2] / "test-artifacts" / "pdfs"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(document.path, folder / name)


def test_the_record_pdf_holds_the_whole_record_and_its_download_is_audited(
        casey: FlaskClient, client_id: int, db_session: Session, tmp_path: Path) -> None:
    screening_id = save_screening(casey, client_id, HEAVY, notes="Agreed: diary for two weeks.")
    choose_path(casey, client_id, screening_id, "outpatient_aftercare", "Works nights.")
    document = download_record(casey, client_id, screening_id, tmp_path)
    keep_for_looking(document, "screening-record-heavy.pdf")
    words = document.text()

    assert document.page_count <= 2 and document.page_sizes[0] == (595.276, 841.89)
    code = words.split("Screening record: client ", 1)[1].split(" ", 1)[0]
    assert code.startswith("C-")
    for piece in ("Client code", RECORD_NUMBER, "Clinic record", "Casey Counselor",
                  "Date and time", "4 March 2030, 09:00 UTC", "Content version",
                  "A screening, not a diagnosis",
                  "Suggested by the screening:", "Chosen by the counselor: Outpatient",
                  "and aftercare (Casey Counselor, 4 March 2030)", "Reason: Works nights.",
                  "Use checklist", "4 of 10", "Counted: Losing control of use (3)", "Flags",
                  "Agreed: diary for two weeks."):
        assert piece in words, piece
    assert "{substance}" not in words and "not_prescribed" not in words
    events = [(a, o, d) for a, _u, o, d in audit_actions(db_session)]
    assert ("export", str(screening_id), f"client {client_id}; record pdf") in events
    assert "Works nights" not in str(events) and "diary" not in str(events)


def test_the_longest_screening_with_the_longest_notes_fits_on_two_pages(
        app: Flask, casey: FlaskClient, client_id: int, tmp_path: Path) -> None:
    with app.app_context():
        answers = longest_answers(current_content())
    notes = longest_notes(MAX_NOTES_LENGTH)
    assert len(notes) == MAX_NOTES_LENGTH
    screening_id = save_screening(casey, client_id, answers, notes=notes)
    reason = ("The client has a stable home and a job they want to keep; we agreed to start "
              "with evening sessions and look again in four weeks. ") * 8
    choose_path(casey, client_id, screening_id, "dual_diagnosis", reason[:MAX_REASON_LENGTH])

    for paper in ("a4", "letter"):
        document = download_record(casey, client_id, screening_id, tmp_path, paper)
        keep_for_looking(document, f"screening-record-longest-{paper}.pdf")
        pages = document.page_texts()
        assert len(pages) == 2, (paper, len(pages))
        assert "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]
        assert f"client {pages[0].split('client ', 1)[1][:6]}" in pages[1]  # every page says whose
        words = document.text()
        assert notes.rsplit(" ", 2)[-2] in pages[1]  # the notes to their end
        assert reason[:MAX_REASON_LENGTH].split()[-3] in words
        assert "Also suggested, in order:" in words
        assert "Exercise, sleep and regular meals." in words


SHORTENED = "[shortened to fit two pages: the screening's page holds all of it]"


@pytest.mark.parametrize(("notes", "printed"), [
    ("\n".join(["a"] * 2000), "a / a / a"),  # 2,000 short lines run together
    ("\N{SMILING FACE WITH SMILING EYES}" * 4000, "\N{WHITE SQUARE}" * 3),  # past 50 emoji
    ("W" * 4000, SHORTENED),  # one unbroken word of wide letters: too long, said so
], ids=["lines", "emoji", "unbroken"])
def test_notes_of_any_shape_keep_the_record_to_two_pages(
        app: Flask, casey: FlaskClient, client_id: int, tmp_path: Path, notes: str,
        printed: str) -> None:
    with app.app_context():
        answers = longest_answers(current_content())
    screening_id = save_screening(casey, client_id, answers, notes=notes)
    document = download_record(casey, client_id, screening_id, tmp_path, "letter")
    assert document.page_count <= 2
    assert printed.replace(" ", "") in document.text().replace(" ", "")


def test_the_record_pdf_is_tagged_pdf_ua_with_a_title_and_real_tables(
        casey: FlaskClient, client_id: int, tmp_path: Path) -> None:
    screening_id = save_screening(casey, client_id, HEAVY)
    pdf = TaggedPdf.open(download_record(casey, client_id, screening_id, tmp_path).path)

    assert pdf.pdfua_part == "1" and pdf.marked and pdf.displays_title
    assert pdf.title == pdf.xmp_title == "Screening record"
    assert pdf.language == "en"
    headings = pdf.headings()
    assert headings[0][0] == 1 and headings[0][1].startswith("Screening record: client C-")
    assert [text for level, text in headings if level == 2] == [
        "Path", "Flags", "Results", "Notes"]
    facts = pdf.root.all("/Table")[0]
    rows = [[cell.text for cell in row.children] for row in facts.all("/TR")]
    assert rows[0][:3] == ["Client code", rows[0][1], "Clinic record number"]
    assert rows[0][3] == RECORD_NUMBER and rows[1][:2] == ["Counselor", "Casey Counselor"]
    scores = pdf.root.all("/Table")[1]
    assert [cell.text for cell in scores.all("/TH")][:4] == [
        "Scale", "Score", "Band and why", "Use checklist"]


def test_the_record_pdf_is_refused_for_a_bad_paper_and_to_other_counselors(
        casey: FlaskClient, client_id: int, sign_in: Any, other: Any) -> None:
    screening_id = save_screening(casey, client_id)
    url = f"{base(client_id)}/screenings/{screening_id}/record.pdf"
    assert casey.get(url + "?paper=a3").status_code == 400
    assert sign_in(other).get(url).status_code == 404


def test_the_record_pdf_is_in_the_install_s_time_with_the_zone_named(
        app: Flask, casey: FlaskClient, client_id: int, tmp_path: Path) -> None:
    """Saved at 09:00 UTC on 4 March 2030: 04:00 in New York, where the clinic is."""
    app.config["TIME_ZONE"] = "America/New_York"
    screening_id = save_screening(casey, client_id, HEAVY)
    words = download_record(casey, client_id, screening_id, tmp_path).text()
    assert "4 March 2030, 04:00 EST" in words and "UTC" not in words
