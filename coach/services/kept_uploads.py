"""A recording kept between a refused New call form and its corrected resubmission.

Browsers cannot fill a file input from the server, so when the form is refused for one of
its other fields the recording is kept here instead of being sent again: an owner-only file
under the instance folder (size-checked as any upload), found by an unguessable token that
only its uploader can use, and removed when used, replaced, or an hour old.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from coach.models import User
from coach.private_files import private_dir
from coach.services.calls import copy_within, disk_space_checked
from coach.storage import temporary_file

log = logging.getLogger(__name__)

KEEP_FOR_S = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class KeptUpload:
    token: str
    filename: str
    size: int
    path: Path


def keep(owner: User, stream: BinaryIO, filename: str) -> KeptUpload:
    """Keep an upload for ``owner``; TooLarge past the upload limit, NoRoom on a full disk."""
    folder = _folder()
    _remove_expired(folder)
    token = secrets.token_urlsafe(24)
    with disk_space_checked(), temporary_file(folder, ".part") as (out, partial):
        size = copy_within(stream, out, current_app.config["COACH"]["MAX_UPLOAD_MB"])
        out.close()
        os.replace(partial, _data(folder, token))
    name = Path(filename or "").name[:200]
    meta = {"owner_id": owner.id, "filename": name, "size": size, "kept_at": time.time()}
    _meta(folder, token).write_text(json.dumps(meta), encoding="utf-8")
    return KeptUpload(token, name, size, _data(folder, token))


def find(owner: User, token: str | None) -> KeptUpload | None:
    """``owner``'s kept upload under ``token``; None when there is none, it expired, or it
    is someone else's (whose existence is not revealed)."""
    if not token or not _TOKEN.match(token):
        return None
    folder = _folder()
    try:
        meta = json.loads(_meta(folder, token).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = _data(folder, token)
    if meta.get("owner_id") != owner.id or not path.is_file():
        return None
    if time.time() - float(meta.get("kept_at", 0)) > KEEP_FOR_S:
        _remove(folder, token)
        return None
    return KeptUpload(token, str(meta["filename"]), int(meta["size"]), path)


def discard(kept: KeptUpload) -> None:
    _remove(_folder(), kept.token)


def _remove_expired(folder: Path) -> None:
    cutoff = time.time() - KEEP_FOR_S
    for path in folder.glob("*.kept"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                _remove(folder, path.stem)
                log.info("removed a kept upload nobody came back for")


def _remove(folder: Path, token: str) -> None:
    _data(folder, token).unlink(missing_ok=True)
    _meta(folder, token).unlink(missing_ok=True)


def _folder() -> Path:
    with disk_space_checked():
        return private_dir(Path(current_app.instance_path) / "kept-uploads")


def _data(folder: Path, token: str) -> Path:
    return folder / f"{token}.kept"


def _meta(folder: Path, token: str) -> Path:
    return folder / f"{token}.json"
