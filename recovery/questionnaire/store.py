"""Persistence for saved screenings: small keyword-only functions that never commit.

The caller (a view or a CLI command) commits once. Rows are found only through a public token
that is handed to the user and never stored: the database keeps its SHA-256, so a leaked copy of
the table cannot be turned back into links to anyone's results.

Results cross this boundary typed: `save_assessment` takes a `ScreeningResult` and stores its
`to_dict()`; `saved_result` reads one back with `ScreeningResult.from_dict`.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from recovery.models import Assessment, utc_now
from recovery.screening.result import ScreeningResult
from recovery.tokens import hash_token, is_well_formed_token, new_token


def save_assessment(
    session: Session,
    *,
    answers: dict[str, Any],
    result: ScreeningResult,
    content_version: str,
    expires_at: datetime | None = None,
) -> str:
    """Add a new assessment to the session's transaction and return its public token (shown
    once to the user)."""
    token = new_token()
    # An INSERT statement rather than session.add: nothing reads the new row back, and the
    # unit of work's bookkeeping was a tenth of a save's CPU time.
    session.execute(insert(Assessment).values(
        token_hash=hash_token(token), content_version=content_version, answers=answers,
        result=result.to_dict(), created_at=utc_now(), expires_at=expires_at))
    return token


def saved_result(assessment: Assessment) -> ScreeningResult:
    """The typed result of a saved assessment, with its answers."""
    return ScreeningResult.from_dict(assessment.result, assessment.answers)


def get_assessment(
    session: Session, *, token: str, now: datetime | None = None
) -> Assessment | None:
    """The assessment for `token`, or None if the token is malformed, unknown or expired.

    Malformed tokens are refused before any query, so junk in a URL costs nothing.
    """
    if not is_well_formed_token(token):
        return None
    assessment = session.exec(
        select(Assessment).where(col(Assessment.token_hash) == hash_token(token))
    ).first()
    if assessment is None or _is_expired(assessment, now):
        return None
    return assessment


def delete_assessment(session: Session, *, token: str) -> bool:
    """Delete the assessment for `token`; False if there was none (or the token is malformed)."""
    if not is_well_formed_token(token):
        return False
    outcome = session.exec(
        delete(Assessment).where(col(Assessment.token_hash) == hash_token(token))
    )
    return bool(outcome.rowcount)


def purge_expired_assessments(session: Session, *, now: datetime | None = None) -> int:
    """Delete every assessment whose expiry has passed; returns how many were deleted."""
    moment = now or datetime.now(UTC)
    outcome = session.exec(delete(Assessment).where(col(Assessment.expires_at) <= moment))
    return int(outcome.rowcount)


def expiry_from_now(days: int, *, now: datetime | None = None) -> datetime:
    """When a result saved now stops being shown (and `purge-expired` deletes it)."""
    return (now or datetime.now(UTC)) + timedelta(days=days)


def _is_expired(assessment: Assessment, now: datetime | None) -> bool:
    if assessment.expires_at is None:
        return False
    return assessment.expires_at <= (now or datetime.now(UTC))
