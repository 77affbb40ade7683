"""Rule-exemplar embeddings kept in the model cache, so a new process does not embed them.

Every rule pack's exemplars (a few hundred sentences) are embedded before the first call is
scored; on two cores that is a second or more of each process's start. The rows are saved
per pack digest and encoder ``model_id`` (the same identity trained heads are versioned by)
as a verified ``.npz`` and read back only when it holds exactly the pack's texts.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from coach.nlp.cache_files import read_verified, write_verified
from coach.nlp.encoder import TextEncoder
from coach.nlp.semantic import SemanticMatcher, matcher_for

# Bump when the file layout below changes.
_FORMAT = 1


def cached_matcher(
    key: str, encoder: TextEncoder, exemplars: Iterable[str], cache_dir: Path
) -> SemanticMatcher:
    """The pack's matcher (``key`` is its digest), its exemplar rows read from ``cache_dir``
    when this encoder embedded these texts before, else embedded now and saved there."""
    texts = list(dict.fromkeys(exemplars))
    version = hashlib.sha256(json.dumps([key, encoder.model_id, _FORMAT]).encode()).hexdigest()
    path = Path(cache_dir) / f"exemplars-{version[:16]}.npz"
    known = _read(path, texts)
    matcher = matcher_for(key, encoder, texts, known)
    if known is None and texts:
        _write(path, texts, matcher.exemplar_rows(texts))
    return matcher


def _read(path: Path, texts: list[str]) -> dict[str, np.ndarray] | None:
    payload = read_verified(path)
    if payload is None:
        return None
    with np.load(io.BytesIO(payload), allow_pickle=False) as stored:
        saved, rows = stored["texts"].tolist(), stored["rows"]
    if saved != texts or rows.shape[0] != len(texts) or rows.dtype != np.float32:
        return None
    return dict(zip(texts, rows, strict=True))


def _write(path: Path, texts: list[str], rows: np.ndarray) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, texts=np.array(texts, dtype=str), rows=rows.astype(np.float32))
    write_verified(path, buffer.getvalue())
