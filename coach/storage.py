"""Where recordings live: a content-addressed store behind a small protocol.

Files are named by the SHA-256 of their bytes, never by anything a user typed, so names
cannot collide, traverse folders or leak personal data, and identical uploads share a file.
Each write goes to its own owner-only temporary file beside the target and is moved into
place with ``os.replace``: two uploads of the same new file never share a partial name,
and a reader never sees half a recording.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

_CHUNK = 1 << 20


class RecordingStore(Protocol):
    def put(self, source: Path, extension: str) -> str:
        """Store the file at ``source`` and return its content hash."""
        ...

    def path(self, sha256: str, extension: str) -> Path:
        """A local path to read the recording from."""
        ...

    def delete(self, sha256: str, extension: str) -> None: ...


def sha256_of(stream: BinaryIO) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


@contextmanager
def temporary_file(folder: Path, suffix: str) -> Iterator[tuple[BinaryIO, Path]]:
    """A new owner-only file with a unique name in ``folder``, open for writing; removed on
    the way out unless it was moved away (by ``os.replace``) first."""
    fd, name = tempfile.mkstemp(dir=folder, suffix=suffix)  # mode 600, O_EXCL
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle, path
    finally:
        path.unlink(missing_ok=True)


class LocalRecordingStore:
    """Recordings under one folder, sharded by the first two hex digits of the hash."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, source: Path, extension: str) -> str:
        with source.open("rb") as handle:
            sha256 = sha256_of(handle)
        target = self.path(sha256, extension)
        if not target.exists():
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with temporary_file(target.parent, ".part") as (handle, partial):
                with source.open("rb") as original:
                    shutil.copyfileobj(original, handle, _CHUNK)
                handle.close()
                os.replace(partial, target)
        return sha256

    def path(self, sha256: str, extension: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        if not extension.isalnum():
            raise ValueError("invalid recording extension")
        return self.root / sha256[:2] / f"{sha256}.{extension}"

    def delete(self, sha256: str, extension: str) -> None:
        self.path(sha256, extension).unlink(missing_ok=True)
