"""Files in the model cache that are trusted only when their digest sidecar matches.

Heads, the exported encoder graph and rule-exemplar embeddings are written here by one
process and read by others (web server, workers, CLI). Each file ``name.ext`` has a sidecar
``name.sha256``; a reader that finds it missing or different (a torn write, a racing writer,
an edited file) treats the entry as absent and rebuilds it, never loads it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def read_verified(path: Path) -> bytes | None:
    """The bytes of ``path`` if its sidecar digest matches them, else ``None``."""
    digest_path = _sidecar(path)
    if not (path.is_file() and digest_path.is_file()):
        return None
    payload = path.read_bytes()
    if hashlib.sha256(payload).hexdigest() != digest_path.read_text().strip():
        return None
    return payload


def write_verified(path: Path, payload: bytes) -> None:
    """Save ``payload``, then its digest: a reader racing the writer sees a mismatch."""
    _atomic_write(path, payload)
    _atomic_write(_sidecar(path), hashlib.sha256(payload).hexdigest().encode())


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".sha256")


def _atomic_write(target: Path, data: bytes) -> None:
    """Temp file + rename, so concurrent workers never read half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)
