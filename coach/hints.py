"""The "did you mean ...?" hint every content check gives for an unknown id (a typo is the
usual cause). Its own module so the pure packages and the catalog, which imports them, share it."""

from __future__ import annotations

import difflib
from collections.abc import Collection


def did_you_mean(name: str, known: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``known``, or "" when none is close."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
