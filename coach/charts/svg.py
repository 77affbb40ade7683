"""What every chart returns, and the one way charts write SVG.

Every text node and attribute value goes through ``markupsafe.escape`` here, because labels
come from content files and user names; chart modules never build markup from strings. The
page's Content-Security-Policy forbids inline styles, so looks are set with SVG presentation
attributes (``fill``, ``stroke``...), never ``style=``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

SVG_NS = "http://www.w3.org/2000/svg"
FONT_SIZE = 12
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
NO_VALUE = "—"
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}\Z")

Attr = str | float | None
Attrs = Mapping[str, Attr]


@dataclass(frozen=True)
class ChartTable:
    """The chart's data as a table, for a "Show the data" element: plain strings, escaped
    when rendered. The first column names each row (rendered as its row header)."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A chart ready for a page: ``svg`` is a complete, escaped ``<svg role="img">`` whose
    ``<title>``/``<desc>`` carry ``title`` and ``summary``; ``table`` holds the same numbers.
    Render it with the ``chart`` macro of ``templates/_charts.html``; ``id`` (the caller's
    ``chart_id``) prefixes every id inside the SVG and names the figure."""

    id: str
    title: str
    summary: str
    svg: Markup
    table: ChartTable


def check_id(chart_id: str) -> str:
    """``chart_id`` if it can prefix XML/HTML ids (a letter, then letters, digits, - or _)."""
    if not _ID.match(chart_id):
        raise ValueError(
            f"chart_id {chart_id!r} must start with a letter and hold only letters, digits, "
            "'-' and '_' (at most 64 characters)"
        )
    return chart_id


def check_finite(value: float, what: str) -> float:
    """``value`` if it is a real number (NaN and infinities cannot be drawn)."""
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return value


def num(value: float) -> str:
    """A coordinate as SVG text: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def el(name: str, attrs: Attrs | None = None, *children: str) -> Markup:
    """One element; ``None`` attributes are left out, numbers go through ``num``, and
    children that are not already Markup are escaped as text. Built with ``escape`` and
    string joins rather than ``Markup.format``: a dashboard draws about 180 elements, and
    the formatter's parsing was a quarter of the trainee dashboard's time."""
    tag = escape(name)
    parts = [f"<{tag}"]
    for key, value in (attrs or {}).items():
        if value is not None:
            shown = value if isinstance(value, str) else num(value)
            parts.append(f' {escape(key)}="{escape(shown)}"')
    if not children:
        parts.append("/>")
    else:
        parts.append(">")
        parts.extend(escape(child) for child in children)
        parts.append(f"</{tag}>")
    return Markup("".join(parts))  # noqa: S704 (every part above is escaped)


def group(children: Iterable[Markup], attrs: Attrs | None = None) -> Markup:
    """A ``<g>`` around ``children`` (nothing at all when there are none)."""
    inside = list(children)
    return el("g", attrs, *inside) if inside else Markup("")


def tooltip(text: str) -> Markup:
    """A ``<title>`` child: what a pointer or screen reader gets for one mark."""
    return el("title", None, text)


def text(x: float, y: float, content: str, **attrs: str | float | None) -> Markup:
    """A ``<text>`` at (x, y); keyword names use ``_`` for ``-`` (``text_anchor``) and
    ``class_`` for ``class``."""
    named = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return el("text", {"x": x, "y": y, **named}, content)


def text_width(content: str, size: float = FONT_SIZE) -> float:
    """A generous estimate of rendered width (there is no font metrics server-side)."""
    return 0.62 * size * len(content)


def clip(content: str, chars: int) -> str:
    """``content`` cut to ``chars`` characters with an ellipsis; the full text goes in a
    tooltip and the table."""
    return content if len(content) <= chars else content[: chars - 1].rstrip() + "…"


def document(
    chart_id: str,
    kind: str,
    size: tuple[float, float],
    title: str,
    summary: str,
    body: Iterable[Markup],
    **extra: str,
) -> Markup:
    """The complete ``<svg>``: ``role="img"`` labelled by its own ``<title>`` and ``<desc>``,
    a viewBox and no pixel size, so CSS scales it to its container."""
    width, height = size
    attrs: dict[str, Attr] = {
        "xmlns": SVG_NS,
        "viewBox": f"0 0 {num(width)} {num(height)}",
        "role": "img",
        "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
        "class": f"chart-svg chart-{kind}",
        "font-family": FONT_FAMILY,
        "font-size": FONT_SIZE,
        **extra,
    }
    return el(
        "svg",
        attrs,
        el("title", {"id": f"{chart_id}-title"}, title),
        el("desc", {"id": f"{chart_id}-desc"}, summary),
        *body,
    )


def legend(
    entries: Sequence[tuple[Markup, str]], left: float, top: float, width: float
) -> tuple[Markup, float]:
    """Legend entries (a swatch drawn in a 24 by 12 box at the origin, and its label) laid out
    in rows that fit ``width``; returns the group and the height it takes."""
    placed: list[Markup] = []
    x, y, row = 0.0, 0.0, 18.0
    for swatch, label in entries:
        wide = 30 + text_width(label) + 16
        if x and x + wide > width:
            x, y = 0.0, y + row
        placed.append(
            group(
                [swatch, text(30, 10, label, fill="#1d2730")],
                {"transform": f"translate({num(left + x)} {num(top + y)})"},
            )
        )
        x += wide
    height = y + row if entries else 0.0
    return group(placed, {"class": "legend"}), height
