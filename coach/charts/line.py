"""Values over time: one line per series, told apart by colour, dash pattern and marker
shape, on a stated y range (a 0..1 estimate and a 0..100 score read differently), with an
optional target line. Every point carries a tooltip; the table lists every value."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from markupsafe import Markup

from coach.charts.palette import GRID, INK, MUTED, TARGET_DASH, line_swatch, marker, series_style
from coach.charts.svg import (
    NO_VALUE,
    Chart,
    ChartTable,
    check_finite,
    check_id,
    document,
    el,
    group,
    legend,
    num,
    text,
    tooltip,
)

WIDTH, HEIGHT = 640.0, 320.0
PLOT_LEFT, PLOT_RIGHT, PLOT_BOTTOM = 56.0, WIDTH - 24, HEIGHT - 32
SUMMARISED = 3  # series named in the summary; the table has them all


@dataclass(frozen=True)
class Series:
    """One line: ``points`` are (when, value) pairs in any order; ``when`` is a date or a
    datetime (naive datetimes are taken as UTC)."""

    label: str
    points: Sequence[tuple[date, float]]


def default_format(y_range: tuple[float, float]) -> Callable[[float], str]:
    """Two decimals on a 0..1 scale, one up to 10, whole numbers beyond."""
    span = y_range[1] - y_range[0]
    decimals = 2 if span <= 1 else (1 if span <= 10 else 0)
    return lambda value: f"{value:.{decimals}f}"


def line_chart(
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    y_range: tuple[float, float] = (0.0, 1.0),
    y_label: str = "Value",
    target: float | None = None,
    value_format: Callable[[float], str] | None = None,
) -> Chart:
    """A line chart of ``series`` over time on ``y_range`` (values outside it are drawn at
    its edge and listed as they are). ``target`` adds a labelled dashed line; ``y_label``
    heads the table's value columns when there is one series and names the axis."""
    check_id(chart_id)
    low, high = (check_finite(v, "y_range") for v in y_range)
    if not low < high:
        raise ValueError(f"y_range {y_range} must run from low to high")
    for s in series:
        for _, value in s.points:
            check_finite(value, f"a value of {s.label!r}")
    fmt = value_format or default_format(y_range)
    summary = _summary(series, target, fmt)
    return Chart(
        id=chart_id,
        title=title,
        summary=summary,
        svg=document(
            chart_id,
            "line",
            (WIDTH, HEIGHT),
            title,
            summary,
            _body(series, (low, high), y_label, target, fmt),
        ),
        table=_table(series, title, y_label, fmt),
    )


def _instant(when: date) -> float:
    """Seconds since the epoch, so dates and datetimes share one axis."""
    if isinstance(when, datetime):
        aware = when if when.tzinfo is not None else when.replace(tzinfo=UTC)
        return aware.timestamp()
    return datetime(when.year, when.month, when.day, tzinfo=UTC).timestamp()


def when_text(when: date) -> str:
    """A date as the table and tooltips show it: ISO date, with the time for datetimes."""
    if isinstance(when, datetime):
        return when.strftime("%Y-%m-%d %H:%M")
    return when.isoformat()


def _ordered(s: Series) -> list[tuple[date, float]]:
    return sorted(s.points, key=lambda p: _instant(p[0]))


def _summary(series: Sequence[Series], target: float | None, fmt: Callable[[float], str]) -> str:
    described = [_describe(s, fmt) for s in series if s.points]
    if not described:
        return "No data yet."
    text_ = "; ".join(described[:SUMMARISED])
    if len(described) > SUMMARISED:
        text_ += f"; and {len(described) - SUMMARISED} more series (see the table)"
    return text_ + "." + (f" Target {fmt(target)}." if target is not None else "")


def _describe(s: Series, fmt: Callable[[float], str]) -> str:
    points = _ordered(s)
    (start, first), (end, last) = points[0], points[-1]
    if len(points) == 1:
        return f"{s.label}: {fmt(first)} on {when_text(start)}"
    if fmt(first) == fmt(last):
        movement = f"stayed at {fmt(last)}"
    else:
        movement = f"{'rose' if last > first else 'fell'} from {fmt(first)} to {fmt(last)}"
    return f"{s.label} {movement} between {when_text(start)} and {when_text(end)}"


def _table(
    series: Sequence[Series], title: str, y_label: str, fmt: Callable[[float], str]
) -> ChartTable:
    """One row per moment, one column per series (a value column named ``y_label`` when
    there is a single series)."""
    moments = sorted({p[0] for s in series for p in s.points}, key=_instant)
    columns = (y_label,) if len(series) == 1 else tuple(s.label for s in series)
    rows = []
    for moment in moments:
        cells = [", ".join(fmt(v) for w, v in s.points if w == moment) or NO_VALUE for s in series]
        rows.append((when_text(moment), *cells))
    return ChartTable(caption=title, columns=("Date", *columns), rows=tuple(rows))


