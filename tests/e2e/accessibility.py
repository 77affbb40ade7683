"""What the accessibility browser tests share: a same-origin crawl of the signed-in site, axe-core
run in the page, and WCAG contrast arithmetic done in the page on computed styles.

The crawl follows links rather than a list of URLs, so pages added later are checked without
anyone remembering to list them. It visits one page per route (``/calls/1`` and ``/calls/2``
are one route): the templates, not the records, are what is being checked.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Page

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_PAGES = 40
# Links the crawl never follows: signing out, deleting, downloads and machine endpoints.
SKIPPED = re.compile(
    r"logout|sign-?out|delete|/api/|/static/|/audio$|\.(csv|pdf|json|txt|vtt|wav|mp3|ogg|webm)$",
    re.IGNORECASE,
)


def axe_script() -> Path:
    """The axe-core build, or a failure that says how to install it (never a skip: an
    accessibility check that quietly does not run is worse than none)."""
    if not AXE_SCRIPT.is_file():
        raise AssertionError(
            f"{AXE_SCRIPT} is missing: run `make test` (or `npm ci`) to install axe-core"
        )
    return AXE_SCRIPT


@dataclass(frozen=True)
class Violation:
    """One axe rule broken on one page, at the elements its selectors name."""

    page: str
    rule: str
    impact: str
    help: str
    targets: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.page}: [{self.impact}] {self.rule}: {self.help} at {', '.join(self.targets)}"


_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({rule: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' '))}));
}"""


def serious_violations(page: Page) -> list[Violation]:
    """The serious and critical WCAG 2.1 A/AA violations axe finds on the loaded page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    found = page.evaluate(_RUN_AXE, WCAG_TAGS)
    where = urlsplit(page.url).path
    return [Violation(where, v["rule"], v["impact"], v["help"], tuple(v["targets"])) for v in found]


def crawl(
    page: Page, start: str, route_of: Callable[[str], str], limit: int = MAX_PAGES
) -> Iterator[int]:
    """Visits same-origin pages breadth-first from ``start``, one per route (``route_of``
    maps a path to its pattern); yields each response's status once the page has loaded."""
    origin = urlsplit(start)[:2]
    queue = deque([start])
    seen_routes: set[str] = set()
    visited = 0
    while queue and visited < limit:
        url = queue.popleft()
        route = route_of(urlsplit(url).path)
        if route in seen_routes:
            continue
        seen_routes.add(route)
        response = page.goto(url)
        page.wait_for_load_state("load")
        visited += 1
        yield response.status if response is not None else 0
        for link in page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.href)"
        ):
            target, _fragment = urldefrag(link)
            parts = urlsplit(target)
            if parts[:2] == origin and not SKIPPED.search(parts.path):
                queue.append(target)


# Relative luminance and contrast ratio (WCAG 2.1, 1.4.3/1.4.11), and the colour an element's
# outline is seen against: the first opaque background among its ancestors, translucent ones
# composited on top (an outline is drawn outside the element, over its parent; one with a
# negative offset inside it, over its own background).
_FOCUS_RING = """(el) => {
  const rgba = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, below) => [0, 1, 2].map(i => top[i] * top[3] + below[i] * (1 - top[3]));
  const style = getComputedStyle(el);
  const inset = parseFloat(style.outlineOffset) < 0;
  const layers = [];
  for (let node = inset ? el : el.parentElement; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour[3] > 0) layers.push(colour);
    if (colour[3] >= 1) break;
  }
  let background = [255, 255, 255];
  for (const layer of layers.reverse()) background = over(layer, background);
  const ring = over(rgba(style.outlineColor), background);
  const luminance = (c) => {
    const [r, g, b] = c.map(v => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(ring), luminance(background)].sort((x, y) => y - x);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.name || '').trim().slice(0, 40),
    inNav: !!el.closest('nav'),
    inner: !el.matches(':focus'),
    style: style.outlineStyle,
    width: parseFloat(style.outlineWidth) || 0,
    contrast: (a + 0.05) / (b + 0.05),
  };
}"""


@dataclass(frozen=True)
class FocusRing:
    """How the focused element's outline looks against what surrounds it."""

    tag: str
    text: str
    in_nav: bool
    # Focus is on a part the browser draws inside the element (a date field's calendar button,
    # a player's controls), which the browser rings itself; the page's styles cannot reach it.
    inner: bool
    style: str
    width: float
    contrast: float

    @property
    def visible(self) -> bool:
        return self.inner or (
            self.style not in ("none", "hidden") and self.width >= 2 and self.contrast >= 3
        )


def focus_ring(page: Page) -> FocusRing | None:
    """The focus outline of the page's focused element; None when nothing is focused."""
    handle = page.evaluate_handle("document.activeElement")
    element = handle.as_element()
    if element is None or element.evaluate("e => e === document.body"):
        return None
    found = element.evaluate(_FOCUS_RING)
    return FocusRing(
        tag=found["tag"],
        text=found["text"],
        in_nav=found["inNav"],
        inner=found["inner"],
        style=found["style"],
        width=found["width"],
        contrast=found["contrast"],
    )


def scrolls_sideways(page: Page) -> bool:
    """Whether the document itself is wider than the viewport (a table scrolling inside its own
    region does not count)."""
    return bool(
        page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"
        )
    )
