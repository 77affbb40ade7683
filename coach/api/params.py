"""Query parameters of the API's lists: parsed strictly, refused by name (400) when unusable.

A typo in a filter must not quietly widen a sync to everything, so an unknown parameter is
refused too.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime
from typing import TypeVar

from coach.api.errors import BadParameter
from coach.web.ids import MAX_ID

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
PAGING = ("limit", "after")

T = TypeVar("T")


def require_known(args: Mapping[str, str], allowed: Collection[str]) -> None:
    for name in args:
        if name not in allowed:
            known = ", ".join(sorted(allowed))
            raise BadParameter(name, f"Unknown parameter {name!r}; this list takes: {known}.")


def integer(args: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = args.get(name)
    if raw is None:
        return None
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise BadParameter(name, f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def record_id(args: Mapping[str, str], name: str) -> int | None:
    return integer(args, name, 1, MAX_ID)


def limit(args: Mapping[str, str]) -> int:
    return integer(args, "limit", 1, MAX_LIMIT) or DEFAULT_LIMIT


def moment(args: Mapping[str, str], name: str) -> datetime | None:
    """An ISO 8601 date (its midnight) or date-time; without a zone it is UTC."""
    raw = args.get(name)
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise BadParameter(
            name,
            f"{name} must be an ISO 8601 date or time, e.g. 2026-01-31 or 2026-01-31T09:00:00Z "
            "(write a + in a zone offset as %2B).",
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def choice(args: Mapping[str, str], name: str, values: Mapping[str, T]) -> T | None:
    """One of ``values`` by its API spelling."""
    raw = args.get(name)
    if raw is None:
        return None
    if raw not in values:
        raise BadParameter(name, f"{name} must be one of: {', '.join(values)}.")
    return values[raw]
