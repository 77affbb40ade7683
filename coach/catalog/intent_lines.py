"""Labelled trainee replies (``intents/<writer>.jsonl``): what the role-play intent heads
train on, one writer a file so figures can leave one writer out; every intent id must be
defined in ``intents/intents.yaml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach.catalog.corpora import (
    LabelledLineShape,
    json_object,
    labelled_line_problem,
    read_jsonl,
)
from coach.corpus import INTENT_NEGATIVE_KINDS, INTENT_POSITIVE_KINDS, IntentLine, IntentLines
from coach.hints import did_you_mean

_KEYS = ("intent", "label", "kind", "text", "debtor_before", "jurisdiction")
_SHAPE = '{"intent": "greet", "label": "positive", "kind": "direct", "text": "..."}'
_JURISDICTIONS = ("US", "UK", "IN")
_LINE = LabelledLineShape(
    keys=_KEYS,
    required_text=("intent", "text", "kind"),
    optional_text=("debtor_before",),
    positive_kinds=INTENT_POSITIVE_KINDS,
    negative_kinds=INTENT_NEGATIVE_KINDS,
    max_words=120,
    unit="one reply",
)


def load_intent_lines(path: Path, source: str) -> IntentLines:
    """One writer's file, or ``ContentError`` listing every bad line."""
    return IntentLines(Path(source).stem, tuple(read_jsonl(path, source, parse_intent_line)))


def parse_intent_line(line: str) -> tuple[IntentLine | None, str]:
    """One line as an :class:`IntentLine`, or ``None`` and the first thing wrong with it."""
    row, problem = json_object(line, _SHAPE)
    if row is None:
        return None, problem
    problem = _problem(row)
    if problem:
        return None, problem
    return IntentLine(**row), ""


def _problem(row: dict[str, Any]) -> str:
    problem = labelled_line_problem(row, _LINE)
    if not problem and "jurisdiction" in row and row["jurisdiction"] not in _JURISDICTIONS:
        return f"jurisdiction {row['jurisdiction']!r} is not one of {', '.join(_JURISDICTIONS)}"
    return problem


def check_intent_lines(lines: IntentLines, source: str, context: Any) -> list[str]:
    """Cross-check: every intent id is defined in intents.yaml (silent while it is broken:
    its own errors say why)."""
    sets = list(context.loaded.get("intent_set", {}).values())
    if "intent_set" in context.failed:
        return []
    if not sets:
        return [f"{source}: intent lines need intents/intents.yaml to define their intents"]
    known = sorted(sets[0].ids)
    errors = []
    for intent in sorted({line.intent for line in lines.lines} - set(known)):
        hint = did_you_mean(intent, known)
        errors.append(f"{source}: unknown intent {intent!r}: not defined in intents.yaml{hint}")
    return errors
