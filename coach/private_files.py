"""Owner-only files: the database, recordings and exports are personal data.

The process creates every file 0600 and every folder 0700 (umask 077), and the instance
folder, the recordings folder and the SQLite files are set owner-only at start-up, so data
written by an earlier version with a looser umask is closed off too (a file inside a 0700
folder cannot be reached by anyone else).
"""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY_DIR = 0o700
OWNER_ONLY_FILE = 0o600
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def restrict_new_files() -> None:
    """Files and folders this process creates from now on are its owner's alone."""
    os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create ``path`` if needed and make it owner-only."""
    path.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
    os.chmod(path, OWNER_ONLY_DIR)
    return path


def private_sqlite_files(url: str) -> None:
    """Make an existing SQLite database (and its WAL/SHM files) owner-only."""
    if not url.startswith("sqlite:///") or url == "sqlite:///:memory:":
        return
    database = Path(url.removeprefix("sqlite:///"))
    for suffix in _SQLITE_SUFFIXES:
        path = database.with_name(database.name + suffix)
        if path.is_file():
            os.chmod(path, OWNER_ONLY_FILE)
