"""Keeping the garbage collector off what a served process loads once.

After start a Coach process holds about 180,000 long-lived objects (rule packs, corpora,
scenarios, compiled templates, the text model's modules). CPython's full collection walks
every one of them, about 0.2 s on the 2-core reference machine, and it strikes in the middle
of whichever request happens to allocate at the time: at floor scale that was most pages'
p95 (docs/benchmarks.md, "Pages at floor scale"). Freezing the heap once the app is built
moves those objects out of the collector's sight; they live as long as the process anyway,
and what requests allocate later is collected as before.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect what start-up left behind, then freeze the rest; returns how many objects
    the collector will no longer walk."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
