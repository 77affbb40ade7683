"""The skill radar: where values land, skills without evidence, the bar layout for fewer than
three skills, and the summary and table saying what the picture shows."""

from __future__ import annotations

import math

import pytest

from coach.charts import RadarAxis, radar
from coach.charts.radar import CENTRE, RADIUS
from tests.unit.charts.svg_reading import find_all, parse, points, texts, tooltips

CX, CY = CENTRE


def close(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return math.dist(a, b) < 0.01


def test_value_one_on_the_first_axis_is_at_the_top_on_the_outer_ring() -> None:
    chart = radar(
        [
            RadarAxis("A", 1.0, 1.0),
            RadarAxis("B", 0.5, 0.5),
            RadarAxis("C", 0.5, 0.5),
            RadarAxis("D", 0.0, 0.5),
        ],
        chart_id="r",
        title="Skills",
    )
    root = parse(chart)
    [area] = find_all(root, "polygon", "estimate-area")
    top, right, bottom, left = points(area.get("points", ""))
    assert close(top, (CX, CY - RADIUS))  # axis 0 points up, value 1 at the rim
    assert close(right, (CX + RADIUS / 2, CY))  # clockwise: axis 1 points right, 0.5 halfway
    assert close(bottom, (CX, CY + RADIUS / 2))
    assert close(left, (CX, CY))  # 0 is the centre
    [target] = find_all(root, "polygon", "target")
    assert close(points(target.get("points", ""))[3], (CX - RADIUS / 2, CY))
    assert "stroke-dasharray" in target.attrib and target.get("fill") == "none"


def test_marks_sit_where_the_values_are() -> None:
    axes = [
        RadarAxis(name, value, 0.5)
        for name, value in zip("ABCDE", (0.2, 0.4, 0.6, 0.8, 1.0), strict=True)
    ]
    root = parse(radar(axes, chart_id="r", title="Skills"))
    [group] = find_all(root, "g", "marks")
    marks = find_all(group, "circle", "point")
    centres = [(float(m.get("cx", "")), float(m.get("cy", ""))) for m in marks]
    distances = [math.dist(c, CENTRE) / RADIUS for c in centres]
    assert distances == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0], abs=1e-3)


def test_a_skill_without_evidence_is_a_hollow_mark_and_a_gap_not_a_zero() -> None:
    axes = [
        RadarAxis("A", 0.6, 0.8),
        RadarAxis("B", None, 0.7),
        RadarAxis("C", 0.9, 0.7),
        RadarAxis("D", 0.5, 0.6),
    ]
    chart = radar(axes, chart_id="r", title="Skills")
    root = parse(chart)
    [area] = find_all(root, "polygon", "estimate-area")
    assert len(points(area.get("points", ""))) == 3  # B is no vertex: not drawn as 0
    edges = find_all(root, "line", "estimate-edge")
    assert len(edges) == 2  # C-D and D-A; the outline breaks at B
    [marks] = find_all(root, "g", "marks")
    hollow = [m for m in find_all(marks, "circle", "point") if m.get("fill") == "#ffffff"]
    assert len(hollow) == 1 and "stroke-dasharray" in hollow[0].attrib
    assert "B: not enough evidence (target 0.70)" in tooltips(root)
    assert "not enough evidence" in texts(root)
    assert chart.table.rows[1] == ("B", "not enough evidence", "0.70", "—")
    assert chart.summary.endswith("Not enough evidence yet for B.")


def test_the_summary_names_the_largest_gaps_first() -> None:
    axes = [
        RadarAxis("Tone", 0.9, 0.7),
        RadarAxis("Empathy", 0.6, 0.7),
        RadarAxis("Compliance", 0.58, 0.8),
        RadarAxis("Structure", 0.7, 0.7),
    ]
    chart = radar(axes, chart_id="r", title="Skills")
    assert chart.summary == (
        "Largest gaps: Compliance 0.22 below target, Empathy 0.10 below target."
    )
    on_target = radar(axes[:1] + axes[3:] + [RadarAxis("X", 0.8, 0.8)], chart_id="r", title="S")
    assert on_target.summary == "All 3 skills with evidence are on or above target."


def test_the_table_carries_the_numbers_the_picture_shows() -> None:
    axes = [
        RadarAxis("Tone", 0.9, 0.7),
        RadarAxis("Empathy", 0.6, 0.75),
        RadarAxis("Compliance", 0.58, 0.8),
    ]
    chart = radar(axes, chart_id="r", title="Skills")
    assert chart.table.columns == ("Skill", "Estimate", "Target", "Gap")
    assert chart.table.rows == (
        ("Tone", "0.90", "0.70", "0.20 above"),
        ("Empathy", "0.60", "0.75", "0.15 below"),
        ("Compliance", "0.58", "0.80", "0.22 below"),
    )
    root = parse(chart)
    shown = texts(root)
    for name, estimate, target, gap in chart.table.rows:
        assert name in shown and estimate in shown
        assert f"{name}: {estimate}, target {target}, {gap}" in tooltips(root)
    [area] = find_all(root, "polygon", "estimate-area")
    drawn = [math.dist(p, CENTRE) / RADIUS for p in points(area.get("points", ""))]
    assert [f"{d:.2f}" for d in drawn] == [row[1] for row in chart.table.rows]


@pytest.mark.parametrize("count", [1, 2])
def test_fewer_than_three_skills_draw_as_bars_with_the_target_marked(count: int) -> None:
    axes = [RadarAxis("Tone", 0.5, 0.7), RadarAxis("Empathy", None, 0.6)][:count]
    chart = radar(axes, chart_id="r", title="Skills")
    root = parse(chart)
    assert not find_all(root, "polygon", "estimate-area")
    [bar] = find_all(root, "rect", "estimate-bar")
    track = float(bar.get("width", "")) / 0.5
    targets = find_all(root, "line", "target")
    assert len(targets) == count
    assert float(targets[0].get("x1", "")) - float(bar.get("x", "")) == pytest.approx(0.7 * track)
    assert len(find_all(root, "rect", "estimate-missing")) == count - 1
    assert len(chart.table.rows) == count


def test_no_skills_still_make_a_chart() -> None:
    chart = radar([], chart_id="r", title="Skills")
    assert chart.summary == "No skills to show."
    assert chart.table.rows == ()
    assert "No skills to show." in texts(parse(chart))


def test_long_labels_are_cut_in_the_picture_but_whole_in_the_table_and_tooltip() -> None:
    long = "Acknowledging the debtor's circumstances"
    chart = radar([RadarAxis(long, 0.5, 0.5)] * 3, chart_id="r", title="Skills")
    root = parse(chart)
    assert long not in texts(root) and any(t.endswith("…") for t in texts(root))
    assert chart.table.rows[0][0] == long
    assert any(t.startswith(long) for t in tooltips(root))


@pytest.mark.parametrize(
    ("value", "target"), [(1.2, 0.5), (-0.1, 0.5), (0.5, 1.5), (float("nan"), 0.5)]
)
def test_values_outside_zero_to_one_are_refused(value: float, target: float) -> None:
    with pytest.raises(ValueError, match="Tone"):
        RadarAxis("Tone", value, target)
