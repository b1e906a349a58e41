"""Walking the safety plan's pages with the test client, and looking at what was stored."""

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import Session, select

from recovery import db
from recovery.models import SafetyPlan
from recovery.planning.safety import SafetyPlanDraft, draft_from_dict

STEP_IDS = ("warning_signs", "on_my_own", "distractions", "people", "professionals",
            "surroundings", "reasons")
BLANK_LINES = {"line-1": "", "line-2": "", "line-3": ""}
BLANK_CONTACTS = {f"{part}-{n}": "" for n in (1, 2, 3) for part in ("name", "phone")}


def post_step(client: FlaskClient, step_id: str, nav: str = "next", **fields: str) -> Any:
    blank = BLANK_CONTACTS if step_id in ("people", "professionals") else BLANK_LINES
    data = {**blank, "nav": nav, **fields}
    if step_id == "professionals":
        data.setdefault("crisis_locale", "US")
    return client.post(f"/safety-plan/steps/{step_id}", data=data)


def saved_plans(app: Flask) -> list[SafetyPlan]:
    with Session(db.get_engine(app)) as session:
        return list(session.exec(select(SafetyPlan)).all())


def saved_draft(app: Flask) -> SafetyPlanDraft:
    (plan,) = saved_plans(app)
    return draft_from_dict(plan.plan)


def save(client: FlaskClient) -> str:
    """Save the plan in the client's session; its private link's path."""
    response = client.post("/safety-plan/save")
    assert response.status_code == 302
    return str(response.headers["Location"])
