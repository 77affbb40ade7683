"""Server-side SVG charts that work offline (no CDN, no JavaScript), each with a text
alternative: pure functions from plain values to a ``Chart`` (no Flask, no database).

Every chart function takes a ``chart_id`` (unique on the page: it prefixes the ids inside
the SVG) and a ``title``, and returns a ``Chart`` whose ``svg`` is escaped, ready-to-embed
markup, whose ``summary`` says in a sentence or two what a screen-reader user would want to
know, and whose ``table`` holds the same numbers. Render one with
``{% from "_charts.html" import chart %}{{ chart(c) }}``; a sparkline in a table cell is
just ``{{ c.svg }}``. Heat-map cells use ``gap_colour``.
"""

from coach.charts.bar import Bar, bar_chart
from coach.charts.heat import CellStyle, gap_colour, gap_text
from coach.charts.line import Series, line_chart
from coach.charts.radar import RadarAxis, radar
from coach.charts.sparkline import sparkline
from coach.charts.svg import Chart, ChartTable

__all__ = [
    "Bar",
    "CellStyle",
    "Chart",
    "ChartTable",
    "RadarAxis",
    "Series",
    "bar_chart",
    "gap_colour",
    "gap_text",
    "line_chart",
    "radar",
    "sparkline",
]
