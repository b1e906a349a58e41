"""Persistence for screenings a counselor records with a client: small keyword-only functions
that never commit (the view commits once, with its audit event).

A screening is found only through its client (`screening_or_404(client, id)`), and the client
only through `clients.client_or_404`, so there is still one access rule.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort
from sqlalchemy import delete
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from recovery.models import Client, ClientScreening, User
from recovery.screening.answers import Answers
from recovery.screening.history import HistoryPoint
from recovery.screening.result import ScreeningResult

# Session key of the screening being recorded in this browser: {"client_id": ..., "answers": ...}
IN_PROGRESS_KEY = "counselor_screening"
MAX_NOTES_LENGTH = 4000
MAX_REASON_LENGTH = 1000
# Like users.CONTROL_RE, but notes may have line breaks and tabs.
NOTE_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


class ScreeningError(Exception):
    """A request about a screening we turn down, with a message for the person."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def text_problem(text: str, *, what: str, limit: int) -> str | None:
    if len(text.strip()) > limit:
        return f"Please keep the {what} to {limit:,} characters or fewer."
    if NOTE_CONTROL_RE.search(text):
        return f"Please remove the unusual invisible characters from the {what}."
    return None


def notes_problem(notes: str) -> str | None:
    return text_problem(notes, what="notes", limit=MAX_NOTES_LENGTH)


def reason_problem(reason: str) -> str | None:
    return text_problem(reason, what="reason", limit=MAX_REASON_LENGTH)


def is_under_way(stored: object, *, client_id: int | None) -> bool:
    """Whether `stored` (the session's IN_PROGRESS_KEY value) is a screening of this client."""
    return (isinstance(stored, dict) and stored.get("client_id") == client_id
            and isinstance(stored.get("answers"), dict))


# --- Writing -------------------------------------------------------------------------------


def summary_of(result: ScreeningResult) -> dict[str, Any]:
    """The few numbers the history chart and the client page show, copied out of a result
    (`ClientScreening.summary`, sealed like the result itself)."""
    scores = {scale.scale: scale for scale in result.scores}

    def score(scale: str) -> int | None:
        found = scores.get(scale)
        return found.score if found and found.is_applicable else None

    return {
        "severity_score": result.severity.score if result.severity.is_applicable else None,
        "severity_max": result.severity.max,
        "mood_score": score("mood"),
        "anxiety_score": score("anxiety"),
        "flag_count": len(result.flags),
        "is_at_risk": result.is_at_risk,
    }


def add_screening(session: Session, *, client: Client, counselor: User, answers: Answers,
                  result: ScreeningResult, content_version: str, notes: str,
                  now: datetime) -> ClientScreening:
    problem = notes_problem(notes)
    if problem is not None:
        raise ScreeningError(problem)
    assert client.id is not None
    row = ClientScreening(client_id=client.id, counselor_id=counselor.id, taken_at=now,
                          content_version=content_version, answers=answers,
                          result=result.to_dict(),
                          notes=notes.strip(), summary=summary_of(result))
    session.add(row)
    session.flush()  # the id, for the audit event and the redirect
    return row


def set_notes(session: Session, *, screening: ClientScreening, notes: str) -> None:
    problem = notes_problem(notes)
    if problem is not None:
        raise ScreeningError(problem)
    screening.notes = notes.strip()
    session.add(screening)


def set_override(session: Session, *, screening: ClientScreening, path_id: str | None,
                 reason: str, by: User, known_paths: frozenset[str], now: datetime) -> None:
    """Record the counselor's own choice of path beside the engine's (which stays in `result`
    untouched); `path_id=None` goes back to the engine's suggestion."""
    if path_id is None:
        screening.override_path, screening.override_reason = None, ""
        screening.override_by, screening.override_at = None, None
    else:
        if path_id not in known_paths:
            raise ScreeningError("Please choose one of the paths in the list.")
        problem = reason_problem(reason)
        if problem is not None:
            raise ScreeningError(problem)
        if not reason.strip():
            raise ScreeningError("Please say why you chose a different path: the reason is "
                                 "kept beside the suggestion for whoever reads this later.")
        screening.override_path, screening.override_reason = path_id, reason.strip()
        screening.override_by, screening.override_at = by.id, now
    session.add(screening)


def delete_screening(session: Session, *, screening: ClientScreening) -> None:
    session.exec(delete(ClientScreening).where(col(ClientScreening.id) == screening.id))


# --- Reading -------------------------------------------------------------------------------


def result_of(screening: ClientScreening) -> ScreeningResult:
    """The typed result of a saved screening, with its answers."""
    return ScreeningResult.from_dict(screening.result, screening.answers)


def screening_or_404(session: Session, *, client: Client, screening_id: int) -> ClientScreening:
    """The screening if it is this client's, else a 404 (the client is already checked)."""
    found = session.exec(select(ClientScreening).where(
        col(ClientScreening.id) == screening_id,
        col(ClientScreening.client_id) == client.id)).first()
    if found is None:
        abort(404)
    return found


def summaries(session: Session, *, client: Client, limit: int | None = None
              ) -> list[ClientScreening]:
    """The client's screenings, newest first, without their answers and results (the big
    JSON columns, and with keys set the most to decrypt): their summaries are enough for
    lists, tables and the chart. One query."""
    query = (select(ClientScreening)
             .options(defer(ClientScreening.answers), defer(ClientScreening.result),  # type: ignore[arg-type]
                      defer(ClientScreening.notes))  # type: ignore[arg-type]
             .where(col(ClientScreening.client_id) == client.id)
             .order_by(col(ClientScreening.taken_at).desc(), col(ClientScreening.id).desc()))
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


@dataclass(frozen=True)
class HistoryRow:
    """One screening in the history table (the chart's points, in words)."""

    screening: ClientScreening
    point: HistoryPoint


def history_rows(rows: list[ClientScreening]) -> list[HistoryRow]:
    return [HistoryRow(row, HistoryPoint(
        taken_at=row.taken_at, severity=row.severity_score, severity_max=row.severity_max,
        mood=row.mood_score, anxiety=row.anxiety_score, flags=row.flag_count)) for row in rows]
