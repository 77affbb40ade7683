"""The ``chart`` and ``gap_cell`` macros of templates/_charts.html: a figure with the SVG, the
summary as its caption and the data as a real table in a scrollable, focusable region."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

from coach.charts import Bar, Chart, bar_chart, gap_colour
from tests.unit.charts.svg_reading import parse_xml

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
HOSTILE = "<b>Rule</b> & co"


def render(source: str, **context: object) -> str:
    return ENV.from_string('{% from "_charts.html" import chart, gap_cell %}' + source).render(
        **context
    )


def figure(c: Chart) -> ET.Element:
    """The rendered figure, parsed (so it is well-formed as well as present)."""
    return parse_xml(render("{{ chart(c) }}", c=c).strip())


def test_a_chart_renders_as_a_figure_with_its_summary_and_its_data_as_a_table() -> None:
    c = bar_chart([Bar(HOSTILE, (3,))], chart_id="rules", title=HOSTILE, label_name="Rule")
    html = render("{{ chart(c) }}", c=c)
    assert "<b>" not in html.replace(str(c.svg), "")  # the table and caption escape it too
    assert str(c.svg) in html  # the SVG goes in as it is: already escaped
    root = figure(c)
    assert root.tag == "figure" and root.get("id") == "rules"
    assert root.find("{http://www.w3.org/2000/svg}svg") is not None
    assert root.findtext("figcaption") == c.summary
    details = root.find("details")
    assert details is not None and details.findtext("summary") == "Show the data"
    region = details.find("div")
    assert region is not None
    assert (region.get("role"), region.get("tabindex")) == ("region", "0")
    assert region.get("aria-label") == f"{HOSTILE} (data)"
    table = region.find("table")
    assert table is not None and table.findtext("caption") == HOSTILE
    headers = table.findall("thead/tr/th")
    assert [(h.text, h.get("scope")) for h in headers] == [("Rule", "col"), ("Count", "col")]
    [row] = table.findall("tbody/tr")
    assert [(cell.tag, cell.text) for cell in row] == [("th", HOSTILE), ("td", "3")]
    assert row[0].get("scope") == "row"


def test_a_chart_without_data_says_so_in_its_table() -> None:
    c = bar_chart([], chart_id="rules", title="Top rules", segments=("a", "b"))
    [row] = figure(c).findall("details/div/table/tbody/tr")
    assert row[0].text == "No data yet." and row[0].get("colspan") == "4"


def test_a_heat_map_cell_carries_its_label_and_class() -> None:
    cell = parse_xml(render("{{ gap_cell(s) }}", s=gap_colour(0.22)).strip())
    assert cell.tag == "td" and cell.text == "0.22 below"
    assert cell.get("class") == "gap-cell gap-large"
    header = parse_xml(render("{{ gap_cell(s, 'th') }}", s=gap_colour(None)).strip())
    assert (header.tag, header.text) == ("th", "no evidence")
