"""What every chart promises, whatever its kind: well-formed SVG that is an image labelled by
its own title and description, scales (a viewBox, no pixel size), keeps its ids to its own
prefix, escapes hostile labels, carries no inline style (the CSP forbids it) and the
summary and table beside it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from coach.charts import Bar, Chart, RadarAxis, Series, bar_chart, line_chart, radar, sparkline
from tests.unit.charts.svg_reading import find_all, parse

HOSTILE = '<script>alert("x")</script> & "quotes"'

MAKERS: dict[str, Callable[[str, str], Chart]] = {
    "radar": lambda cid, label: radar(
        [RadarAxis(label, 0.4, 0.8), RadarAxis("B", None, 0.5), RadarAxis("C", 0.9, 0.7)],
        chart_id=cid,
        title=label,
    ),
    "radar-bars": lambda cid, label: radar([RadarAxis(label, 0.4, 0.8)], chart_id=cid, title=label),
    "line": lambda cid, label: line_chart(
        [Series(label, [(date(2024, 5, 1), 0.2), (date(2024, 6, 1), 0.6)]), Series("B", [])],
        chart_id=cid,
        title=label,
        target=0.7,
    ),
    "sparkline": lambda cid, label: sparkline([0.1, None, 0.5], chart_id=cid, title=label),
    "bar": lambda cid, label: bar_chart(
        [Bar(label, (3, 1)), Bar("B", (0, 2))],
        chart_id=cid,
        title=label,
        segments=(label, "minor"),
    ),
}
KINDS = sorted(MAKERS)


@pytest.mark.parametrize("kind", KINDS)
def test_the_svg_is_an_image_labelled_by_its_own_title_and_description(kind: str) -> None:
    chart = MAKERS[kind]("c1", "Label")
    root = parse(chart)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    [title] = [e for e in find_all(root, "title") if e.get("id") == title_id]
    [desc] = [e for e in find_all(root, "desc") if e.get("id") == desc_id]
    assert title.text == chart.title == "Label"
    assert desc.text == chart.summary and chart.summary
    assert list(root)[:2] == [title, desc]  # first children, where assistive tech looks


@pytest.mark.parametrize("kind", KINDS)
def test_the_svg_scales_with_its_container(kind: str) -> None:
    root = parse(MAKERS[kind]("c1", "Label"))
    assert len(root.get("viewBox", "").split()) == 4
    for size in (root.get("width"), root.get("height")):
        assert size is None or size.endswith("em")  # a sparkline follows its text, no pixels


@pytest.mark.parametrize("kind", KINDS)
def test_ids_start_with_the_chart_id_so_two_charts_never_clash(kind: str) -> None:
    first, second = (
        {e.get("id") for e in parse(MAKERS[kind](cid, "Label")).iter() if e.get("id")}
        for cid in ("first", "second")
    )
    assert first and all(i and i.startswith("first-") for i in first)
    assert not first & second
    root = parse(MAKERS[kind]("first", "Label"))
    references = [
        v for e in root.iter() for v in e.attrib.values() if "url(#" in v
    ]  # every pattern a shape points at is its own
    assert all(r.removeprefix("url(#").removesuffix(")") in first for r in references)


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_labels_are_escaped_everywhere(kind: str) -> None:
    chart = MAKERS[kind]("c1", HOSTILE)
    assert "<script" not in chart.svg
    root = parse(chart)  # still well-formed: nothing broke out of an attribute or a text
    assert not find_all(root, "script")
    shown = [e.text or "" for e in root.iter()]
    assert any("<script>" in text for text in shown)  # the label is there, as text


@pytest.mark.parametrize("kind", KINDS)
def test_no_inline_styles_as_the_content_security_policy_forbids_them(kind: str) -> None:
    root = parse(MAKERS[kind]("c1", "Label"))
    assert not [e for e in root.iter() if "style" in e.attrib]
    assert not find_all(root, "style")


@pytest.mark.parametrize("kind", KINDS)
def test_the_table_has_a_caption_and_rows_as_wide_as_its_columns(kind: str) -> None:
    chart = MAKERS[kind]("c1", "Label")
    assert chart.table.caption == "Label"
    assert chart.table.rows
    assert all(len(row) == len(chart.table.columns) for row in chart.table.rows)
    assert all(isinstance(cell, str) for row in chart.table.rows for cell in row)


@pytest.mark.parametrize("chart_id", ["", "1abc", "a b", 'x"y', "a" * 65, "é"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_chart_id_that_cannot_be_an_id_is_refused(kind: str, chart_id: str) -> None:
    with pytest.raises(ValueError, match="chart_id"):
        MAKERS[kind](chart_id, "Label")
