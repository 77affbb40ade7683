"""Values over time: series told apart by more than colour, the target line, empty series and
single points, values off the scale, and the sparkline for table cells."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from coach.charts import Series, line_chart, sparkline
from coach.charts.line import PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT
from tests.unit.charts.svg_reading import find_all, parse, points, texts, tooltips

MAY, JUNE, JULY = date(2024, 5, 1), date(2024, 6, 1), date(2024, 7, 1)


def test_each_series_has_its_own_dash_pattern_and_marker_shape_as_well_as_colour() -> None:
    series = [Series(name, [(MAY, 0.2), (JUNE, 0.4)]) for name in ("A", "B", "C", "D")]
    root = parse(line_chart(series, chart_id="l", title="Progress"))
    lines = find_all(root, "polyline")
    looks = {(p.get("stroke"), p.get("stroke-dasharray")) for p in lines}
    assert len(lines) == 4 and len({dash for _, dash in looks}) == 4
    assert len({colour for colour, _ in looks}) == 4
    [drawn] = find_all(root, "g", "series")
    shapes = {
        frozenset(
            (m.tag, len(m.get("points", "").split()))  # a triangle is not a diamond
            for m in g.iter()
            if "point" in m.get("class", "")
        )
        for g in find_all(drawn, "g", "line")
    }
    assert len(shapes) == 4
    assert [t for t in texts(root) if t in "ABCD"] == ["A", "B", "C", "D"]  # legend


def test_points_sit_on_the_time_and_value_scales_with_a_tooltip_each() -> None:
    chart = line_chart(
        [Series("Compliance", [(JULY, 1.0), (MAY, 0.0), (JUNE, 0.5)])],
        chart_id="l",
        title="Progress",
        y_label="Estimate",
    )
    root = parse(chart)
    [line] = find_all(root, "polyline")
    (x0, y0), (x1, y1), (x2, y2) = points(line.get("points", ""))  # sorted by time
    assert (x0, x2) == (PLOT_LEFT, PLOT_RIGHT) and y0 == PLOT_BOTTOM
    assert x1 == pytest.approx(PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * 31 / 61, abs=0.01)
    assert y1 == pytest.approx((y0 + y2) / 2, abs=0.01)
    assert "Compliance, 2024-06-01: 0.50" in tooltips(root)
    assert chart.table.columns == ("Date", "Estimate")
    assert chart.table.rows == (
        ("2024-05-01", "0.00"),
        ("2024-06-01", "0.50"),
        ("2024-07-01", "1.00"),
    )
    assert chart.summary == "Compliance rose from 0.00 to 1.00 between 2024-05-01 and 2024-07-01."


def test_the_table_has_a_column_per_series_and_marks_missing_values() -> None:
    chart = line_chart(
        [Series("A", [(MAY, 0.25), (JUNE, 0.5)]), Series("B", [(JUNE, 0.75)])],
        chart_id="l",
        title="Progress",
    )
    assert chart.table.columns == ("Date", "A", "B")
    assert chart.table.rows == (("2024-05-01", "0.25", "—"), ("2024-06-01", "0.50", "0.75"))
    assert chart.summary == (
        "A rose from 0.25 to 0.50 between 2024-05-01 and 2024-06-01; B: 0.75 on 2024-06-01."
    )


def test_the_target_is_a_labelled_dashed_line_at_its_value() -> None:
    chart = line_chart(
        [Series("Score", [(MAY, 40), (JUNE, 90)])],
        chart_id="l",
        title="Scores",
        y_range=(0, 100),
        target=80,
    )
    root = parse(chart)
    [target] = find_all(root, "line", "target")
    [line] = find_all(root, "polyline")
    (_, low), (_, high) = points(line.get("points", ""))
    assert float(target.get("y1", "")) == pytest.approx(low + (high - low) * (80 - 40) / 50)
    assert target.get("stroke-dasharray")
    assert "Target 80" in texts(root)
    assert chart.summary.endswith("Target 80.")
    assert chart.table.rows == (("2024-05-01", "40"), ("2024-06-01", "90"))


def test_no_points_at_all_still_make_a_chart_that_says_so() -> None:
    chart = line_chart([Series("A", []), Series("B", [])], chart_id="l", title="Progress")
    root = parse(chart)
    assert chart.summary == "No data yet."
    assert "No data yet" in texts(root)
    assert not find_all(root, "polyline")
    assert chart.table.rows == ()
    assert line_chart([], chart_id="l", title="Progress").summary == "No data yet."


def test_a_single_point_is_a_mark_in_the_middle_without_a_line() -> None:
    chart = line_chart(
        [Series("A", [(datetime(2024, 5, 1, 9, 30, tzinfo=UTC), 0.5)])],
        chart_id="l",
        title="Progress",
    )
    root = parse(chart)
    assert not find_all(root, "polyline")
    [drawn] = find_all(root, "g", "series")
    [mark] = find_all(drawn, "circle")
    assert float(mark.get("cx", "")) == pytest.approx((PLOT_LEFT + PLOT_RIGHT) / 2)
    assert chart.summary == "A: 0.50 on 2024-05-01 09:30."
    assert chart.table.rows == (("2024-05-01 09:30", "0.50"),)


def test_values_off_the_scale_are_drawn_at_its_edge_and_listed_as_they_are() -> None:
    chart = line_chart([Series("A", [(MAY, -0.5), (JUNE, 1.5)])], chart_id="l", title="Progress")
    [line] = find_all(parse(chart), "polyline")
    (_, bottom), (_, top) = points(line.get("points", ""))
    assert bottom == PLOT_BOTTOM and top < bottom
    assert [row[1] for row in chart.table.rows] == ["-0.50", "1.50"]


def test_dates_and_naive_or_aware_datetimes_share_one_axis() -> None:
    chart = line_chart(
        [
            Series("A", [(MAY, 0.1)]),
            Series("B", [(datetime(2024, 5, 15, 12, 0), 0.2)]),
            Series("C", [(datetime(2024, 6, 1, tzinfo=UTC), 0.3)]),
        ],
        chart_id="l",
        title="Progress",
    )
    assert [row[0] for row in chart.table.rows] == [
        "2024-05-01",
        "2024-05-15 12:00",
        "2024-06-01 00:00",
    ]


@pytest.mark.parametrize("bad", [{"y_range": (1.0, 0.0)}, {"y_range": (0.0, float("inf"))}])
def test_a_scale_that_does_not_run_low_to_high_is_refused(bad: dict) -> None:
    with pytest.raises(ValueError, match="y_range"):
        line_chart([], chart_id="l", title="Progress", **bad)


def test_sparkline_breaks_at_missing_values_and_marks_the_latest() -> None:
    chart = sparkline([0.2, 0.4, None, 0.5, 0.8], chart_id="s", title="Tone trend")
    root = parse(chart)
    runs = [points(p.get("points", "")) for p in find_all(root, "polyline")]
    assert [len(run) for run in runs] == [2, 2]  # the gap at the third value
    [latest] = find_all(root, "circle")
    assert (float(latest.get("cx", "")), float(latest.get("cy", ""))) == runs[-1][-1]
    assert runs[0][0][1] > runs[-1][-1][1]  # 0.2 drawn lower than 0.8
    assert chart.summary == "Rose from 0.20 to 0.80 over 4 values."
    assert chart.table.rows == (
        ("1", "0.20"),
        ("2", "0.40"),
        ("3", "—"),
        ("4", "0.50"),
        ("5", "0.80"),
    )
    assert parse(chart).get("width") == "6em"


def test_sparkline_labels_head_the_rows_and_must_match_the_values() -> None:
    chart = sparkline(
        [70, 60], chart_id="s", title="Score", y_range=(0, 100), labels=["Week 1", "Week 2"]
    )
    assert chart.table.columns == ("When", "Value")
    assert chart.table.rows == (("Week 1", "70"), ("Week 2", "60"))
    assert chart.summary == "Fell from 70 to 60 over 2 values."
    with pytest.raises(ValueError, match="labels"):
        sparkline([1.0], chart_id="s", title="Score", labels=["a", "b"])


@pytest.mark.parametrize(
    ("values", "summary", "dots"),
    [
        ([], "No data yet.", 0),
        ([None, None], "No data yet.", 0),
        ([0.4], "One value: 0.40.", 1),
        ([0.3, None, 0.3], "Steady at 0.30 over 2 values.", 2),
    ],
)
def test_sparkline_of_few_values(values: list[float | None], summary: str, dots: int) -> None:
    chart = sparkline(values, chart_id="s", title="Trend", y_range=None)
    root = parse(chart)
    assert chart.summary == summary
    assert len(find_all(root, "circle")) == dots
    assert not find_all(root, "polyline")
