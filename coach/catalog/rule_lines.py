"""Labelled rule lines (``rule_lines/<writer>/<jurisdiction>.jsonl``): what the learned
compliance detectors train on, one writer's voice per folder so figures can leave one out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coach.catalog.corpora import (
    LabelledLineShape,
    json_object,
    labelled_line_problem,
    read_jsonl,
)
from coach.catalog.errors import ContentError
from coach.corpus import NEGATIVE_KINDS, POSITIVE_KINDS, RuleLine, RuleLines
from coach.hints import did_you_mean

_KEYS = ("rule", "label", "text", "kind", "debtor_before", "source")
_SHAPE = '{"rule": "...", "label": "positive", "kind": "direct", "text": "..."}'
_LINE = LabelledLineShape(
    keys=_KEYS,
    required_text=("rule", "text", "kind"),
    optional_text=("debtor_before", "source"),
    positive_kinds=POSITIVE_KINDS,
    negative_kinds=NEGATIVE_KINDS,
    max_words=120,
    unit="one agent turn",
)
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
    problem = labelled_line_problem(row, _LINE)
    if problem:
        return None, problem
    return RuleLine(**row), ""


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
            reason = f"no {lines.jurisdiction} rule pack defines it{did_you_mean(rule_id, here)}"
        errors.append(f"{source}: unknown rule id {rule_id!r}: {reason}")
    return errors
