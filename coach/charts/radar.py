"""The skill radar: each skill's estimate (a filled shape) against its target (a dashed
outline). A radar of fewer than three axes is meaningless, so those draw as bars instead."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from coach.charts.heat import gap_text
from coach.charts.palette import AXIS, COLOURS, GRID, INK, MUTED, TARGET_DASH, WHITE, marker
from coach.charts.svg import (
    NO_VALUE,
    Chart,
    ChartTable,
    check_finite,
    check_id,
    clip,
    document,
    el,
    group,
    legend,
    num,
    text,
    tooltip,
)

WIDTH, HEIGHT = 560.0, 420.0
CENTRE = (280.0, 230.0)
RADIUS = 130.0
LABEL_CHARS = 17
LINE = 14.0  # px between the lines of an axis label
ESTIMATE = COLOURS[0]
RINGS = (0.25, 0.5, 0.75, 1.0)
# The bar layout (fewer than three axes): label column, track, rows.
BAR_LEFT, BAR_RIGHT, BAR_ROW = 170.0, 480.0, 44.0
NOT_ENOUGH = "not enough evidence"


@dataclass(frozen=True)
class RadarAxis:
    """One skill: ``value`` is the estimate in 0..1 (``None``: not enough evidence) and
    ``target`` the level it should reach, in 0..1."""

    label: str
    value: float | None
    target: float

    def __post_init__(self) -> None:
        for what, number in (("value", self.value), ("target", self.target)):
            if number is not None and not 0 <= check_finite(number, f"{self.label!r}: {what}") <= 1:
                raise ValueError(f"{self.label!r}: {what} {number} is outside 0..1")

    @property
    def gap(self) -> float | None:
        """Target - estimate (positive: below target); ``None`` without evidence."""
        return None if self.value is None else self.target - self.value


def point(index: int, count: int, value: float) -> tuple[float, float]:
    """Where ``value`` sits on axis ``index`` of ``count``: axis 0 points straight up and
    the others follow clockwise; 0 is the centre and 1 the outer ring."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    cx, cy = CENTRE
    return cx + RADIUS * value * math.cos(angle), cy + RADIUS * value * math.sin(angle)


def radar(axes: Sequence[RadarAxis], *, chart_id: str, title: str) -> Chart:
    """A skill radar of ``axes`` (3 to about 15; fewer draw as horizontal bars), with the
    largest gaps and the skills lacking evidence in its summary."""
    check_id(chart_id)
    summary = _summary(axes)
    body = _radar_body(axes, chart_id) if len(axes) >= 3 else _bars_body(axes, chart_id)
    height = HEIGHT if len(axes) >= 3 else 48 + BAR_ROW * max(len(axes), 1) + 8
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        svg=document(chart_id, "radar", (WIDTH, height), title, summary, body),
        table=_table(axes, title),
    )


def _summary(axes: Sequence[RadarAxis]) -> str:
    if not axes:
        return "No skills to show."
    sentences = []
    below = sorted(
        (a for a in axes if a.gap is not None and round(a.gap, 2) > 0),
        key=lambda a: -(a.gap or 0.0),
    )
    known = [a for a in axes if a.value is not None]
    if below:
        gaps = ", ".join(f"{a.label} {gap_text(a.gap)} target" for a in below[:3])
        sentences.append(f"Largest gaps: {gaps}.")
    elif known:
        sentences.append(f"All {len(known)} skills with evidence are on or above target.")
    missing = [a.label for a in axes if a.value is None]
    if missing:
        sentences.append(f"Not enough evidence yet for {', '.join(missing)}.")
    return " ".join(sentences)


def _table(axes: Sequence[RadarAxis], title: str) -> ChartTable:
    return ChartTable(
        caption=title,
        columns=("Skill", "Estimate", "Target", "Gap"),
        rows=tuple(
            (
                a.label,
                NOT_ENOUGH if a.value is None else f"{a.value:.2f}",
                f"{a.target:.2f}",
                NO_VALUE if a.gap is None else gap_text(a.gap),
            )
            for a in axes
        ),
    )


