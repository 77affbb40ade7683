"""Transcripts for scoring tests, written as ``"agent: ..."`` / ``"debtor: ..."`` lines."""

from __future__ import annotations

from coach.scoring.compliance.assess import ComplianceResult
from coach.transcript import Transcript, Turn


def call(*lines: str) -> Transcript:
    """A text-only transcript, one turn per ``"speaker: text"`` line."""
    turns = []
    for line in lines:
        speaker, text = line.split(":", 1)
        turns.append(Turn(speaker=speaker.strip(), text=text.strip()))
    return Transcript(turns=tuple(turns))


def rule_ids(result: ComplianceResult) -> set[str]:
    """The ids of every rule with a finding in ``result``."""
    return {f.rule_id for f in result.findings}
