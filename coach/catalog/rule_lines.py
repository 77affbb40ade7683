"""Labelled rule lines (``rule_lines/<writer>/<jurisdiction>.jsonl``): what the learned
compliance detectors train on, one writer's voice per folder so figures can leave one out."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from coach.catalog.corpora import json_object, read_jsonl
from coach.catalog.errors import ContentError
from coach.corpus import NEGATIVE_KINDS, POSITIVE_KINDS, RuleLine, RuleLines

_KEYS = ("rule", "label", "text", "kind", "debtor_before", "source")
_SHAPE = '{"rule": "...", "label": "positive", "kind": "direct", "text": "..."}'
_MAX_WORDS = 120
JURISDICTION_FILES = {"us": "US", "uk": "UK", "in": "IN"}


def load_rule_lines(path: Path, source: str) -> RuleLines:
    """One writer's file, or ``ContentError`` listing every bad line."""
    parts = Path(source).parts
    writer, stem = parts[-2], Path(source).stem
    jurisdiction = JURISDICTION_FILES.get(stem)
    if jurisdiction is None:
        allowed = ", ".join(f"{name}.jsonl" for name in JURISDICTION_FILES)
        raise ContentError([f"{source}: the file name must be one of {allowed}"])
    lines = read_jsonl(path, source, parse_rule_line)
    return RuleLines(writer=writer, jurisdiction=jurisdiction, lines=tuple(lines))


def parse_rule_line(line: str) -> tuple[RuleLine | None, str]:
    """One line as a :class:`RuleLine`, or ``None`` and the first thing wrong with it."""
    row, problem = json_object(line, _SHAPE)
    if row is None:
        return None, problem
    problem = _problem(row)
    if problem:
        return None, problem
    return RuleLine(**row), ""


def _problem(row: dict[str, Any]) -> str:
    unknown = sorted(set(row) - set(_KEYS))
    if unknown:
        return f"unknown key {unknown[0]!r} (allowed: {', '.join(_KEYS)})"
    for key in ("rule", "text", "kind"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            return f"{key!r} must be non-empty text"
    for key in ("debtor_before", "source"):
        if key in row and not isinstance(row[key], str):
            return f"{key!r} must be text when given"
    label = row.get("label")
    if label not in ("positive", "negative"):
        return f"label {label!r} is not one of positive, negative"
    kinds = POSITIVE_KINDS if label == "positive" else NEGATIVE_KINDS
    if row["kind"] not in kinds:
        return f"kind {row['kind']!r} is not a {label} kind ({', '.join(kinds)})"
    if len(row["text"].split()) > _MAX_WORDS:
        return f"'text' is one agent turn: at most {_MAX_WORDS} words"
    return ""


def check_rule_lines(lines: RuleLines, source: str, context: Any) -> list[str]:
    """Cross-check: every rule id exists in the rule pack of the file's jurisdiction
    (silent while a rule pack is broken: its own errors say why)."""
    packs = list(context.loaded.get("rules", {}).values())
    if not packs or "rules" in context.failed:
        return []
    jurisdiction_of = {rule.id: pack.jurisdiction for pack in packs for rule in pack.rules}
    here = sorted(r for r, j in jurisdiction_of.items() if j == lines.jurisdiction)
    errors = []
    for rule_id in sorted({line.rule for line in lines.lines} - set(here)):
        if rule_id in jurisdiction_of:
            reason = f"a {jurisdiction_of[rule_id]} rule in a {lines.jurisdiction} file"
        else:
            close = difflib.get_close_matches(rule_id, here, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            reason = f"no {lines.jurisdiction} rule pack defines it{hint}"
        errors.append(f"{source}: unknown rule id {rule_id!r}: {reason}")
    return errors
