"""Write one benchmark's markdown into its own marked section of a shared docs file."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

HEADER = (
    "# Benchmarks\n\nEvery figure here is written by a script in `bench/`; each section names its "
    "command, machine and date.\n"
)


def machine() -> str:
    """One line naming the machine the figures come from."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cpu = platform.processor() or platform.machine()
    # The cores may be shared: the load says how much of them the run really had.
    load = os.getloadavg()[0]
    return (
        f"{cpu}, {cores} CPU cores, no GPU, Python {platform.python_version()}, "
        f"1-min load average {load:.1f} when the figures were written"
    )


def write_section(path: Path, name: str, markdown: str) -> None:
    """Replace (or append) the ``name`` section of ``path``, keeping the other sections."""
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else f"{text}\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
