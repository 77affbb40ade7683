"""Labelled corpora (``*.jsonl``): one ``{"text": ..., "label": ...}`` object a line.

Every bad line is reported as ``file:line N: message`` before anything trains on it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from coach.catalog.errors import ContentError
from coach.corpus import Corpus, LabelledText

T = TypeVar("T")
# More than this many bad lines in one file are summarised (a wrong file, not a typo).
_MAX_LINE_ERRORS = 20


def corpus_loader(classes: tuple[str, ...]) -> Callable[[Path, str], Corpus]:
    """A loader for corpus files whose labels must be among ``classes``."""

    def load(path: Path, source: str) -> Corpus:
        return read_corpus(path, source, classes)

    return load


def read_corpus(path: Path, source: str, classes: tuple[str, ...]) -> Corpus:
    """The file's examples, or ``ContentError`` listing every bad line."""
    return Corpus(tuple(read_jsonl(path, source, lambda line: parse_line(line, classes))))


def read_jsonl(path: Path, source: str, parse: Callable[[str], tuple[T | None, str]]) -> list[T]:
    """Every non-blank line of a ``.jsonl`` file through ``parse`` (which returns the value, or
    ``None`` and why not), or ``ContentError`` listing every bad line as ``file:line N: …``."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ContentError([f"{source}: not UTF-8 text"]) from None
    except OSError as exc:
        raise ContentError([f"{source}: cannot be read ({exc.strerror})"]) from None
    values: list[T] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        value, problem = parse(line)
        if value is None:
            errors.append(f"{source}:line {number}: {problem}")
        else:
            values.append(value)
    if not errors and not values:
        errors.append(f"{source}: no examples (one JSON object a line)")
    if len(errors) > _MAX_LINE_ERRORS:
        more = len(errors) - _MAX_LINE_ERRORS
        errors = [*errors[:_MAX_LINE_ERRORS], f"{source}: … and {more} more bad line(s)"]
    if errors:
        raise ContentError(errors)
    return values


def json_object(line: str, example: str) -> tuple[dict[str, Any] | None, str]:
    """The line as a JSON object, or ``None`` and why not (``example`` shows the shape)."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} (column {exc.colno})"
    if not isinstance(row, dict):
        return None, f"each line must be a JSON object like {example}"
    return row, ""


def parse_line(line: str, classes: tuple[str, ...]) -> tuple[LabelledText | None, str]:
    """One line as an example, or ``None`` and the reason it is not one."""
    row, problem = json_object(line, '{"text": "...", "label": "..."}')
    if row is None:
        return None, problem
    text, label = row.get("text"), row.get("label")
    if not isinstance(text, str) or not text.strip():
        return None, "'text' must be non-empty text"
    if label not in classes:
        return None, f"label {label!r} is not one of {', '.join(classes)}"
    return LabelledText(text=text, label=label), ""


@dataclass(frozen=True)
class LabelledLineShape:
    """What one labelled-line corpus allows: its keys, the keys that must be text (the first
    of them names what the line is labelled for), the kinds per label, and a length cap."""

    keys: tuple[str, ...]
    required_text: tuple[str, ...]
    optional_text: tuple[str, ...]
    positive_kinds: tuple[str, ...]
    negative_kinds: tuple[str, ...]
    max_words: int
    unit: str  # what ``text`` is, for the length message ("one agent turn")


def labelled_line_problem(row: dict[str, Any], shape: LabelledLineShape) -> str:
    """The first thing wrong with a positive/negative labelled line, or ""."""
    unknown = sorted(set(row) - set(shape.keys))
    if unknown:
        return f"unknown key {unknown[0]!r} (allowed: {', '.join(shape.keys)})"
    for key in shape.required_text:
        if not isinstance(row.get(key), str) or not row[key].strip():
            return f"{key!r} must be non-empty text"
    for key in shape.optional_text:
        if key in row and not isinstance(row[key], str):
            return f"{key!r} must be text when given"
    label = row.get("label")
    if label not in ("positive", "negative"):
        return f"label {label!r} is not one of positive, negative"
    kinds = shape.positive_kinds if label == "positive" else shape.negative_kinds
    if row["kind"] not in kinds:
        return f"kind {row['kind']!r} is not a {label} kind ({', '.join(kinds)})"
    if len(row["text"].split()) > shape.max_words:
        return f"'text' is {shape.unit}: at most {shape.max_words} words"
    return ""
