"""Handouts for a meeting: several clients' share-safe handouts as one PDF."""

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import Session, select

from recovery.models import AuditEvent, Client
from tests.counselor.conftest import Account, audit_actions, text
from tests.counselor.test_screenings import HEAVY, LOW_RISK, make_plan, save_screening
from tests.export.conftest import PdfFile

URL = "/counselor/handouts"


def plan_for_new_client(browser: FlaskClient, answers: dict[str, str], name: str = ""
                        ) -> tuple[int, int]:
    response = browser.post("/counselor/clients/new", data={"consent": "y", "name": name})
    client_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return client_id, make_plan(browser, client_id, save_screening(browser, client_id, answers))


@pytest.fixture
def two_plans(casey: FlaskClient) -> list[tuple[int, int]]:
    return [plan_for_new_client(casey, HEAVY), plan_for_new_client(casey, LOW_RISK)]


def pdf_of(data: bytes, tmp_path: Path) -> PdfFile:
    path = tmp_path / "handouts.pdf"
    path.write_bytes(data)
    return PdfFile(path)


def test_chosen_handouts_come_as_one_share_safe_pdf(
        casey: FlaskClient, two_plans: list[tuple[int, int]], db_session: Session,
        tmp_path: Path) -> None:
    page = casey.get(URL)
    assert page.status_code == 200
    for _client_id, plan_id in two_plans:
        assert f'value="{plan_id}"' in page.get_data(as_text=True)

    response = casey.post(URL, data={"plan": [str(p) for _c, p in two_plans], "paper": "a4"})
    assert response.status_code == 200, text(response)[:300]
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="meeting-handouts-')
    pdf = pdf_of(response.data, tmp_path)
    assert pdf.page_count == 2  # one page per handout
    assert all(abs(w - 595.3) < 1 and abs(h - 841.9) < 1 for w, h in pdf.page_sizes)
    pages = pdf.page_texts()
    codes = [db_session.get(Client, c).code for c, _p in two_plans]  # type: ignore[union-attr]
    for page_text, code in zip(pages, codes, strict=True):
        # Marked with the client's code (the default), so it can be handed to its person.
        assert page_text.startswith(f"Client {code} My recovery plan"), page_text[:80]
        assert "ketamine" not in page_text.lower()  # share-safe: no substance names
    # In the order of the plans: the first client reported cravings, the second didn't.
    assert "Strong cravings" in pages[0] and "Strong cravings" not in pages[1]
    events = [(a, o, d) for a, _u, o, d in audit_actions(db_session)]
    for client_id, plan_id in two_plans:
        assert ("export", str(plan_id), f"client {client_id}; group handout") in events


def test_another_counselors_plan_is_a_404_and_nothing_is_exported(
        app: Flask, two_plans: list[tuple[int, int]], make_account: Callable[..., Account],
        db_session: Session) -> None:
    from tests.counselor.conftest import signed_in_client
    other = make_account("olu@example.org")
    outsider = signed_in_client(app, other)
    assert "None of your clients has a plan yet" in text(outsider.get(URL))
    before = db_session.exec(select(func.count()).select_from(AuditEvent)).one()
    _own_client, own_plan = plan_for_new_client(outsider, LOW_RISK)
    after_own = db_session.exec(select(func.count()).select_from(AuditEvent)).one()
    assert after_own > before
    response = outsider.post(URL, data={"plan": [str(own_plan), str(two_plans[0][1])],
                                        "paper": "a4"})
    assert response.status_code == 404
    assert db_session.exec(select(func.count()).select_from(AuditEvent)).one() == after_own


@pytest.mark.parametrize(("mark", "expected"), [
    ("initials", ["J. A. E.", "Client C-"]),  # no name recorded: the code
    ("none", ["", ""]),
])
def test_each_page_carries_the_mark_the_counselor_chose(
        casey: FlaskClient, tmp_path: Path, mark: str, expected: list[str]) -> None:
    named = plan_for_new_client(casey, LOW_RISK, name="jo anne Example")
    unnamed = plan_for_new_client(casey, LOW_RISK)
    response = casey.post(URL, data={"plan": [str(named[1]), str(unnamed[1])], "paper": "letter",
                                     "mark": mark})
    assert response.status_code == 200, text(response)[:300]
    pages = pdf_of(response.data, tmp_path).page_texts()
    assert len(pages) == 2
    for page_text, start in zip(pages, expected, strict=True):
        assert page_text.startswith(f"{start}" if start else "My recovery plan"), page_text[:80]
        assert "Example" not in page_text and "jo anne" not in page_text.lower()


def test_initials_are_first_letters_of_up_to_four_words() -> None:
    from recovery.counselor.handouts.queries import initials
    assert initials("jo anne Example") == "J. A. E."
    assert initials("Ōda  'ren") == "Ō. R."
    assert initials("a b c d e f") == "A. B. C. D."
    assert initials("  ") == "" and initials("-- !!") == ""


@pytest.mark.parametrize("data, status, message", [
    ({"paper": "a4"}, 422, "tick at least one plan"),
    ({"plan": ["1"], "paper": "a3"}, 400, "A4 or US Letter"),
    ({"plan": ["1"], "paper": "a4", "mark": "name"}, 400, "code, their initials, or nothing"),
    ({"plan": ["x"], "paper": "a4"}, 400, "at most 12 plans"),
    ({"plan": [str(n) for n in range(13)], "paper": "a4"}, 400, "at most 12 plans"),
])
def test_bad_choices_are_refused_with_a_message(casey: FlaskClient, data: dict[str, object],
                                                status: int, message: str) -> None:
    response = casey.post(URL, data=data)
    assert response.status_code == status and message in text(response)
