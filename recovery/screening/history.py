"""A client's screenings over time, laid out for a server-rendered SVG chart. Pure.

The chart shows the use-checklist count, the mood and anxiety scores and the number of flags at
each screening. This module only works out coordinates; a template draws them, and the same
points are shown as a table beside the chart, so nothing depends on seeing the picture.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HistoryPoint:
    taken_at: datetime
    severity: int | None  # None when the checklist did not apply (no use in 12 months)
    severity_max: int
    mood: int | None
    anxiety: int | None
    flags: int


@dataclass(frozen=True)
class Series:
    key: str  # "severity" | "mood" | "anxiety" | "flags"
    label: str
    points: tuple[tuple[float, float], ...]  # (x, y) in SVG units; gaps where a value is None


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    bottom: int
    top: int
    right: int
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    y_max: int


SERIES_LABELS = {
    "severity": "Use checklist count",
    "mood": "Low mood score (0 to 6)",
    "anxiety": "Anxiety score (0 to 6)",
    "flags": "Number of flags",
}


def history_chart(points: Sequence[HistoryPoint], *, width: int = 640, height: int = 260
                  ) -> Chart:
    """Lay out the points oldest first, evenly spaced (screenings are events, not a timeline)."""
    left, right, top, bottom = 36, width - 12, 12, height - 40
    ordered = sorted(points, key=lambda p: p.taken_at)
    values = [v for p in ordered for v in (p.severity, p.mood, p.anxiety, p.flags)
              if v is not None]
    y_max = max([6, *values, *(p.severity_max for p in ordered)])

    def x_at(index: int) -> float:
        if len(ordered) == 1:
            return (left + right) / 2
        return left + index * (right - left) / (len(ordered) - 1)

    def y_at(value: int) -> float:
        return bottom - value * (bottom - top) / y_max

    series = []
    for key, label in SERIES_LABELS.items():
        coords = tuple(
            (round(x_at(i), 1), round(y_at(value), 1))
            for i, p in enumerate(ordered)
            if (value := getattr(p, key)) is not None
        )
        series.append(Series(key, label, coords))
    step = 2 if y_max <= 12 else 5
    y_ticks = tuple(Tick(round(y_at(v), 1), str(v)) for v in range(0, y_max + 1, step))
    x_ticks = tuple(Tick(round(x_at(i), 1), p.taken_at.strftime("%d %b %Y"))
                    for i, p in enumerate(ordered))
    return Chart(width=width, height=height, left=left, bottom=bottom, top=top, right=right,
                 series=tuple(series), x_ticks=x_ticks, y_ticks=y_ticks, y_max=y_max)
