"""Content identities: what a usage row pins so that editing a file never rewrites history."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ContentIdentity:
    """One loaded content entry: its kind, id, declared (or derived) version and file hash.

    ``version`` is what the author declared (a rule pack's or scorecard's ``version``); a file
    that declares none (a corpus) is versioned by its hash, so any edit is a new version.
    """

    kind: str
    id: str
    version: str
    sha256: str

    def as_pin(self) -> dict[str, str]:
        """The JSON a usage row stores."""
        return asdict(self)


def file_digest(data: bytes) -> str:
    """SHA-256 of a content file's bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def derived_version(digest: str) -> str:
    """The version of a file that declares none: a short prefix of its hash."""
    return f"sha256:{digest[:12]}"
