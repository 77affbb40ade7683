"""A bounded, thread-safe memo of per-text results computed in batches.

A role-play reply re-judges the whole call so far, so the same turns come back reply after
reply; what a head said of a text depends on that text alone, so it is worked out once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BatchMemo(Generic[K, V]):
    """Remembers the latest ``size`` results by key, least recently used out first."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a memo must hold at least one result")
        self._size = size
        self._values: OrderedDict[K, V] = OrderedDict()
        # Web requests run in threads and share one model (and so one memo).
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def get_many(self, keys: Sequence[K], compute: Callable[[list[K]], Sequence[V]]) -> list[V]:
        """The result for each key, in order; ``compute`` gets the keys not held (each once,
        in first-seen order) and must return their results in that order. It runs outside
        the lock, so two threads may both compute one key; they get equal results."""
        with self._lock:
            known = {k: self._values[k] for k in keys if k in self._values}
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        fresh = dict(zip(missing, compute(missing), strict=True)) if missing else {}
        with self._lock:
            for key in dict.fromkeys(keys):
                if key in fresh:
                    self._values[key] = fresh[key]
                elif key in self._values:
                    self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return [fresh[k] if k in fresh else known[k] for k in keys]
