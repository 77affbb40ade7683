"""A tiny trend for a table cell: a line through the values in order, the latest marked.
It is still an image with a title and a description, and its table lists the values."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup

from coach.charts.line import default_format
from coach.charts.palette import COLOURS, MUTED, marker
from coach.charts.svg import (
    NO_VALUE,
    Chart,
    ChartTable,
    check_finite,
    check_id,
    document,
    el,
    num,
)

WIDTH, HEIGHT, PAD = 96.0, 24.0, 3.0
# Sized in em, not pixels: it grows with the text of the cell it sits in.
SIZE_EM = ("6em", "1.5em")
COLOUR = COLOURS[0]


def sparkline(
    values: Sequence[float | None],
    *,
    chart_id: str,
    title: str,
    y_range: tuple[float, float] | None = (0.0, 1.0),
    labels: Sequence[str] = (),
    value_format: Callable[[float], str] | None = None,
) -> Chart:
    """A sparkline of ``values``, oldest first (``None``: no value then, the line breaks).
    ``y_range=None`` fits the scale to the values; ``labels`` (one per value, e.g. week
    names) head the table's rows, else they are numbered."""
    check_id(chart_id)
    if labels and len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    known = [check_finite(v, "a sparkline value") for v in values if v is not None]
    if y_range is None:
        y_range = (min(known, default=0.0), max(known, default=1.0))
    fmt = value_format or default_format(y_range if y_range[1] > y_range[0] else (0.0, 1.0))
    summary = _summary(values, fmt)
    names = list(labels) or [str(i + 1) for i in range(len(values))]
    table = ChartTable(
        caption=title,
        columns=("Point" if not labels else "When", "Value"),
        rows=tuple(
            (n, NO_VALUE if v is None else fmt(v)) for n, v in zip(names, values, strict=True)
        ),
    )
    width, height = SIZE_EM
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        svg=document(
            chart_id,
            "sparkline",
            (WIDTH, HEIGHT),
            title,
            summary,
            _body(values, y_range),
            width=width,
            height=height,
        ),
        table=table,
    )


def _summary(values: Sequence[float | None], fmt: Callable[[float], str]) -> str:
    known = [v for v in values if v is not None]
    if not known:
        return "No data yet."
    if len(known) == 1:
        return f"One value: {fmt(known[0])}."
    first, last = fmt(known[0]), fmt(known[-1])
    if first == last:
        return f"Steady at {last} over {len(known)} values."
    moved = "Rose" if known[-1] > known[0] else "Fell"
    return f"{moved} from {first} to {last} over {len(known)} values."


def _body(values: Sequence[float | None], y_range: tuple[float, float]) -> list[Markup]:
    low, high = y_range
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        if high <= low:
            return HEIGHT / 2
        clamped = min(max(value, low), high)
        return HEIGHT - PAD - (clamped - low) / (high - low) * (HEIGHT - 2 * PAD)

    runs: list[list[tuple[float, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            x = PAD + index * step if len(values) > 1 else WIDTH / 2
            runs[-1].append((x, y_of(value)))
    body = [
        el(
            "polyline",
            {
                "points": " ".join(f"{num(x)},{num(y)}" for x, y in run),
                "fill": "none",
                "stroke": COLOUR,
                "stroke-width": 1.5,
                "stroke-linejoin": "round",
            },
        )
        for run in runs
        if len(run) > 1
    ]
    placed = [p for run in runs for p in run]
    # A value between two gaps has no line to sit on: it gets a dot (the latest a larger one).
    body += [
        marker("circle", *run[0], COLOUR, size=1.5)
        for run in runs
        if len(run) == 1 and run[0] != placed[-1]
    ]
    if placed:
        body.append(marker("circle", *placed[-1], COLOUR, size=2.5))
    else:
        body.append(
            el(
                "line",
                {
                    "x1": PAD,
                    "y1": HEIGHT / 2,
                    "x2": WIDTH - PAD,
                    "y2": HEIGHT / 2,
                    "stroke": MUTED,
                    "stroke-dasharray": "2 3",
                },
            )
        )
    return body
