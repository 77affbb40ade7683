"""Content errors, always worded ``file:dotted.path: message`` so authors can find the spot."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails

Loc = Sequence[str | int]
LineOf = Callable[[Loc], int | None]

_SCALARS = (str, int, float, bool, type(None))
_MAX_SHOWN_INPUT = 60


class ContentError(Exception):
    """Content failed to load; ``errors`` holds every problem found, not just the first."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


def located(source: str, loc: Loc, message: str) -> str:
    """``source:dotted.path: message`` (just ``source: message`` for the file as a whole)."""
    path = ".".join(str(part) for part in loc)
    return f"{source}:{path}: {message}" if path else f"{source}: {message}"


def validation_messages(
    source: str,
    exc: ValidationError,
    line_of: LineOf | None = None,
    union_tags: Collection[str] = (),
) -> list[str]:
    """Translate pydantic errors into author-facing lines, with the YAML line when known.

    ``union_tags`` are the tags of tagged unions in the schema: pydantic puts the tag into the
    path after a list index, where the file has no such key, so it is left out. A list that is
    too short only because its items failed is not reported again: the item errors say why.
    """
    errors = exc.errors(include_url=False)
    locs = [_without_tags(error["loc"], union_tags) for error in errors]
    messages = []
    for error, loc in zip(errors, locs, strict=True):
        if error["type"] == "too_short" and any(_under(other, loc) for other in locs):
            continue
        message = _describe(error)
        line = line_of(loc) if line_of else None
        if line is not None:
            message += f" (line {line})"
        messages.append(located(source, loc, message))
    return messages


def _without_tags(loc: Loc, tags: Collection[str]) -> tuple[str | int, ...]:
    return tuple(
        part
        for i, part in enumerate(loc)
        if not (part in tags and i and isinstance(loc[i - 1], int))
    )


def _under(loc: Loc, parent: Loc) -> bool:
    return len(loc) > len(parent) and tuple(loc[: len(parent)]) == tuple(parent)


def _describe(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        return f"unknown key {error['loc'][-1]!r}: extra keys are not allowed"
    message = error["msg"].removeprefix("Value error, ")
    if message[:2].istitle():
        message = message[0].lower() + message[1:]
    shown = error.get("input")
    if kind != "value_error" and isinstance(shown, _SCALARS):
        text = repr(shown)
        if len(text) <= _MAX_SHOWN_INPUT:
            message += f", got {text}"
    return message