def _legend(axes: Sequence[RadarAxis]) -> Markup:
    entries = [
        (
            el(
                "rect",
                {
                    "x": 2,
                    "y": 1,
                    "width": 20,
                    "height": 10,
                    "fill": ESTIMATE,
                    "fill-opacity": 0.25,
                    "stroke": ESTIMATE,
                    "stroke-width": 2,
                },
            ),
            "Estimate",
        ),
        (
            el(
                "line",
                {
                    "x1": 0,
                    "y1": 6,
                    "x2": 24,
                    "y2": 6,
                    "stroke": INK,
                    "stroke-width": 2,
                    "stroke-dasharray": TARGET_DASH,
                },
            ),
            "Target",
        ),
    ]
    if any(a.value is None for a in axes):
        entries.append((marker("circle", 12, 6, MUTED, size=4, hollow=True), NOT_ENOUGH))
    drawn, _ = legend(entries, 16, 8, WIDTH - 32)
    return drawn


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def _radar_body(axes: Sequence[RadarAxis], chart_id: str) -> list[Markup]:
    n = len(axes)
    cx, cy = CENTRE
    grid = [
        el(
            "polygon",
            {
                "points": _polygon([point(i, n, ring) for i in range(n)]),
                "fill": "none",
                "stroke": GRID,
            },
        )
        for ring in RINGS
    ]
    grid += [
        el(
            "line",
            {
                "x1": cx,
                "y1": cy,
                "x2": x,
                "y2": y,
                "stroke": AXIS,
                "stroke-dasharray": "3 3" if a.value is None else None,
            },
        )
        for a, (x, y) in zip(axes, (point(i, n, 1) for i in range(n)), strict=True)
    ]
    grid += [
        text(cx + 4, cy - RADIUS * ring + 10, num(ring), fill=MUTED, font_size=10)
        for ring in (0.5, 1.0)
    ]
    known = [(i, a.value) for i, a in enumerate(axes) if a.value is not None]
    estimate = (
        [
            el(
                "polygon",
                {
                    "class": "estimate-area",
                    "points": _polygon([point(i, n, v) for i, v in known]),
                    "fill": ESTIMATE,
                    "fill-opacity": 0.2,
                    "stroke": "none",
                },
            )
        ]
        if len(known) >= 3
        else []
    )
    # The outline joins neighbouring axes only, so a skill without evidence leaves a gap.
    estimate += [
        el(
            "line",
            {
                "class": "estimate-edge",
                "x1": x1,
                "y1": y1,
                "x2": x2,
                "y2": y2,
                "stroke": ESTIMATE,
                "stroke-width": 2,
            },
        )
        for (x1, y1), (x2, y2) in _edges(axes)
    ]
    target = el(
        "polygon",
        {
            "class": "target",
            "points": _polygon([point(i, n, a.target) for i, a in enumerate(axes)]),
            "fill": "none",
            "stroke": INK,
            "stroke-width": 2,
            "stroke-dasharray": TARGET_DASH,
        },
    )
    marks = [_mark(i, a, n) for i, a in enumerate(axes)]
    labels = [_label(i, a, n) for i, a in enumerate(axes)]
    return [
        _legend(axes),
        group(grid, {"class": "grid"}),
        group(estimate, {"class": "estimate"}),
        target,
        group(marks, {"class": "marks"}),
        group(labels, {"class": "labels", "id": f"{chart_id}-labels"}),
    ]


def _edges(axes: Sequence[RadarAxis]) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    n = len(axes)
    edges = []
    for i, a in enumerate(axes):
        b = axes[(i + 1) % n]
        if a.value is not None and b.value is not None:
            edges.append((point(i, n, a.value), point((i + 1) % n, n, b.value)))
    return edges


def _describe(a: RadarAxis) -> str:
    if a.value is None:
        return f"{a.label}: {NOT_ENOUGH} (target {a.target:.2f})"
    return f"{a.label}: {a.value:.2f}, target {a.target:.2f}, {gap_text(a.gap)}"


