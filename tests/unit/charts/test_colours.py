"""Colour is never the only signal, and never too faint: heat-map cells pass WCAG 4.5:1 and
carry a label; every colour that marks something in a chart passes 3:1 on white. Contrast is
computed here with the WCAG 2 formula, independently of the code under test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach.charts import gap_colour, gap_text
from coach.charts.bar import SEGMENT_COLOURS
from coach.charts.heat import GAP_LEVELS, NO_EVIDENCE
from coach.charts.palette import COLOURS, INK, MUTED

CSS = Path(__file__).resolve().parents[3] / "coach" / "static" / "css" / "charts.css"


def luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_known_values() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


GAPS = [None, -0.3, -0.004, 0.0, 0.004, 0.03, 0.05, 0.051, 0.12, 0.15, 0.2, 0.3, 0.31, 0.9, 1.0]


@pytest.mark.parametrize("gap", GAPS)
def test_every_heat_map_cell_has_readable_text_and_a_label(gap: float | None) -> None:
    style = gap_colour(gap)
    assert contrast(style.text, style.background) >= 4.5
    assert style.label == gap_text(gap) and style.label


def test_every_level_gap_colour_returns_passes() -> None:
    levels = {(bg, fg) for _, _, bg, fg in GAP_LEVELS} | {NO_EVIDENCE[1:]}
    returned = {(gap_colour(g).background, gap_colour(g).text) for g in GAPS}
    assert returned == levels  # the sample above reaches every level
    assert all(contrast(bg, fg) >= 4.5 for bg, fg in levels)


@pytest.mark.parametrize(
    ("gap", "label", "css_class"),
    [
        (None, "no evidence", "gap-no-evidence"),
        (-0.1, "0.10 above", "gap-on-target"),
        (0.004, "on target", "gap-on-target"),
        (0.05, "0.05 below", "gap-slight"),
        (0.12, "0.12 below", "gap-moderate"),
        (0.22, "0.22 below", "gap-large"),
        (0.4, "0.40 below", "gap-severe"),
    ],
)
def test_labels_and_levels(gap: float | None, label: str, css_class: str) -> None:
    style = gap_colour(gap)
    assert (style.label, style.css_class) == (label, css_class)


def test_the_stylesheet_paints_each_level_with_the_same_colours() -> None:
    css = CSS.read_text(encoding="utf-8")
    for css_class, background, colour in [lvl[1:] for lvl in GAP_LEVELS] + [NO_EVIDENCE]:
        rule = re.search(rf"\.{css_class} \{{([^}}]*)\}}", css)
        assert rule, css_class
        assert f"background: {background};" in rule.group(1)
        assert f"color: {colour};" in rule.group(1)


# Grid and axis lines are decoration, and need no contrast.
@pytest.mark.parametrize("colour", sorted({*COLOURS, *SEGMENT_COLOURS, INK, MUTED}))
def test_chart_colours_that_carry_meaning_stand_out_from_white(colour: str) -> None:
    assert contrast(colour, "#ffffff") >= 3.0


def test_a_gap_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="gap"):
        gap_colour(float("nan"))
