"""Horizontal bars with labels and values ("top rules broken"), optionally stacked in named
segments (critical/major/minor) with a legend. Each segment has its own fill pattern as well
as colour, and every bar's total is written beside it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from coach.charts.palette import COLOURS, GRID, INK, MUTED, WHITE
from coach.charts.svg import (
    Attr,
    Chart,
    ChartTable,
    check_finite,
    check_id,
    clip,
    document,
    el,
    group,
    legend,
    text,
    tooltip,
)

WIDTH = 640.0
LABEL_RIGHT, BAR_LEFT, BAR_RIGHT = 230.0, 240.0, WIDTH - 64
ROW, BAR_HEIGHT = 30.0, 18.0
LABEL_CHARS = 26
SUMMARISED = 3
# Stacked segments by index: a colour (3:1 on white) and a pattern drawn over it in white,
# in order of severity (critical, major, minor...). A plain bar is solid brand green.
SEGMENT_COLOURS = ("#b42318", "#b54708", "#475467", "#1849a9", "#6941c6", COLOURS[0])
PATTERNS = ("solid", "hatch", "dots", "cross", "rows", "solid")
PLAIN_COLOUR = COLOURS[0]


@dataclass(frozen=True)
class Bar:
    """One bar: ``values`` holds one non-negative number per segment name given to
    ``bar_chart`` (a single number for a plain bar: ``Bar("Rule 7", (12,))``)."""

    label: str
    values: Sequence[float]

    @property
    def total(self) -> float:
        return sum(self.values)


def count_format(value: float) -> str:
    """Whole numbers as they are, anything else with one decimal."""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bar_chart(
    bars: Sequence[Bar],
    *,
    chart_id: str,
    title: str,
    segments: Sequence[str] = ("Count",),
    label_name: str = "Item",
    max_value: float | None = None,
    value_format: Callable[[float], str] = count_format,
) -> Chart:
    """Bars in the order given (sort them first), each split into ``segments`` (with a
    legend when there are two or more). The scale runs from 0 to ``max_value`` (default:
    the largest total). ``label_name`` heads the table's first column."""
    check_id(chart_id)
    if not segments:
        raise ValueError("bar_chart needs at least one segment name")
    for bar in bars:
        if len(bar.values) != len(segments):
            raise ValueError(
                f"{bar.label!r} has {len(bar.values)} values for {len(segments)} segments"
            )
        for value in bar.values:
            if check_finite(value, f"a value of {bar.label!r}") < 0:
                raise ValueError(f"{bar.label!r}: a bar cannot be negative ({value})")
    scale = max_value if max_value is not None else max((b.total for b in bars), default=0.0)
    summary = _summary(bars, segments, value_format)
    body, height = _body(bars, segments, chart_id, scale or 1.0, value_format)
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        svg=document(chart_id, "bar", (WIDTH, height), title, summary, body),
        table=_table(bars, segments, title, label_name, value_format),
    )


def _breakdown(bar: Bar, segments: Sequence[str], fmt: Callable[[float], str]) -> str:
    return ", ".join(f"{name} {fmt(v)}" for name, v in zip(segments, bar.values, strict=True))


def _summary(bars: Sequence[Bar], segments: Sequence[str], fmt: Callable[[float], str]) -> str:
    if not bars:
        return "No data yet."
    largest = sorted(bars, key=lambda b: -b.total)[:SUMMARISED]
    stacked = len(segments) > 1
    named = [
        f"{b.label} {fmt(b.total)}" + (f" ({_breakdown(b, segments, fmt)})" if stacked else "")
        for b in largest
    ]
    return f"Largest of {len(bars)}: {'; '.join(named)}."


def _table(
    bars: Sequence[Bar],
    segments: Sequence[str],
    title: str,
    label_name: str,
    fmt: Callable[[float], str],
) -> ChartTable:
    stacked = len(segments) > 1
    return ChartTable(
        caption=title,
        columns=(label_name, *segments, *(("Total",) if stacked else ())),
        rows=tuple(
            (b.label, *(fmt(v) for v in b.values), *((fmt(b.total),) if stacked else ()))
            for b in bars
        ),
    )


def _colour(index: int, count: int) -> str:
    return PLAIN_COLOUR if count == 1 else SEGMENT_COLOURS[index % len(SEGMENT_COLOURS)]


