"""Reading one content file: safe YAML, a mapping at the top, and line numbers for errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from coach.catalog.errors import ContentError, LineOf, Loc, located

_TYPE_WORDS = {list: "a list", str: "plain text", int: "a number", float: "a number"}


def read_mapping(path: Path, source: str) -> tuple[str, dict[str, Any]]:
    """The file's text and its top-level mapping; ``ContentError`` for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([located(source, (), "not UTF-8 text")]) from None
    except OSError as exc:
        raise ContentError([located(source, (), f"cannot be read ({exc.strerror})")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError([_syntax_message(source, exc)]) from None
    if not isinstance(data, dict):
        found = "an empty file" if data is None else _TYPE_WORDS.get(type(data), "a value")
        message = f"the top level must be a mapping of keys to values, found {found}"
        raise ContentError([located(source, (), message)])
    return text, data


def line_locator(text: str) -> LineOf:
    """Maps a dotted path to its 1-based line: the deepest node that exists (for a missing
    key, its parent), so an error points into the file. Built only once a file has errors."""
    root = _compose(text)

    def line_of(loc: Loc) -> int | None:
        node, line = root, None
        for part in loc:
            node, found = _child(node, part)
            if node is None:
                break
            line = found
        return line

    return line_of


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node | None, int]:
    """The child at ``part`` and its line (a key's own line, where the author wrote it)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value, key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item = node.value[part]
        return item, item.start_mark.line + 1
    return None, 0


def _syntax_message(source: str, exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return located(source, (), f"invalid YAML: {exc}")
    what = ", ".join(p for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p)
    return f"{source}:line {mark.line + 1}: invalid YAML: {what} (column {mark.column + 1})"