def _mark(index: int, a: RadarAxis, count: int) -> Markup:
    if a.value is None:  # a hollow mark at the rim, beside the label that says why
        x, y = point(index, count, 1)
        return marker("circle", x, y, MUTED, tooltip(_describe(a)), size=4, hollow=True)
    x, y = point(index, count, a.value)
    return marker("circle", x, y, ESTIMATE, tooltip(_describe(a)), size=4)


def _label(index: int, a: RadarAxis, count: int) -> Markup:
    x, y = point(index, count, 1 + 16 / RADIUS)
    dx = x - CENTRE[0]
    anchor = "middle" if abs(dx) < 8 else ("start" if dx > 0 else "end")
    dy = y - CENTRE[1]
    lines = textwrap.wrap(a.label, LABEL_CHARS, max_lines=2, placeholder="…") or [""]
    extra = LINE * (len(lines) - 1)
    first = y - 6 - extra if dy < -RADIUS / 2 else (y + 10 if dy > RADIUS / 2 else y - extra / 2)
    value = NOT_ENOUGH if a.value is None else f"{a.value:.2f}"
    return el(
        "g",
        {"class": "axis-label"},
        tooltip(_describe(a)),
        *(
            text(x, first + LINE * n, line, text_anchor=anchor, fill=INK, font_weight=600)
            for n, line in enumerate(lines)
        ),
        text(
            x,
            first + LINE * len(lines),
            value,
            text_anchor=anchor,
            fill=MUTED,
            font_size=11,
            font_style="italic" if a.value is None else None,
        ),
    )


def _bars_body(axes: Sequence[RadarAxis], chart_id: str) -> list[Markup]:
    """One or two skills: a bar per skill on a 0..1 track, the target as a dashed tick."""
    if not axes:
        return [text(WIDTH / 2, 70, "No skills to show.", text_anchor="middle", fill=MUTED)]
    rows = []
    span = BAR_RIGHT - BAR_LEFT
    for index, a in enumerate(axes):
        top = 48 + index * BAR_ROW
        parts = [
            tooltip(_describe(a)),
            text(
                BAR_LEFT - 10,
                top + 17,
                clip(a.label, LABEL_CHARS),
                text_anchor="end",
                fill=INK,
                font_weight=600,
            ),
            el(
                "rect",
                {
                    "x": BAR_LEFT,
                    "y": top + 4,
                    "width": span,
                    "height": 18,
                    "fill": "none",
                    "stroke": GRID,
                },
            ),
        ]
        if a.value is None:
            parts.append(
                el(
                    "rect",
                    {
                        "class": "estimate-missing",
                        "x": BAR_LEFT,
                        "y": top + 4,
                        "width": span,
                        "height": 18,
                        "fill": WHITE,
                        "stroke": MUTED,
                        "stroke-dasharray": "3 2",
                    },
                )
            )
            parts.append(text(BAR_LEFT + 8, top + 17, NOT_ENOUGH, fill=MUTED, font_style="italic"))
        else:
            parts.append(
                el(
                    "rect",
                    {
                        "class": "estimate-bar",
                        "x": BAR_LEFT,
                        "y": top + 4,
                        "width": span * a.value,
                        "height": 18,
                        "fill": ESTIMATE,
                    },
                )
            )
            parts.append(text(BAR_RIGHT + 8, top + 17, f"{a.value:.2f}", fill=INK))
        tx = BAR_LEFT + span * a.target
        parts.append(
            el(
                "line",
                {
                    "class": "target",
                    "x1": tx,
                    "y1": top,
                    "x2": tx,
                    "y2": top + 26,
                    "stroke": INK,
                    "stroke-width": 2,
                    "stroke-dasharray": TARGET_DASH,
                },
            )
        )
        rows.append(el("g", {"class": "row"}, *parts))
    return [_legend(axes), group(rows, {"class": "bars", "id": f"{chart_id}-bars"})]
