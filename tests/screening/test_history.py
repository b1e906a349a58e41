"""The history chart layout: coordinates the SVG template draws, checked as numbers."""

from datetime import UTC, datetime, timedelta

import pytest

from recovery.screening.history import HistoryPoint, history_chart

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def point(days: int, severity: int | None = 4, mood: int | None = 2, anxiety: int | None = 1,
          flags: int = 0, severity_max: int = 10) -> HistoryPoint:
    return HistoryPoint(START + timedelta(days=days), severity, severity_max, mood, anxiety, flags)


def series(chart, key):
    return next(s for s in chart.series if s.key == key)


def test_points_are_ordered_oldest_first_and_evenly_spaced() -> None:
    chart = history_chart([point(20, severity=2), point(0, severity=8), point(10, severity=5)])
    xs = [x for x, _ in series(chart, "severity").points]
    assert xs == sorted(xs)
    assert xs[0] == chart.left and xs[-1] == chart.right
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    assert [t.label for t in chart.x_ticks] == ["05 Jan 2026", "15 Jan 2026", "25 Jan 2026"]


@pytest.mark.parametrize(("value", "expected_y"), [(0, "bottom"), (10, "top")])
def test_values_map_onto_the_vertical_axis(value: int, expected_y: str) -> None:
    chart = history_chart([point(0, severity=value), point(1, severity=value)])
    y = series(chart, "severity").points[0][1]
    assert y == {"bottom": chart.bottom, "top": chart.top}[expected_y]


def test_higher_scores_are_drawn_higher() -> None:
    chart = history_chart([point(0, severity=2), point(1, severity=7)])
    (_, y_low), (_, y_high) = series(chart, "severity").points
    assert y_high < y_low  # SVG y grows downwards


def test_a_single_screening_sits_in_the_middle() -> None:
    chart = history_chart([point(0)])
    assert series(chart, "mood").points == ((round((chart.left + chart.right) / 2, 1),
                                            series(chart, "mood").points[0][1]),)


def test_missing_values_leave_gaps_instead_of_zeroes() -> None:
    chart = history_chart([point(0, severity=None), point(1, severity=3)])
    assert len(series(chart, "severity").points) == 1
    assert len(series(chart, "mood").points) == 2


def test_scale_grows_to_fit_the_largest_value_and_ticks_cover_it() -> None:
    chart = history_chart([point(0, severity=11, severity_max=11, flags=14)])
    assert chart.y_max == 14
    assert chart.y_ticks[0].label == "0"
    assert int(chart.y_ticks[-1].label) <= 14 < int(chart.y_ticks[-1].label) + 5


def test_every_series_is_labelled() -> None:
    chart = history_chart([point(0)])
    assert {s.key for s in chart.series} == {"severity", "mood", "anxiety", "flags"}
    assert all(s.label for s in chart.series)


def test_no_screenings_gives_an_empty_chart() -> None:
    chart = history_chart([])
    assert all(s.points == () for s in chart.series)
    assert chart.x_ticks == ()
