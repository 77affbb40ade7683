"""Sentence-encoder matching of transcript chunks against rule exemplars.

Exemplar embeddings are computed once per rule pack and encoder and then reused for every
call (across processes too: see :mod:`coach.nlp.exemplar_cache`); transcript chunks are
embedded in one batch per call and kept in a small LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from coach.nlp.encoder import TextEncoder

_RECENT_TEXTS = 4096


class SemanticMatcher:
    """Scores texts against exemplar sets by cosine similarity (rows are L2-normalised).

    ``known`` holds exemplar rows this encoder made before (read from the model cache); only
    the exemplars missing from it are embedded.
    """

    def __init__(
        self,
        encoder: TextEncoder,
        exemplars: Iterable[str],
        known: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self.encoder = encoder
        self._exemplars: dict[str, np.ndarray] = dict(known or {})
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        # Thread-runner jobs share one matcher per pack; the caches are not thread-safe.
        self._lock = threading.Lock()
        self._add(exemplars)

    def exemplar_rows(self, texts: Sequence[str]) -> np.ndarray:
        """The rows of exemplars this matcher holds, in the order of ``texts``."""
        with self._lock:
            return np.stack([self._exemplars[t] for t in texts])

    def _add(self, texts: Iterable[str]) -> None:
        missing = [t for t in dict.fromkeys(texts) if t not in self._exemplars]
        if missing:
            rows = np.asarray(self.encoder.encode(missing), dtype=np.float32)
            self._exemplars.update(zip(missing, rows, strict=True))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed transcript chunks in one batch, reusing recently seen texts."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        with self._lock:
            return self._embed_locked(texts)

    def _embed_locked(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self._recent]
        if missing:
            rows = np.asarray(self.encoder.encode(missing), dtype=np.float32)
            self._recent.update(zip(missing, rows, strict=True))
        for text in texts:
            self._recent.move_to_end(text)
        rows = np.stack([self._recent[t] for t in texts])
        while len(self._recent) > _RECENT_TEXTS:
            self._recent.popitem(last=False)
        return rows

    def best(self, vectors: np.ndarray, exemplars: Sequence[str]) -> np.ndarray:
        """Highest similarity of each row of ``vectors`` to any of ``exemplars`` (0 if none)."""
        if not exemplars or not len(vectors):
            return np.zeros(len(vectors), dtype=np.float32)
        with self._lock:
            self._add(exemplars)
            matrix = np.stack([self._exemplars[t] for t in exemplars])
        return (vectors @ matrix.T).max(axis=1)


_MATCHERS: dict[str, SemanticMatcher] = {}
_MATCHERS_LOCK = threading.Lock()


def matcher_for(
    key: str,
    encoder: TextEncoder,
    exemplars: Iterable[str],
    known: Mapping[str, np.ndarray] | None = None,
) -> SemanticMatcher:
    """The cached matcher for a pack (``key`` is its digest) and this encoder object; a new
    one starts from the ``known`` rows (see :class:`SemanticMatcher`)."""
    with _MATCHERS_LOCK:
        cached = _MATCHERS.get(key)
        if cached is None or cached.encoder is not encoder:
            cached = _MATCHERS[key] = SemanticMatcher(encoder, exemplars, known)
        return cached