def _body(
    series: Sequence[Series],
    y_range: tuple[float, float],
    y_label: str,
    target: float | None,
    fmt: Callable[[float], str],
) -> list[Markup]:
    entries = [(line_swatch(*series_style(i)), s.label) for i, s in enumerate(series)]
    if target is not None:
        entries.append((line_swatch(INK, TARGET_DASH), f"Target {fmt(target)}"))
    drawn_legend, legend_height = legend(entries, PLOT_LEFT, 8, PLOT_RIGHT - PLOT_LEFT)
    top = 8 + legend_height + 12
    low, high = y_range

    def y_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return PLOT_BOTTOM - (clamped - low) / (high - low) * (PLOT_BOTTOM - top)

    instants = [_instant(w) for s in series for w, _ in s.points]
    first, last = (min(instants), max(instants)) if instants else (0.0, 0.0)

    def x_of(instant: float) -> float:
        if last == first:
            return (PLOT_LEFT + PLOT_RIGHT) / 2
        return PLOT_LEFT + (instant - first) / (last - first) * (PLOT_RIGHT - PLOT_LEFT)

    axes = [_y_grid(low, high, y_of, fmt)]
    if instants:
        axes.append(_x_ticks(first, last, x_of))
    axes.append(
        text(
            14,
            (top + PLOT_BOTTOM) / 2,
            y_label,
            fill=MUTED,
            text_anchor="middle",
            transform=f"rotate(-90 14 {num((top + PLOT_BOTTOM) / 2)})",
        )
    )
    if not instants:
        axes.append(
            text(
                (PLOT_LEFT + PLOT_RIGHT) / 2,
                (top + PLOT_BOTTOM) / 2,
                "No data yet",
                text_anchor="middle",
                fill=MUTED,
            )
        )
    if target is not None:
        ty = y_of(target)
        axes.append(
            el(
                "line",
                {
                    "class": "target",
                    "x1": PLOT_LEFT,
                    "y1": ty,
                    "x2": PLOT_RIGHT,
                    "y2": ty,
                    "stroke": INK,
                    "stroke-width": 1.5,
                    "stroke-dasharray": TARGET_DASH,
                },
            )
        )
        axes.append(
            text(
                PLOT_RIGHT,
                ty - 4,
                f"Target {fmt(target)}",
                text_anchor="end",
                fill=INK,
                font_size=11,
            )
        )
    lines = [_series(s, i, x_of, y_of, fmt) for i, s in enumerate(series) if s.points]
    return [drawn_legend, group(axes, {"class": "axes"}), group(lines, {"class": "series"})]


def _y_grid(
    low: float, high: float, y_of: Callable[[float], float], fmt: Callable[[float], str]
) -> Markup:
    ticks = [low + (high - low) * step / 4 for step in range(5)]
    return group(
        [
            el(
                "line",
                {"x1": PLOT_LEFT, "y1": y_of(v), "x2": PLOT_RIGHT, "y2": y_of(v), "stroke": GRID},
            )
            for v in ticks
        ]
        + [
            text(PLOT_LEFT - 6, y_of(v) + 4, fmt(v), text_anchor="end", fill=MUTED, font_size=11)
            for v in ticks
        ],
        {"class": "y-axis"},
    )


def _x_ticks(first: float, last: float, x_of: Callable[[float], float]) -> Markup:
    """Five evenly spaced dates from the first moment to the last (one when they are the
    same), with times when they all fall within two days."""
    close = last - first < 2 * 86400
    steps = 1 if last == first else 5
    marks: list[Markup] = []
    shown: set[str] = set()
    for step in range(steps):
        instant = first + (last - first) * step / max(steps - 1, 1)
        moment = datetime.fromtimestamp(instant, UTC)
        label = moment.strftime("%Y-%m-%d %H:%M" if close else "%Y-%m-%d")
        if label in shown:
            continue
        shown.add(label)
        x = x_of(instant)
        anchor = "middle" if steps == 1 else {0: "start", steps - 1: "end"}.get(step, "middle")
        marks.append(
            el(
                "line",
                {"x1": x, "y1": PLOT_BOTTOM, "x2": x, "y2": PLOT_BOTTOM + 4, "stroke": MUTED},
            )
        )
        marks.append(text(x, PLOT_BOTTOM + 18, label, text_anchor=anchor, fill=MUTED, font_size=11))
    return group(marks, {"class": "x-axis"})


def _series(
    s: Series,
    index: int,
    x_of: Callable[[float], float],
    y_of: Callable[[float], float],
    fmt: Callable[[float], str],
) -> Markup:
    colour, dash, shape = series_style(index)
    placed = [(x_of(_instant(w)), y_of(v), w, v) for w, v in _ordered(s)]
    parts = []
    if len(placed) > 1:
        parts.append(
            el(
                "polyline",
                {
                    "points": " ".join(f"{num(x)},{num(y)}" for x, y, _, _ in placed),
                    "fill": "none",
                    "stroke": colour,
                    "stroke-width": 2,
                    "stroke-dasharray": dash or None,
                    "stroke-linejoin": "round",
                },
            )
        )
    parts += [
        marker(shape, x, y, colour, tooltip(f"{s.label}, {when_text(w)}: {fmt(v)}"))
        for x, y, w, v in placed
    ]
    return el("g", {"class": "line"}, *parts)
