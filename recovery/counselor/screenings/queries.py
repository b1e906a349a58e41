"""What the screenings child reads: a client's saved screenings (one at a time, or their
summaries for lists and the history). A screening in progress is progress.py's.

A screening is found only through its client (`screening_or_404(client, id)`), and the client
only through `clients.client_or_404`, so there is still one access rule.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from recovery import localtime
from recovery.content.model import Content
from recovery.counselor.screenings.operations import summary_of
from recovery.models import Client, ClientScreening
from recovery.screening.history import HistoryPoint
from recovery.screening.result import ScreeningResult


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
    """One screening in the history table (the charts' points, in words)."""

    screening: ClientScreening
    point: HistoryPoint


# What every summary holds now; older ones are completed from their result.
SUMMARY_KEYS = frozenset({"substance", "substance_name", "mood_max", "anxiety_max"})


def history_rows(session: Session, rows: list[ClientScreening]) -> list[HistoryRow]:
    """The rows with their points. Summaries saved before they named the substance are
    worked out again from their results: one more query, for those rows only."""
    summaries = {row.id: row.summary for row in rows}
    older = [row.id for row in rows if not SUMMARY_KEYS <= set(row.summary)]
    if older:
        for row_id, result in session.exec(
                select(ClientScreening.id, ClientScreening.result)
                .where(col(ClientScreening.id).in_(older))).all():
            summaries[row_id] = summary_of(ScreeningResult.from_dict(result))
    # Dated in the install's time zone, like every time shown.
    return [HistoryRow(row, point_of(localtime.to_local(row.taken_at), summaries[row.id]))
            for row in rows]


def point_of(taken_at: datetime, summary: dict[str, Any]) -> HistoryPoint:
    return HistoryPoint(
        taken_at=taken_at, substance=summary["substance"],
        substance_name=summary["substance_name"], severity=summary["severity_score"],
        severity_max=summary["severity_max"], mood=summary["mood_score"],
        mood_max=summary["mood_max"], anxiety=summary["anxiety_score"],
        anxiety_max=summary["anxiety_max"], flags=summary["flag_count"],
        at_risk=summary["is_at_risk"])


def crisis_guidance(content: Content, result: ScreeningResult) -> list[str]:
    """What the counselor is told for each crisis flag a screening raised: the flag's words for
    counselors (`counselor:` in seeds/flags.yaml), not the sentence written for the client. A
    result saved before flags carried that text takes today's content's; a flag the content no
    longer has keeps its stored text."""
    for_counselors = {flag.id: flag.counselor for flag in content.flags if flag.kind == "crisis"}
    return [flag.counselor or for_counselors.get(flag.id) or flag.text
            for flag in result.crisis_flags]
