"""GET /plans/<token>/pdf/<layout>: the PDF download of a saved plan."""

import dataclasses
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session

from recovery.planning.draft import Line, PlanDraft
from recovery.plans.store import create_plan, get_plan, save_revision
from tests.export.conftest import PdfFile

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


@pytest.fixture
def saved_plan(db_session: Session, make_draft: Callable[..., PlanDraft]) -> str:
    token = create_plan(db_session, draft=make_draft())
    db_session.commit()
    return token


@pytest.mark.parametrize("layout", ["full", "handout", "wallet"])
@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("letter", LETTER)])
def test_downloads_each_layout_on_each_paper(
        client: FlaskClient, saved_plan: str, read_pdf: Callable[[bytes], PdfFile],
        layout: str, paper: str, size: tuple[float, float]) -> None:
    response = client.get(f"/plans/{saved_plan}/pdf/{layout}?paper={paper}")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(rf'attachment; filename="recovery-plan-{layout}-\d{{4}}-\d\d-\d\d\.pdf"',
                        disposition)
    document = read_pdf(response.data)
    assert document.page_sizes[0] == pytest.approx(size, abs=0.5)
    assert "Not medical advice." in document.text()


def test_without_a_paper_size_uses_the_one_usual_in_the_plans_country(
        client: FlaskClient, db_session: Session, make_draft: Callable[..., PlanDraft],
        read_pdf: Callable[[bytes], PdfFile]) -> None:
    us = create_plan(db_session, draft=make_draft())
    gb = create_plan(db_session, draft=dataclasses.replace(make_draft(), crisis_locale="GB"))
    db_session.commit()

    us_pdf = read_pdf(client.get(f"/plans/{us}/pdf/wallet").data)
    gb_pdf = read_pdf(client.get(f"/plans/{gb}/pdf/wallet").data)

    assert us_pdf.page_sizes[0] == pytest.approx(LETTER, abs=0.5)
    assert gb_pdf.page_sizes[0] == pytest.approx(A4, abs=0.5)
    assert "Samaritans" in gb_pdf.text() and "116 123" in gb_pdf.text()


def test_prints_the_latest_revision(
        client: FlaskClient, db_session: Session, saved_plan: str,
        make_draft: Callable[..., PlanDraft], read_pdf: Callable[[bytes], PdfFile]) -> None:
    plan = get_plan(db_session, token=saved_plan)
    assert plan is not None
    save_revision(db_session, plan=plan, base_revision=1,
                  draft=make_draft(reasons=(Line("Revision two's reason"),)))
    db_session.commit()

    text = read_pdf(client.get(f"/plans/{saved_plan}/pdf/full").data).text()

    assert "Revision two's reason" in text
    assert "Being there for my daughter" not in text


def test_the_file_name_says_nothing_about_the_person(
        client: FlaskClient, saved_plan: str) -> None:
    disposition = client.get(f"/plans/{saved_plan}/pdf/full").headers["Content-Disposition"]

    assert "Alex" not in disposition and "ketamine" not in disposition.lower()


@pytest.mark.parametrize(("path", "status"), [
    ("/plans/{token}/pdf/poster", 404),
    ("/plans/{token}/pdf/FULL", 404),
    ("/plans/{token}/pdf/", 404),
    ("/plans/{token}/pdf/full?paper=a3", 400),
    ("/plans/{token}/pdf/full?paper=", 400),
    ("/plans/{token}/pdf/full?paper=A4", 400),
])
def test_unknown_layouts_and_papers_get_the_friendly_error_page(
        client: FlaskClient, saved_plan: str, path: str, status: int) -> None:
    response = client.get(path.format(token=saved_plan))

    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert "Sorry, that didn't work" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", [
    "x" * 43,  # well-formed, unknown
    "not-a-token",
    "../../etc/passwd",
])
def test_an_unknown_plan_is_not_found(client: FlaskClient, token: str) -> None:
    response = client.get(f"/plans/{token}/pdf/full")

    assert response.status_code == 404
    assert "Sorry, that didn't work" in response.get_data(as_text=True)


def test_only_get(client: FlaskClient, saved_plan: str) -> None:
    assert client.post(f"/plans/{saved_plan}/pdf/full").status_code == 405
