"""Horizontal bars: lengths to scale, stacked segments told apart by pattern and a legend,
totals written beside the bars, and the same numbers in the table."""

from __future__ import annotations

import pytest

from coach.charts import Bar, bar_chart
from coach.charts.bar import BAR_LEFT, BAR_RIGHT
from tests.unit.charts.svg_reading import find_all, parse, texts, tooltips

SPAN = BAR_RIGHT - BAR_LEFT
SEVERITIES = ("critical", "major", "minor")


def test_plain_bars_are_as_long_as_their_share_of_the_largest() -> None:
    chart = bar_chart(
        [Bar("Rule 7", (12,)), Bar("Rule 3", (6,)), Bar("Rule 9", (0,))],
        chart_id="b",
        title="Top rules broken",
        label_name="Rule",
    )
    root = parse(chart)
    widths = [float(r.get("width", "")) for r in find_all(root, "rect", "segment")]
    assert widths == pytest.approx([SPAN, SPAN / 2])  # a zero draws nothing
    assert [t.text for t in find_all(root, "text", "total")] == ["12", "6", "0"]
    assert not find_all(root, "g", "legend")  # one segment needs no legend
    assert chart.table.columns == ("Rule", "Count")
    assert chart.table.rows == (("Rule 7", "12"), ("Rule 3", "6"), ("Rule 9", "0"))
    assert chart.summary == "Largest of 3: Rule 7 12; Rule 3 6; Rule 9 0."


def test_stacked_segments_differ_by_pattern_have_a_legend_and_add_up() -> None:
    chart = bar_chart(
        [Bar("FDCPA 805(c)", (5, 4, 3)), Bar("Reg F 1006.14", (0, 6, 3))],
        chart_id="b",
        title="Top rules broken",
        segments=SEVERITIES,
        label_name="Rule",
        max_value=24,
    )
    root = parse(chart)
    segments = find_all(root, "rect", "segment")
    assert [float(r.get("width", "")) for r in segments] == pytest.approx(
        [SPAN * v / 24 for v in (5, 4, 3, 6, 3)]
    )
    x = [float(r.get("x", "")) for r in segments]
    assert x[1] == pytest.approx(x[0] + SPAN * 5 / 24)  # stacked end to end
    patterns = find_all(root, "pattern")
    assert len(patterns) == 3
    drawn = [sorted(child.tag.rsplit("}", 1)[1] for child in pattern) for pattern in patterns]
    assert len({tuple(d) for d in drawn}) == 3  # solid, hatched, dotted: not colour alone
    assert {t for t in texts(root) if t in SEVERITIES} == set(SEVERITIES)  # the legend
    assert "FDCPA 805(c), major: 4" in tooltips(root)
    assert chart.table.columns == ("Rule", "critical", "major", "minor", "Total")
    assert chart.table.rows == (
        ("FDCPA 805(c)", "5", "4", "3", "12"),
        ("Reg F 1006.14", "0", "6", "3", "9"),
    )
    assert chart.summary == (
        "Largest of 2: FDCPA 805(c) 12 (critical 5, major 4, minor 3); "
        "Reg F 1006.14 9 (critical 0, major 6, minor 3)."
    )


def test_the_summary_names_the_three_largest_whatever_the_order() -> None:
    bars = [Bar(name, (n,)) for name, n in (("a", 1), ("b", 5), ("c", 3), ("d", 4))]
    chart = bar_chart(bars, chart_id="b", title="T")
    assert chart.summary == "Largest of 4: b 5; d 4; c 3."
    assert [row[0] for row in chart.table.rows] == ["a", "b", "c", "d"]  # as given


def test_no_bars_still_make_a_chart() -> None:
    chart = bar_chart([], chart_id="b", title="T", segments=SEVERITIES)
    assert chart.summary == "No data yet."
    assert "No data yet." in texts(parse(chart))
    assert chart.table.rows == ()


def test_fractions_show_one_decimal() -> None:
    chart = bar_chart([Bar("a", (2.5,)), Bar("b", (2.0,))], chart_id="b", title="T")
    assert chart.table.rows == (("a", "2.5"), ("b", "2"))


@pytest.mark.parametrize(
    ("bar", "message"),
    [
        (Bar("a", (1, 2)), "2 values for 1 segments"),
        (Bar("a", (-1,)), "negative"),
        (Bar("a", (float("nan"),)), "finite"),
    ],
)
def test_bad_bars_are_refused(bar: Bar, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        bar_chart([bar], chart_id="b", title="T")
