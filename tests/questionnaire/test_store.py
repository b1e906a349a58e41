"""Saved screenings: token round trip, hashing, malformed tokens, deletion and expiry."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlmodel import Session, select

from recovery import db
from recovery.models import Assessment
from recovery.questionnaire import store
from recovery.screening.result import (
    Cutoff,
    EvidenceView,
    FlagResult,
    ScaleResult,
    ScreeningResult,
)
from recovery.tokens import hash_token, is_well_formed_token, new_token

ANSWERS = {"frequency": "weekly", "cravings": 3}
SAMPLE_RESULT = ScreeningResult(
    content_version="2026.11-1", substance="ketamine", substance_label="Ketamine",
    substance_text="ketamine",
    severity=ScaleResult(scale="use", title="Use checklist", about="Counts areas.",
                         is_applicable=True, score=7, max=10, level="severe", label="Severe",
                         cutoffs=(Cutoff(level="none", label="None", min=0, max=1),
                                  Cutoff(level="severe", label="Severe", min=6, max=None))),
    scores=(), crisis_level="none",
    flags=(FlagResult(id="f", kind="warning", title="A flag", text="For you.", urgency="routine",
                      tell_doctor="", because="cravings >= 3",
                      evidence=(EvidenceView(kind="answer", ref="cravings", label="Cravings?",
                                             values=("3",)),)),),
    paths=())


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with Session(db.get_engine(app)) as session:
        yield session


def save(session: Session, **overrides: Any) -> str:
    fields: dict[str, Any] = {
        "answers": ANSWERS,
        "result": SAMPLE_RESULT,
        "content_version": "2026.11-1",
        **overrides,
    }
    token = store.save_assessment(session, **fields)
    session.commit()
    return token


def test_round_trip(session: Session) -> None:
    token = save(session)
    session.expunge_all()  # read back from the database, not the identity map

    assessment = store.get_assessment(session, token=token)

    assert assessment is not None
    assert assessment.answers == ANSWERS
    assert assessment.result == json.loads(json.dumps(SAMPLE_RESULT.to_dict()))
    assert store.saved_result(assessment) == replace(SAMPLE_RESULT, answers=ANSWERS)
    assert assessment.content_version == "2026.11-1"
    assert assessment.created_at.tzinfo is not None
    assert abs(datetime.now(UTC) - assessment.created_at) < timedelta(minutes=1)
    assert assessment.expires_at is None


def test_tokens_are_fresh_and_url_safe(session: Session) -> None:
    issued = {save(session) for _ in range(3)}
    assert len(issued) == 3
    assert all(is_well_formed_token(token) for token in issued)


def test_token_is_stored_only_as_its_hash(session: Session) -> None:
    token = save(session)
    rows = session.connection().execute(text("SELECT * FROM assessment")).mappings().all()

    assert len(rows) == 1
    assert rows[0]["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in rows[0].values())


def test_save_does_not_commit(app: Flask, session: Session) -> None:
    store.save_assessment(session, answers={}, result=SAMPLE_RESULT, content_version="v")
    session.flush()
    with Session(db.get_engine(app)) as other:
        assert other.connection().execute(text("SELECT count(*) FROM assessment")).scalar() == 0
    session.rollback()


def test_unknown_token_is_none(session: Session) -> None:
    save(session)
    assert store.get_assessment(session, token=new_token()) is None


@pytest.mark.parametrize(
    "token",
    [
        "",
        "short",
        "A" * 42,
        "A" * 44,
        "A" * 42 + "!",
        "A" * 42 + "=",
        "A" * 21 + " " + "A" * 21,
        "é" * 43,
        "A" * 42 + "\n",
        "A" * 10_000,
    ],
)
def test_malformed_tokens_return_none_without_querying(
    session: Session, statements: list[str], token: str
) -> None:
    assert store.get_assessment(session, token=token) is None
    assert store.delete_assessment(session, token=token) is False
    assert statements == []


def test_non_string_token_is_none(session: Session, statements: list[str]) -> None:
    assert store.get_assessment(session, token=None) is None  # type: ignore[arg-type]
    assert statements == []


def test_delete(session: Session) -> None:
    token = save(session)
    keep = save(session)

    assert store.delete_assessment(session, token=token) is True
    session.commit()
    assert store.get_assessment(session, token=token) is None
    assert store.delete_assessment(session, token=token) is False
    assert store.get_assessment(session, token=keep) is not None


def test_expired_assessment_is_none(session: Session) -> None:
    now = datetime.now(UTC)
    token = save(session, expires_at=now + timedelta(hours=1))

    assert store.get_assessment(session, token=token, now=now) is not None
    assert store.get_assessment(session, token=token, now=now + timedelta(hours=2)) is None


def test_expires_at_round_trips_as_aware_utc(session: Session) -> None:
    local = datetime(2030, 1, 1, 17, 0, tzinfo=timezone(timedelta(hours=5)))
    token = save(session, expires_at=local)
    session.expunge_all()
    assessment = store.get_assessment(session, token=token, now=datetime(2029, 1, 1, tzinfo=UTC))
    assert assessment is not None
    assert assessment.expires_at == datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    assert assessment.expires_at.utcoffset() == timedelta(0)


def test_purge_expired_assessments(session: Session) -> None:
    now = datetime.now(UTC)
    expired = save(session, expires_at=now - timedelta(minutes=1))
    fresh = save(session, expires_at=now + timedelta(days=1))
    forever = save(session)

    assert store.purge_expired_assessments(session, now=now) == 1
    session.commit()

    remaining = {a.token_hash for a in session.exec(select(Assessment))}
    assert hash_token(expired) not in remaining
    assert {hash_token(fresh), hash_token(forever)} <= remaining
