"""A client's screenings over time, laid out for server-drawn SVG charts. Pure.

Three small charts share one time axis, so a screening sits where it was taken and a year's gap
looks like a year (never evenly spaced events):

- the use checklist, one line per substance, as a share of that substance's checklist (ketamine's
  has 10 areas, alcohol's 11): a ketamine screening and a later alcohol one are two lines, never
  one line that looks like a relapse;
- low mood and anxiety, each as a share of its own maximum;
- flags, as marks with their number (crisis ones drawn apart), never a line on a score axis.

Each line has its own colour, dash pattern and marker shape (`style`), which the legend draws
too. This module only works out coordinates; a template draws them, and the same numbers are in
a table beside the charts, so nothing depends on seeing the picture.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WIDTH = 480
LEFT, RIGHT = 44, WIDTH - 14
# Points keep clear of the axis ends; the first and last screening sit just inside them.
INSET = 14
# Date labels: at most this many, at this font size (the template uses it too).
MAX_TIME_TICKS = 4
FONT_SIZE = 13
# Wide enough for any character of our labels at FONT_SIZE (digits and letters ~0.6 em).
CHAR_WIDTH = 0.62 * FONT_SIZE
# Styles available to lines in one chart (colour, dash, marker: see app.css and the template).
STYLES = 6
SHARE_TICKS = (0, 25, 50, 75, 100)

XAt = Callable[[datetime], float]  # a moment's place on the time axis


@dataclass(frozen=True)
class HistoryPoint:
    """One screening, as the charts and the table read it."""

    taken_at: datetime
    substance: str  # the option id, e.g. "ketamine"
    substance_name: str  # short, for legends and the table: "Ketamine"
    severity: int | None  # None when the checklist did not apply (no use in 12 months)
    severity_max: int
    mood: int | None
    mood_max: int
    anxiety: int | None
    anxiety_max: int
    flags: int
    at_risk: bool


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    label_x: float = 0.0  # where the label's middle goes: kept inside the chart


@dataclass(frozen=True)
class Series:
    """One line: its points, drawn as runs (a screening without a value breaks the line)."""

    style: int  # 1..STYLES
    label: str
    runs: tuple[tuple[tuple[float, float], ...], ...]

    @property
    def points(self) -> tuple[tuple[float, float], ...]:
        return tuple(point for run in self.runs for point in run)


@dataclass(frozen=True)
class Panel:
    """One chart with a share (0 to 100 %) vertical axis."""

    key: str
    height: int
    top: int
    bottom: int
    series: tuple[Series, ...]
    y_ticks: tuple[Tick, ...]


@dataclass(frozen=True)
class FlagMark:
    x: float
    count: int
    at_risk: bool


@dataclass(frozen=True)
class HistoryCharts:
    width: int
    left: int
    right: int
    font_size: int
    x_ticks: tuple[Tick, ...]
    checklist: Panel
    scores: Panel
    flags: tuple[FlagMark, ...]
    first: datetime
    last: datetime


def history_charts(points: Sequence[HistoryPoint]) -> HistoryCharts:
    """Lay out `points` (any order, at least one) on one time axis."""
    if not points:
        raise ValueError("no screenings to chart")
    ordered = sorted(points, key=lambda p: p.taken_at)
    start, end = time_domain(ordered[0].taken_at, ordered[-1].taken_at)
    x_at = x_scale(start, end)
    return HistoryCharts(
        width=WIDTH, left=LEFT, right=RIGHT, font_size=FONT_SIZE,
        x_ticks=tuple(Tick(x_at(moment), label, label_inside(x_at(moment), label))
                      for moment, label in time_ticks(start, end)),
        checklist=share_panel("checklist", 190, checklist_series(ordered, x_at)),
        scores=share_panel("scores", 190, score_series(ordered, x_at)),
        flags=tuple(FlagMark(x_at(p.taken_at), p.flags, p.at_risk) for p in ordered),
        first=ordered[0].taken_at, last=ordered[-1].taken_at)


# --- The time axis -----------------------------------------------------------------------------


def x_scale(start: datetime, end: datetime) -> XAt:
    """Where a moment from `start` to `end` goes across the charts, inside their insets."""
    span = (end - start).total_seconds()

    def x_at(moment: datetime) -> float:
        share = (moment - start).total_seconds() / span
        return round(LEFT + INSET + share * (RIGHT - LEFT - 2 * INSET), 1)

    return x_at


def time_domain(first: datetime, last: datetime) -> tuple[datetime, datetime]:
    """The stretch of time the axis covers: the screenings', or at least three days around
    them, so one screening (or several on one day) sits in the middle."""
    if last - first >= timedelta(days=2):
        return first, last
    middle = first + (last - first) / 2
    return middle - timedelta(days=1.5), middle + timedelta(days=1.5)


# (count, unit) from the finest: the first that gives at most MAX_TIME_TICKS dates is used.
TICK_STEPS = ((1, "day"), (2, "day"), (7, "day"), (14, "day"), (1, "month"), (2, "month"),
              (3, "month"), (6, "month"), (1, "year"), (2, "year"), (5, "year"), (10, "year"))


def time_ticks(start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """Round dates between `start` and `end`, labelled by day, month or year."""
    for count, unit in TICK_STEPS:
        found = [moment for moment in tick_moments(start, end, count, unit) if moment <= end]
        if len(found) <= MAX_TIME_TICKS:
            return [(moment, tick_label(moment, unit)) for moment in found]
    return []  # beyond 40 years: unreachable in practice, and the table has the dates


def tick_moments(start: datetime, end: datetime, count: int, unit: str) -> Iterator[datetime]:
    """Every `count` days (at midday: the label names the day), months or years (their first
    day) from `start`, stopping after MAX_TIME_TICKS + 1 so a fine step costs nothing."""
    moment = first_tick(start, count, unit)
    for _ in range(MAX_TIME_TICKS + 1):
        if moment > end:
            return
        yield moment
        moment = (moment + timedelta(days=count) if unit == "day"
                  else add_months(moment, count * (12 if unit == "year" else 1)))


def first_tick(start: datetime, count: int, unit: str) -> datetime:
    """The first tick from `start` on: a midday, or the first of a month that is on the step."""
    moment = start.astimezone(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    if unit == "day":
        return moment + timedelta(days=1) if moment < start else moment
    moment = moment.replace(day=1, hour=0)
    while moment < start or not on_step(moment, count, unit):
        moment = add_months(moment, 1)
    return moment


def on_step(moment: datetime, count: int, unit: str) -> bool:
    if unit == "year":
        return moment.month == 1 and moment.year % count == 0
    return (moment.month - 1) % count == 0


def add_months(moment: datetime, months: int) -> datetime:
    """The first of the month `months` later (ticks are always on a first)."""
    index = moment.year * 12 + moment.month - 1 + months
    return moment.replace(year=index // 12, month=index % 12 + 1, day=1)


def tick_label(moment: datetime, unit: str) -> str:
    if unit == "day":
        return f"{moment.day} {moment:%b %Y}"
    return f"{moment:%b %Y}" if unit == "month" else f"{moment:%Y}"


def label_inside(x: float, label: str) -> float:
    """Where a label centred under `x` goes so it isn't cut off at either edge of the chart."""
    half = len(label) * CHAR_WIDTH / 2
    return round(min(max(x, half + 2), WIDTH - half - 2), 1)


