"""A saved screening as a record: the counselor's choice of path leads the plan made from it,
every answer is shown by step in plain words, and the record prints as a short PDF summary
whose download is audited with ids only."""

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import Session, col, select

from recovery.models import PlanRevision
from tests.counselor.conftest import text
from tests.counselor.test_screenings import LOW_RISK, base, make_plan, save_screening

DAILY_ALCOHOL: dict[str, Any] = LOW_RISK | {"substance": "alcohol", "depressant_daily": "yes"}
DETOX_STEP = "Call a GP or detox service"
DUAL_STEP = "Ask for a service that treats mood, anxiety or trauma together with substance use."
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
        casey: FlaskClient, client_id: int, db_session: Session) -> None:
    screening_id = save_screening(casey, client_id, DAILY_ALCOHOL)
    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert "Suggested by the screening:</strong> Medically supervised withdrawal" in page
    suggested = plan_next_steps(db_session, make_plan(casey, client_id, screening_id))
    assert suggested[0]["text"].startswith(DETOX_STEP)  # the premise: detox comes first

    choose_path(casey, client_id, screening_id, "dual_diagnosis", "detox not indicated")
    page = text(casey.get(f"{base(client_id)}/screenings/{screening_id}"))
    assert "Its treatment next steps start from your choice of path, Dual-diagnosis" in page
    plan_id = make_plan(casey, client_id, screening_id)
    steps = plan_next_steps(db_session, plan_id)

    assert steps[0]["text"] == DUAL_STEP
    assert steps[0]["because"] == (
        "Your counselor chose “Dual-diagnosis (integrated) treatment” in place of your "
        "screening's suggestion, “Medically supervised withdrawal (detox) assessment”. "
        "Their reason: detox not indicated")
    assert not any(step["text"].startswith(DETOX_STEP) for step in steps)
    plan_page = text(casey.get(f"{base(client_id)}/plans/{plan_id}"))
    assert plan_page.index(DUAL_STEP) < plan_page.index("Your counselor chose")

    # Back to the suggestion: the next plan follows the screening again.
    choose_path(casey, client_id, screening_id, "", "")
    again = plan_next_steps(db_session, make_plan(casey, client_id, screening_id))
    assert again == suggested
