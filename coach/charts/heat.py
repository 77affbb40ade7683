"""Colours for a heat-map table (people by skills): each cell's background and text colour
(at least 4.5:1 apart, WCAG 1.4.3) and a short label, so colour is never the only signal.

The page's Content-Security-Policy forbids inline styles, so a cell uses ``css_class``; the
same colours are defined for those classes in ``coach/static/css/charts.css`` (a test keeps
the two in step). ``background`` and ``text`` are there for anything drawn in SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.charts.svg import check_finite

# (gap at most, css class, background, text): a gap is target - estimate, positive = below.
# Gaps are compared after rounding to the two decimals the label shows.
GAP_LEVELS: tuple[tuple[float, str, str, str], ...] = (
    (0.0, "gap-on-target", "#d1fadf", "#05603a"),
    (0.05, "gap-slight", "#fef7c3", "#1d2730"),
    (0.15, "gap-moderate", "#fedf89", "#1d2730"),
    (0.30, "gap-large", "#f79009", "#1d2730"),
    (1.0, "gap-severe", "#b42318", "#ffffff"),
)
NO_EVIDENCE = ("gap-no-evidence", "#f2f4f7", "#344054")


@dataclass(frozen=True)
class CellStyle:
    """How to paint one heat-map cell: put ``label`` in the cell and ``css_class`` on it."""

    background: str
    text: str
    label: str
    css_class: str


def gap_text(gap: float | None) -> str:
    """The gap in words: "on target", "0.12 below", "0.05 above" or "no evidence"."""
    if gap is None:
        return "no evidence"
    shown = round(gap, 2)
    if shown == 0:
        return "on target"
    return f"{shown:.2f} below" if shown > 0 else f"{-shown:.2f} above"


def gap_colour(gap: float | None) -> CellStyle:
    """The style of a cell whose skill is ``gap`` below target (``None``: not enough
    evidence). Darker means further below; on or above target is green."""
    if gap is None:
        css_class, background, colour = NO_EVIDENCE
        return CellStyle(background, colour, gap_text(None), css_class)
    shown = round(check_finite(gap, "gap"), 2)
    level = next((level for level in GAP_LEVELS if shown <= level[0]), GAP_LEVELS[-1])
    _, css_class, background, colour = level
    return CellStyle(background, colour, gap_text(gap), css_class)