# --- The charts --------------------------------------------------------------------------------


def share_panel(key: str, height: int, series: tuple[Series, ...]) -> Panel:
    top, bottom = 12, height - 34
    ticks = tuple(Tick(share_y(share / 100, top, bottom), f"{share}%") for share in SHARE_TICKS)
    return Panel(key=key, height=height, top=top, bottom=bottom,
                 series=tuple(Series(s.style, s.label, tuple(
                     tuple((x, share_y(y, top, bottom)) for x, y in run) for run in s.runs))
                     for s in series),
                 y_ticks=ticks)


def share_y(share: float, top: int, bottom: int) -> float:
    return round(bottom - min(max(share, 0.0), 1.0) * (bottom - top), 1)


def checklist_series(ordered: list[HistoryPoint], x_at: XAt) -> tuple[Series, ...]:
    """One series per substance, in the order each first appears; y is a share (0 to 1)."""
    substances = list(dict.fromkeys(p.substance for p in ordered))
    found = []
    for index, substance in enumerate(substances):
        own = [p for p in ordered if p.substance == substance]
        latest = own[-1]
        found.append(Series(
            style=index % STYLES + 1,
            label=f"{latest.substance_name} (share of {latest.severity_max} areas)",
            runs=runs([(x_at(p.taken_at), share(p.severity, p.severity_max)) for p in own])))
    return tuple(found)


def score_series(ordered: list[HistoryPoint], x_at: XAt) -> tuple[Series, ...]:
    latest = ordered[-1]
    return (
        Series(1, f"Low mood (share of {latest.mood_max})", runs(
            [(x_at(p.taken_at), share(p.mood, p.mood_max)) for p in ordered])),
        Series(2, f"Anxiety (share of {latest.anxiety_max})", runs(
            [(x_at(p.taken_at), share(p.anxiety, p.anxiety_max)) for p in ordered])),
    )


def share(value: int | None, maximum: int) -> float | None:
    return None if value is None or maximum <= 0 else value / maximum


def runs(points: list[tuple[float, float | None]]) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The points split where a value is missing, so the line has a gap there, not a zero."""
    found: list[list[tuple[float, float]]] = [[]]
    for x, y in points:
        if y is None:
            found.append([])
        else:
            found[-1].append((x, y))
    return tuple(tuple(run) for run in found if run)
