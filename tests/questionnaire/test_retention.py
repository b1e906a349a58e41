"""Saved results expire after RESULT_RETENTION_DAYS: hidden at once, deleted by purge-expired."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func
from sqlmodel import Session, select

from recovery import create_app
from recovery.models import Assessment
from recovery.questionnaire import store

NO_SIGN_IN_COUNTS = ("Deleted 0 ended sign-in counts for unknown addresses.\n"
                     "Deleted 0 screenings in progress kept past their time.\n")


def save(client: FlaskClient, answers: dict[str, Any]) -> str:
    with client.session_transaction() as session:
        session["answers"] = answers
    response = client.post("/screening/save")
    assert response.status_code == 302
    return response.headers["Location"]


def rows(db_session: Session) -> list[Assessment]:
    db_session.expire_all()
    return list(db_session.exec(select(Assessment)).all())


def age_every_result(db_session: Session, *, days: float) -> None:
    """Move every saved result's expiry `days` into the past (as if saved long ago)."""
    for row in rows(db_session):
        assert row.expires_at is not None
        row.expires_at -= timedelta(days=days)
        db_session.add(row)
    db_session.commit()


def test_saving_sets_the_expiry_from_the_configured_days(
        make_app: Callable[..., Flask], db_session: Session,
        low_risk_answers: dict[str, Any]) -> None:
    client = make_app(RESULT_RETENTION_DAYS=14).test_client()
    before = datetime.now(UTC)

    save(client, low_risk_answers)

    (row,) = rows(db_session)
    assert row.expires_at is not None
    assert before + timedelta(days=14) <= row.expires_at <= datetime.now(UTC) + timedelta(days=14)


def test_the_default_is_90_days(app: Flask) -> None:
    assert app.config["RESULT_RETENTION_DAYS"] == 90


def test_an_expired_result_is_gone_before_the_purge(client: FlaskClient, db_session: Session,
                                                    low_risk_answers: dict[str, Any]) -> None:
    url = save(client, low_risk_answers)
    assert client.get(url).status_code == 200

    age_every_result(db_session, days=91)

    assert client.get(url).status_code == 404
    assert client.post(f"{url}/plan").status_code == 404
    assert len(rows(db_session)) == 1  # still there until purge-expired runs


def test_purge_expired_deletes_only_expired_results_and_can_run_again(
        app: Flask, client: FlaskClient, db_session: Session,
        low_risk_answers: dict[str, Any]) -> None:
    save(client, low_risk_answers)
    save(client, low_risk_answers)
    age_every_result(db_session, days=91)
    keep = save(client, low_risk_answers)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["purge-expired"])
    second = runner.invoke(args=["purge-expired"])

    assert (first.exit_code, first.output) == (
        0, "Deleted 2 expired saved results.\nDeleted 0 expired plans.\n"
        "Deleted 0 expired safety plans.\n"
        + NO_SIGN_IN_COUNTS)
    assert (second.exit_code, second.output) == (
        0, "Deleted 0 expired saved results.\nDeleted 0 expired plans.\n"
        "Deleted 0 expired safety plans.\n"
        + NO_SIGN_IN_COUNTS)
    assert len(rows(db_session)) == 1
    assert client.get(keep).status_code == 200


def test_purge_counts_in_the_singular(app: Flask, db_session: Session) -> None:
    db_session.add(Assessment(token_hash="a" * 64, content_version="1", answers={}, result={},
                              expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    db_session.commit()

    result = app.test_cli_runner().invoke(args=["purge-expired"])

    assert result.output == ("Deleted 1 expired saved result.\nDeleted 0 expired plans.\n"
        "Deleted 0 expired safety plans.\n"
                             + NO_SIGN_IN_COUNTS)
    assert store.purge_expired_assessments(db_session) == 0
    assert db_session.exec(select(func.count()).select_from(Assessment)).one() == 0


@pytest.mark.parametrize("days", [0, -1, "90", 1.5, None, True])
def test_a_retention_that_is_not_a_positive_whole_number_stops_start_up(
        database_url: str, days: object) -> None:
    with pytest.raises(SystemExit, match="RESULT_RETENTION_DAYS must be a whole number"):
        create_app({"TESTING": True, "DATABASE_URL": database_url,
                    "RESULT_RETENTION_DAYS": days})
