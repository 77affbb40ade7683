"""Colours, dash patterns and marker shapes. Every colour that carries meaning has at least
3:1 contrast against white (WCAG 1.4.11, checked by a test), and every series also differs by
dash pattern and marker shape, so colour is never the only way to tell two apart."""

from __future__ import annotations

from markupsafe import Markup

from coach.charts.svg import Attr, el, num

INK = "#1d2730"
MUTED = "#5d6b78"
GRID = "#dde3e8"
AXIS = "#98a2b3"
WHITE = "#ffffff"

# Series: colour, dash pattern ("" is solid) and marker shape go together by index.
COLOURS = ("#0f5c4d", "#b42318", "#1849a9", "#93370d", "#6941c6", "#475467")
DASHES = ("", "8 4", "2 3", "12 3 3 3", "5 2 1 2", "1 4")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "circle")
TARGET_DASH = "4 4"


def series_style(index: int) -> tuple[str, str, str]:
    """The (colour, dash, marker) of the ``index``-th series; they repeat past six."""
    return (
        COLOURS[index % len(COLOURS)],
        DASHES[index % len(DASHES)],
        MARKERS[index % len(MARKERS)],
    )


def marker(
    shape: str,
    x: float,
    y: float,
    colour: str,
    *children: Markup,
    size: float = 4.5,
    hollow: bool = False,
) -> Markup:
    """A point mark centred on (x, y): filled, or white with a dashed outline when
    ``hollow`` (a value that is missing, not zero)."""
    paint: dict[str, Attr] = {
        "fill": WHITE if hollow else colour,
        "stroke": colour,
        "stroke-width": 1.5,
        "stroke-dasharray": "2 1.5" if hollow else None,
        "class": "point",
    }
    s = size
    if shape == "square":
        return el(
            "rect", {"x": x - s, "y": y - s, "width": 2 * s, "height": 2 * s, **paint}, *children
        )
    corners = {
        "triangle": ((0, -1.2), (1.1, 0.9), (-1.1, 0.9)),
        "triangle-down": ((0, 1.2), (1.1, -0.9), (-1.1, -0.9)),
        "diamond": ((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0)),
    }.get(shape)
    if corners is None:
        return el("circle", {"cx": x, "cy": y, "r": s, **paint}, *children)
    points = " ".join(f"{num(x + dx * s)},{num(y + dy * s)}" for dx, dy in corners)
    return el("polygon", {"points": points, **paint}, *children)


def line_swatch(colour: str, dash: str, shape: str | None = None) -> Markup:
    """A legend swatch for a line: a short stroke in its dash pattern, with its marker."""
    stroke = el(
        "line",
        {
            "x1": 0,
            "y1": 6,
            "x2": 24,
            "y2": 6,
            "stroke": colour,
            "stroke-width": 2,
            "stroke-dasharray": dash or None,
        },
    )
    return stroke + (marker(shape, 12, 6, colour, size=3.5) if shape else Markup(""))
