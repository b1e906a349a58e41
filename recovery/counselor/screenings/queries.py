"""What the screenings child reads: a client's saved screenings (one at a time, or their
summaries for lists and the history), and which screening is under way in this browser.

A screening is found only through its client (`screening_or_404(client, id)`), and the client
only through `clients.client_or_404`, so there is still one access rule.
"""

from dataclasses import dataclass

from flask import abort
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from recovery.content.model import Content
from recovery.models import Client, ClientScreening
from recovery.screening.history import HistoryPoint
from recovery.screening.result import ScreeningResult

# Session key of the screening being recorded in this browser: {"client_id": ..., "answers": ...}
IN_PROGRESS_KEY = "counselor_screening"


def is_under_way(stored: object, *, client_id: int | None) -> bool:
    """Whether `stored` (the session's IN_PROGRESS_KEY value) is a screening of this client."""
    return (isinstance(stored, dict) and stored.get("client_id") == client_id
            and isinstance(stored.get("answers"), dict))


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


def crisis_guidance(content: Content, result: ScreeningResult) -> list[str]:
    """What the counselor is told for each crisis flag a screening raised: the flag's words for
    counselors (`counselor:` in seeds/flags.yaml), not the sentence written for the client. A
    result saved before flags carried that text takes today's content's; a flag the content no
    longer has keeps its stored text."""
    for_counselors = {flag.id: flag.counselor for flag in content.flags if flag.kind == "crisis"}
    return [flag.counselor or for_counselors.get(flag.id) or flag.text
            for flag in result.crisis_flags]
