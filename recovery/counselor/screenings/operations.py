"""What the screenings child changes: saving a screening recorded with a client, its notes, the
counselor's own choice of path, deleting it. Small keyword-only functions that never commit:
the view commits once, with its audit event. A change that can't be made raises
`ScreeningError` (a 422 with its words, like `clients.ClientError`).

Notes and reasons are held to recovery.text's one rule for typed text (several lines allowed).
"""

from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col
from werkzeug.exceptions import UnprocessableEntity

from recovery.models import Client, ClientScreening, User
from recovery.screening.answers import Answers
from recovery.screening.result import ScaleResult, ScreeningResult
from recovery.text import text_problem

MAX_NOTES_LENGTH = 4000
# A medical flag this urgent puts the client on the caseload's "needs attention" list.
URGENT = frozenset({"emergency", "today"})
MAX_REASON_LENGTH = 1000


class ScreeningError(UnprocessableEntity):
    """A change to a screening we turn down. Raised, it is a 422 with these words on the error
    page, like any `abort`; a view that shows its form again catches it and shows `message`
    there instead."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)
        self.message = message


# Notes and reasons take several lines: what was said, what was agreed.
notes_problem = partial(text_problem, limit=MAX_NOTES_LENGTH, what="the notes", one_line=False)
reason_problem = partial(text_problem, limit=MAX_REASON_LENGTH, what="the reason",
                         one_line=False)


def summary_of(result: ScreeningResult) -> dict[str, Any]:
    """The few facts the history charts and the client page show, copied out of a result
    (`ClientScreening.summary`, sealed like the result itself). Summaries saved before the
    substance and the scales' maxima were added lack them: `queries.history_rows` works them
    out again from the result."""
    return {
        "substance": result.substance,
        "substance_name": short_name(result.substance_label),
        **scale_summary(result),
        "flag_count": len(result.flags),
        "is_at_risk": result.is_at_risk,
        "urgent_medical": any(flag.kind == "medical" and flag.urgency in URGENT
                              for flag in result.flags),
    }


def scale_summary(result: ScreeningResult) -> dict[str, int | None]:
    """The charted scales' scores (None where a scale doesn't apply) and their maxima."""
    scores = {scale.scale: scale for scale in result.scores}
    mood, anxiety = scores.get("mood"), scores.get("anxiety")
    return {
        "severity_score": applicable_score(result.severity),
        "severity_max": result.severity.max,
        "mood_score": applicable_score(mood),
        "mood_max": mood.max if mood is not None else 0,
        "anxiety_score": applicable_score(anxiety),
        "anxiety_max": anxiety.max if anxiety is not None else 0,
    }


def applicable_score(scale: ScaleResult | None) -> int | None:
    return scale.score if scale is not None and scale.is_applicable else None


def short_name(label: str) -> str:
    """An option's label without its explanation in brackets: "Ketamine (also called K...)" is
    "Ketamine", short enough for a chart's legend and a table column."""
    return label.split(" (", 1)[0].strip() or label


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
        check_override(path_id=path_id, reason=reason, known_paths=known_paths)
        screening.override_path, screening.override_reason = path_id, reason.strip()
        screening.override_by, screening.override_at = by.id, now
    session.add(screening)


def check_override(*, path_id: str, reason: str, known_paths: frozenset[str]) -> None:
    """A ScreeningError unless the path is one of the content's and the reason is given (and
    held to the rule for typed text)."""
    if path_id not in known_paths:
        raise ScreeningError("Please choose one of the paths in the list.")
    problem = reason_problem(reason)
    if problem is not None:
        raise ScreeningError(problem)
    if not reason.strip():
        raise ScreeningError("Please say why you chose a different path: the reason is "
                             "kept beside the suggestion for whoever reads this later.")


def delete_screening(session: Session, *, screening: ClientScreening) -> None:
    session.exec(delete(ClientScreening).where(col(ClientScreening.id) == screening.id))
