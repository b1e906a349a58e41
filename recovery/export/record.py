"""The PDF summary of a client's saved screening, for the clinic's record: one or two pages.

`ScreeningRecord` is what it prints, gathered by the counselor workspace (its screenings
child): the client's code and clinic record number, the counselor, the date and time, the
content version, the results with their reasons, the flags, the suggested and the chosen path
with the reason, and the notes. `render_record_pdf` renders it
with templates/pdf/screening_record.html through the plans' renderer (renderer.py): the same
deny-by-default fetcher, cached stylesheets and fonts, and PDF/UA-1 tagging.

Every answer in words is on the screening's page, not in the PDF: with notes and a reason at their
maximum lengths, the longest screening (every step shown, every box ticked, every flag and path
raised) fills two pages without it (tests/counselor/test_screening_record.py). The suggested path
is printed with its reasons, the others by title. The notes and the reason are the only typed
text, and are held to that length whatever they hold (`printable`): like a plan's, they draw at
most `budget.MAX_EMOJI` emoji (the rest as a small box, not the plan's longer stand-in), and a
text of more than `MAX_LINES` lines prints its line breaks as " / ". Only text no one writes in
notes (thousands of wide letters in one word, say) could still fill a third page: then the
notes and the reason are shortened until the record fits, saying so (`fit_two_pages`).
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from weasyprint import Document

from recovery.export.budget import EMOJI, MAX_EMOJI
from recovery.export.layouts import PAPER_SIZES, long_date
from recovery.export.renderer import PdfRenderer, current_renderer, render_template
from recovery.screening.result import PathResult, ScaleResult, ScreeningResult

TITLE = "Screening record"
# A white square: one narrow glyph DejaVu draws (not one from Pango's costly emoji font).
EMOJI_STAND_IN = "\u25a1"
MAX_LINES = 30
MAX_PAGES = 2
# How much of the typed text is kept when the record would not fit otherwise, most first.
SHARES = (0.75, 0.5, 0.25, 0.0)
SHORTENED = " … [shortened to fit two pages: the screening's page holds all of it]"


@dataclass(frozen=True)
class ChosenPathRecord:
    """The counselor's own choice of path: its title, why, who chose it and when."""

    title: str
    reason: str
    chosen_by: str  # the counselor's display name ("" if the account is gone)
    chosen_at: datetime | None


@dataclass(frozen=True)
class ScreeningRecord:
    client_code: str
    record_number: str | None  # the clinic's own number, when it was given
    counselor: str  # who recorded the screening ("" if the account is gone)
    taken_at: datetime  # UTC
    content_version: str
    result: ScreeningResult
    chosen: ChosenPathRecord | None
    notes: str

    @property
    def suggested(self) -> PathResult | None:
        return self.result.paths[0] if self.result.paths else None


def render_record_pdf(record: ScreeningRecord, *, paper: str, today: date) -> bytes:
    """The record as a tagged PDF of at most two pages on `paper` (a4 or letter). Needs an app
    context."""
    if paper not in PAPER_SIZES:
        raise ValueError(f"unknown paper size {paper!r}")
    renderer = current_renderer()
    document = fit_two_pages(renderer, printable(record), paper=paper, printed=long_date(today))
    return renderer.write_pdf(document)


def fit_two_pages(renderer: PdfRenderer, record: ScreeningRecord, *, paper: str,
                  printed: str) -> Document:
    """The record rendered whole if it fits on MAX_PAGES, else with its typed text shortened
    by SHARES until it does (the last, with none of it, always fits)."""
    document = render_record(renderer, record, paper=paper, printed=printed)
    for share in SHARES:
        if len(document.pages) <= MAX_PAGES:
            break
        document = render_record(renderer, shortened(record, share), paper=paper,
                                 printed=printed)
    return document


def render_record(renderer: PdfRenderer, record: ScreeningRecord, *, paper: str,
                  printed: str) -> Document:
    html = render_template("pdf/screening_record.html", record=record, layout="record",
                           paper=paper, printed=printed, content_version=record.content_version,
                           title=TITLE, counted_areas=counted_areas)
    return renderer.render(html, paper)


def shortened(record: ScreeningRecord, share: float) -> ScreeningRecord:
    def cut(text: str) -> str:
        return text[:int(len(text) * share)] + SHORTENED if text else text

    chosen = record.chosen and replace(record.chosen, reason=cut(record.chosen.reason))
    return replace(record, notes=cut(record.notes), chosen=chosen)


def counted_areas(scale: ScaleResult) -> list[str]:
    """The areas a scale counted, each once, with how many of its questions counted: the
    reason for the score in a few words (every answer is on the screening's page)."""
    counts = Counter(evidence.area for evidence in scale.counted if evidence.area)
    return [f"{area} ({count})" if count > 1 else area for area, count in counts.items()]


def printable(record: ScreeningRecord) -> ScreeningRecord:
    """The record with its typed text (the notes, then the reason) held to what two pages can
    hold: emoji after the first MAX_EMOJI as a small box (each one drawn costs as much as 300
    letters), and more than MAX_LINES lines run together."""
    stand_in = emoji_stand_in()
    notes = tidy(record.notes, stand_in)  # first: the notes keep the emoji the budget allows
    chosen = record.chosen and replace(record.chosen, reason=tidy(record.chosen.reason, stand_in))
    return replace(record, notes=notes, chosen=chosen)


def emoji_stand_in() -> Callable[[re.Match[str]], str]:
    """For `EMOJI.sub`: the first MAX_EMOJI emoji it is given kept, EMOJI_STAND_IN for the rest."""
    seen = 0

    def one(match: re.Match[str]) -> str:
        nonlocal seen
        seen += 1
        return match.group() if seen <= MAX_EMOJI else EMOJI_STAND_IN

    return one


def tidy(text: str, stand_in: Callable[[re.Match[str]], str]) -> str:
    """`text` with its emoji through `stand_in`, and run together if it has over MAX_LINES lines."""
    lines = EMOJI.sub(stand_in, text).splitlines()
    return "\n".join(lines) if len(lines) <= MAX_LINES else " / ".join(
        line.strip() for line in lines if line.strip())
