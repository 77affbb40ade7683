"""Reading a chart's SVG back as XML, for the chart tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from coach.charts import Chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse_xml(markup: str) -> ET.Element:
    """``markup`` (our own output, not a stranger's) parsed, so it must be well-formed."""
    return ET.fromstring(markup)  # noqa: S314


def parse(chart: Chart) -> ET.Element:
    """The chart's ``<svg>`` element (raises if the markup is not well-formed XML)."""
    root = parse_xml(str(chart.svg))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def find_all(root: ET.Element, tag: str, css_class: str | None = None) -> list[ET.Element]:
    """Every ``tag`` element under ``root`` (with ``css_class`` among its classes, if given)."""
    found = root.iter(f"{{http://www.w3.org/2000/svg}}{tag}")
    return [e for e in found if css_class is None or css_class in e.get("class", "").split()]


def tooltips(root: ET.Element) -> list[str]:
    """The text of every ``<title>`` but the chart's own."""
    return [t.text or "" for t in find_all(root, "title")[1:]]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in find_all(root, "text")]


def points(value: str) -> list[tuple[float, float]]:
    """A ``points`` attribute as (x, y) pairs."""
    pairs = [p.split(",") for p in value.split()]
    return [(float(x), float(y)) for x, y in pairs]
