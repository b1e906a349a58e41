"""The history charts' layout: coordinates the SVG template draws, checked as numbers."""

from datetime import UTC, datetime, timedelta

import pytest

from recovery.screening.history import (
    CHAR_WIDTH,
    MAX_TIME_TICKS,
    WIDTH,
    HistoryCharts,
    HistoryPoint,
    Series,
    history_charts,
    time_ticks,
)

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def point(days: float, severity: int | None = 4, *, substance: str = "ketamine",
          severity_max: int = 10, mood: int | None = 2, anxiety: int | None = 1,
          flags: int = 0, at_risk: bool = False) -> HistoryPoint:
    return HistoryPoint(START + timedelta(days=days), substance, substance.capitalize(),
                        severity, severity_max, mood, 6, anxiety, 6, flags, at_risk)


def line(charts: HistoryCharts, name: str) -> Series:
    return next(s for s in charts.checklist.series + charts.scores.series
                if s.label.startswith(name))


def test_each_substance_is_its_own_line_never_one_that_looks_like_a_relapse() -> None:
    charts = history_charts([point(0, 0), point(30, 7, substance="alcohol", severity_max=11)])
    ketamine, alcohol = charts.checklist.series
    assert ketamine.label == "Ketamine (share of 10 areas)"
    assert alcohol.label == "Alcohol (share of 11 areas)"
    assert len(ketamine.points) == 1 and len(alcohol.points) == 1
    assert ketamine.style != alcohol.style
    # 7 of 11 is drawn as 7/11 of the way up, 0 of 10 on the floor.
    panel = charts.checklist
    assert ketamine.points[0][1] == panel.bottom
    assert alcohol.points[0][1] == pytest.approx(panel.bottom - 7 / 11 * (panel.bottom - panel.top),
                                                abs=0.1)


def test_points_sit_at_their_dates_not_evenly_spaced() -> None:
    charts = history_charts([point(0), point(1 + 2), point(90)])
    xs = [x for x, _ in line(charts, "Ketamine").points]
    assert xs == sorted(xs)
    assert (xs[1] - xs[0]) * 29 == pytest.approx(xs[2] - xs[1], rel=0.02)
    assert charts.left < xs[0] and xs[-1] < charts.right


def test_order_of_the_input_does_not_matter() -> None:
    shuffled = history_charts([point(20, 2), point(0, 8), point(10, 5)])
    ordered = history_charts([point(0, 8), point(10, 5), point(20, 2)])
    assert shuffled == ordered


def test_scores_are_shares_of_their_own_maximum() -> None:
    charts = history_charts([point(0, mood=6, anxiety=0), point(5, mood=3, anxiety=3)])
    panel = charts.scores
    mood, anxiety = line(charts, "Low mood"), line(charts, "Anxiety")
    assert mood.points[0][1] == panel.top and anxiety.points[0][1] == panel.bottom
    assert mood.points[1][1] == anxiety.points[1][1] == (panel.top + panel.bottom) / 2
    assert [t.label for t in panel.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]


def test_missing_values_break_the_line_instead_of_dropping_to_zero() -> None:
    charts = history_charts([point(0, 3), point(10, None), point(20, 5)])
    ketamine = line(charts, "Ketamine")
    assert len(ketamine.runs) == 2 and len(ketamine.points) == 2
    assert all(y < charts.checklist.bottom for _, y in ketamine.points)
    assert len(line(charts, "Low mood").runs) == 1  # mood was asked every time


def test_flags_are_marks_with_their_number_not_a_line() -> None:
    charts = history_charts([point(0, flags=0), point(7, flags=3, at_risk=True), point(9, flags=1)])
    assert [(m.count, m.at_risk) for m in charts.flags] == [(0, False), (3, True), (1, False)]
    lines = charts.checklist.series + charts.scores.series
    assert not any("flag" in s.label.lower() for s in lines)


@pytest.mark.parametrize(("days", "labels"), [
    (0, ["4 Jan 2026", "5 Jan 2026", "6 Jan 2026"]),
    (6, ["5 Jan 2026", "7 Jan 2026", "9 Jan 2026"]),
    (80, ["Feb 2026", "Mar 2026"]),
    (700, ["Jul 2026", "Jan 2027", "Jul 2027"]),
    (3650, ["2030", "2035"]),
])
def test_date_labels_are_round_dates_and_few(days: int, labels: list[str]) -> None:
    charts = history_charts([point(0), point(days)])
    assert [t.label for t in charts.x_ticks] == labels


def test_a_single_screening_sits_in_the_middle_with_its_date() -> None:
    charts = history_charts([point(0)])
    x, _ = line(charts, "Ketamine").points[0]
    assert x == pytest.approx((charts.left + charts.right) / 2, abs=12)
    assert "5 Jan 2026" in [t.label for t in charts.x_ticks]


@pytest.mark.parametrize("days", [0, 1, 3, 13, 40, 200, 365, 1000, 5000])
def test_no_date_label_is_cut_off_or_overlaps_another(days: int) -> None:
    charts = history_charts([point(0), point(days)])
    halves = [(t.label_x, len(t.label) * CHAR_WIDTH / 2) for t in charts.x_ticks]
    extents = [(x - half, x + half) for x, half in halves]
    assert 0 < len(extents) <= MAX_TIME_TICKS
    assert all(0 <= start and end <= WIDTH for start, end in extents)
    assert all(a[1] < b[0] for a, b in zip(extents, extents[1:], strict=False))


def test_ticks_stay_within_the_screenings_time() -> None:
    start, end = START, START + timedelta(days=400)
    assert all(start <= moment <= end for moment, _label in time_ticks(start, end))


def test_more_substances_than_styles_reuse_styles_in_order() -> None:
    names = ["a", "b", "c", "d", "e", "f", "g"]
    charts = history_charts([point(i, substance=name) for i, name in enumerate(names)])
    assert [s.style for s in charts.checklist.series] == [1, 2, 3, 4, 5, 6, 1]


def test_no_screenings_is_refused() -> None:
    with pytest.raises(ValueError):
        history_charts([])
