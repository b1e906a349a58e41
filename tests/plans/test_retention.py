"""Anonymous plans are kept PLAN_RETENTION_DAYS after their last save: hidden at once when the
time is up, deleted by purge-expired. A client's plan goes with the client, never by age. And one
address can only make so many plans a day."""

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import Session, col, select

from recovery import create_app
from recovery.models import Client, PlanRevision, RelapsePlan
from recovery.planning.serialize import draft_from_dict
from recovery.plans import store
from tests.counselor.conftest import create_account

NO_SIGN_IN_COUNTS = ("Deleted 0 ended sign-in counts for unknown addresses.\n"
                     "Deleted 0 screenings in progress kept past their time.\n")


def set_answers(client: FlaskClient, answers: dict[str, Any]) -> None:
    with client.session_transaction() as session:
        session["answers"] = answers


def make_plan(client: FlaskClient, answers: dict[str, Any]) -> str:
    set_answers(client, answers)
    response = client.post("/plans/new")
    assert response.status_code == 302
    return str(response.headers["Location"])


def age_plans(db_session: Session, *, days: float) -> None:
    """Move every plan's last save `days` into the past."""
    db_session.expire_all()
    for plan in db_session.exec(select(RelapsePlan)).all():
        plan.updated_at -= timedelta(days=days)
        db_session.add(plan)
    db_session.commit()


def count(db_session: Session, model: Any) -> int:
    db_session.expire_all()
    return int(db_session.exec(select(func.count()).select_from(model)).one())


def upload(client: FlaskClient, url: str, file: dict[str, Any], **fields: str) -> Any:
    data: dict[str, Any] = {"plan_file": (io.BytesIO(json.dumps(file).encode()), "plan.json")}
    return client.post(url, data={**data, **fields}, content_type="multipart/form-data")


@pytest.fixture
def client_plan(app: Flask, db_session: Session, low_risk_answers: dict[str, Any],
                client: FlaskClient) -> int:
    """A plan in the counselor workspace (made from an anonymous plan's draft)."""
    url = make_plan(client, low_risk_answers)
    draft = draft_from_dict(json.loads(client.get(f"{url}/plan.json").data))
    owner = create_account(app, email="casey@example.org")
    person = Client(counselor_id=owner.id, code="C-TEST-RETN", consent_given_at=datetime.now(UTC))
    db_session.add(person)
    db_session.commit()
    assert person.id is not None
    plan = store.create_client_plan(db_session, draft=draft, client_id=person.id)
    db_session.commit()
    assert plan.id is not None
    return plan.id


def test_the_default_is_a_year(app: Flask) -> None:
    assert app.config["PLAN_RETENTION_DAYS"] == 365


def test_the_plan_page_says_when_it_is_deleted(make_app: Callable[..., Flask],
                                               low_risk_answers: dict[str, Any]) -> None:
    client = make_app(PLAN_RETENTION_DAYS=200).test_client()
    page = client.get(make_plan(client, low_risk_answers)).get_data(as_text=True)
    assert "we delete it 200 days after it was last saved" in " ".join(page.split())


def test_a_plan_past_its_retention_is_gone_before_the_purge(
        client: FlaskClient, db_session: Session, low_risk_answers: dict[str, Any]) -> None:
    url = make_plan(client, low_risk_answers)
    age_plans(db_session, days=364)
    assert client.get(url).status_code == 200

    age_plans(db_session, days=1)

    for page in ("", "/revisions", "/plan.json", "/pdf/wallet", "/edit/about"):
        assert client.get(url + page).status_code == 404, page
    assert client.post(f"{url}/delete").status_code == 404
    assert count(db_session, RelapsePlan) == 1  # still there until purge-expired runs


def test_saving_a_plan_starts_its_time_again(
        client: FlaskClient, db_session: Session, low_risk_answers: dict[str, Any]) -> None:
    url = make_plan(client, low_risk_answers)
    file = json.loads(client.get(f"{url}/plan.json").data)
    age_plans(db_session, days=300)

    file["display_name"] = "Sam"
    assert upload(client, f"{url}/import", file, base_revision="1").status_code == 302
    age_plans(db_session, days=100)

    assert client.get(url).status_code == 200


def test_purge_expired_deletes_old_anonymous_plans_with_their_versions(
        app: Flask, client: FlaskClient, db_session: Session, client_plan: int,
        low_risk_answers: dict[str, Any]) -> None:
    make_plan(client, low_risk_answers)
    age_plans(db_session, days=400)  # the client's plan and both anonymous ones
    keep = make_plan(client, low_risk_answers)
    assert count(db_session, RelapsePlan) == 4
    runner = app.test_cli_runner()

    first = runner.invoke(args=["purge-expired"])
    second = runner.invoke(args=["purge-expired"])

    assert (first.exit_code, first.output) == (
        0, "Deleted 0 expired saved results.\nDeleted 2 expired plans.\n"
        "Deleted 0 expired safety plans.\n"
        + NO_SIGN_IN_COUNTS)
    assert second.output == ("Deleted 0 expired saved results.\nDeleted 0 expired plans.\n"
        "Deleted 0 expired safety plans.\n"
                             + NO_SIGN_IN_COUNTS)
    db_session.expire_all()
    left = db_session.exec(select(RelapsePlan.id).order_by(col(RelapsePlan.id))).all()
    assert client_plan in left and len(left) == 2
    assert count(db_session, PlanRevision) == 2  # the old plans' versions went with them
    assert client.get(keep).status_code == 200


def test_the_retention_is_configurable(make_app: Callable[..., Flask], db_session: Session,
                                       low_risk_answers: dict[str, Any]) -> None:
    client = make_app(PLAN_RETENTION_DAYS=7).test_client()
    url = make_plan(client, low_risk_answers)
    age_plans(db_session, days=6.9)
    assert client.get(url).status_code == 200
    age_plans(db_session, days=0.2)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("days", [0, -1, "365", 1.5, None, True])
def test_a_plan_retention_that_is_not_a_positive_whole_number_stops_start_up(
        database_url: str, days: object) -> None:
    with pytest.raises(SystemExit, match="PLAN_RETENTION_DAYS must be a whole number"):
        create_app({"TESTING": True, "DATABASE_URL": database_url,
                    "PLAN_RETENTION_DAYS": days})


# --- How many plans one address can make ---------------------------------------------------


def test_one_address_can_make_only_so_many_plans_a_day(
        make_app: Callable[..., Flask], low_risk_answers: dict[str, Any]) -> None:
    app = make_app(PLAN_CREATION_RATE_LIMIT="2 per day")
    client = app.test_client()
    url = make_plan(client, low_risk_answers)
    file = json.loads(client.get(f"{url}/plan.json").data)
    assert upload(client, "/plans/import", file).status_code == 302

    for refused in (client.post("/plans/new"), upload(client, "/plans/import", file)):
        assert refused.status_code == 429
        assert "was not saved" in refused.get_data(as_text=True)
    # Working on the plans already made goes on; another address has its own count.
    file["display_name"] = "Sam"
    assert upload(client, f"{url}/import", file, base_revision="1").status_code == 302
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert make_plan(other, low_risk_answers)


def test_a_plan_from_a_saved_result_counts_too(make_app: Callable[..., Flask],
                                               low_risk_answers: dict[str, Any]) -> None:
    client = make_app(PLAN_CREATION_RATE_LIMIT="1 per day").test_client()
    set_answers(client, low_risk_answers)
    saved = client.post("/screening/save").headers["Location"]
    assert client.post(f"{saved}/plan").status_code == 302
    assert client.post(f"{saved}/plan").status_code == 429