def _pattern(chart_id: str, index: int, count: int) -> Markup:
    """The fill of segment ``index`` of ``count``: its colour, overlaid with white hatching,
    dots or a grid, so stacked segments differ without colour vision."""
    colour = _colour(index, count)
    kind = PATTERNS[index % len(PATTERNS)]
    stroke: dict[str, Attr] = {"stroke": WHITE, "stroke-width": 1.5}
    overlay = {
        "hatch": [el("line", {"x1": 0, "y1": 6, "x2": 6, "y2": 0, **stroke})],
        "dots": [el("circle", {"cx": 3, "cy": 3, "r": 1.2, "fill": WHITE})],
        "cross": [
            el("line", {"x1": 0, "y1": 6, "x2": 6, "y2": 0, **stroke}),
            el("line", {"x1": 0, "y1": 0, "x2": 6, "y2": 6, **stroke}),
        ],
        "rows": [el("line", {"x1": 0, "y1": 3, "x2": 6, "y2": 3, **stroke})],
    }.get(kind, [])
    return el(
        "pattern",
        {
            "id": _fill_id(chart_id, index),
            "patternUnits": "userSpaceOnUse",
            "width": 6,
            "height": 6,
        },
        el("rect", {"width": 6, "height": 6, "fill": colour}),
        *overlay,
    )


def _fill_id(chart_id: str, index: int) -> str:
    return f"{chart_id}-fill-{index}"


def _fill(chart_id: str, index: int, count: int) -> dict[str, Attr]:
    return {
        "fill": f"url(#{_fill_id(chart_id, index)})",
        "stroke": _colour(index, count),
        "stroke-width": 1,
    }


def _body(
    bars: Sequence[Bar],
    segments: Sequence[str],
    chart_id: str,
    scale: float,
    fmt: Callable[[float], str],
) -> tuple[list[Markup], float]:
    single = len(segments) == 1
    defs = el("defs", None, *(_pattern(chart_id, i, len(segments)) for i in range(len(segments))))
    top = 12.0
    drawn_legend = Markup("")
    if not single:
        entries = [
            (
                el(
                    "rect",
                    {
                        "x": 1,
                        "y": 0,
                        "width": 22,
                        "height": 12,
                        **_fill(chart_id, i, len(segments)),
                    },
                ),
                name,
            )
            for i, name in enumerate(segments)
        ]
        drawn_legend, legend_height = legend(entries, BAR_LEFT, 8, BAR_RIGHT - BAR_LEFT)
        top = 8 + legend_height + 8
    if not bars:
        message = text(WIDTH / 2, top + 20, "No data yet.", text_anchor="middle", fill=MUTED)
        return [defs, drawn_legend, message], top + 40
    span = BAR_RIGHT - BAR_LEFT
    rows = []
    for index, bar in enumerate(bars):
        y = top + index * ROW
        parts = [
            tooltip(
                f"{bar.label}: {fmt(bar.total)}"
                + ("" if single else f" ({_breakdown(bar, segments, fmt)})")
            ),
            text(LABEL_RIGHT, y + 13, clip(bar.label, LABEL_CHARS), text_anchor="end", fill=INK),
        ]
        x = BAR_LEFT
        for segment, (name, value) in enumerate(zip(segments, bar.values, strict=True)):
            width = span * min(value / scale, 1.0) if scale else 0.0
            if width > 0:
                parts.append(
                    el(
                        "rect",
                        {
                            "class": "segment",
                            "x": x,
                            "y": y,
                            "width": width,
                            "height": BAR_HEIGHT,
                            **_fill(chart_id, segment, len(segments)),
                        },
                        tooltip(f"{bar.label}, {name}: {fmt(value)}"),
                    )
                )
            x += width
        parts.append(text(x + 6, y + 13, fmt(bar.total), fill=INK, class_="total"))
        rows.append(el("g", {"class": "bar"}, *parts))
    baseline = el(
        "line",
        {
            "x1": BAR_LEFT,
            "y1": top - 4,
            "x2": BAR_LEFT,
            "y2": top + len(bars) * ROW - 8,
            "stroke": GRID,
        },
    )
    return [defs, drawn_legend, baseline, group(rows, {"class": "bars"})], top + len(bars) * ROW
