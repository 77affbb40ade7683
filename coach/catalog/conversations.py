"""Labelled conversation corpora, one writer a file: agent replies flagged for listening and
empathy (``listening/<writer>.jsonl``) and short calls labelled with their outcome
(``outcomes/<writer>.jsonl``). They train the listening and outcome heads."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from coach.catalog.corpora import json_object, read_jsonl
from coach.corpus import ListeningPair, OutcomeCall, WriterCorpus
from coach.scoring.negotiation import OUTCOMES

_LOCALES = ("US", "UK", "IN")
_PAIR_KEYS = ("debtor", "agent", "active_listening", "empathy", "locale")
_PAIR_SHAPE = '{"debtor": "...", "agent": "...", "active_listening": true, "empathy": false}'
_CALL_KEYS = ("id", "locale", "turns", "outcome")
_CALL_SHAPE = '{"turns": [{"speaker": "agent", "text": "..."}], "outcome": "refusal"}'
_SPEAKERS = ("agent", "debtor")
_MAX_TURNS = 40
_MAX_WORDS = 200


def load_listening_pairs(path: Path, source: str) -> WriterCorpus:
    """One writer's pairs, or ``ContentError`` listing every bad line."""
    return WriterCorpus(Path(source).stem, tuple(read_jsonl(path, source, parse_listening_pair)))


def load_outcome_calls(path: Path, source: str) -> WriterCorpus:
    """One writer's calls, or ``ContentError`` listing every bad line."""
    return WriterCorpus(Path(source).stem, tuple(read_jsonl(path, source, parse_outcome_call)))


def parse_listening_pair(line: str) -> tuple[ListeningPair | None, str]:
    row, problem = json_object(line, _PAIR_SHAPE)
    if row is None:
        return None, problem
    problem = _unknown_keys(row, _PAIR_KEYS) or _locale(row)
    for key in ("debtor", "agent"):
        problem = problem or _text(row.get(key), key)
    for key in ("active_listening", "empathy"):
        if not problem and not isinstance(row.get(key), bool):
            problem = f"{key!r} must be true or false"
    if problem:
        return None, problem
    flags = (row["active_listening"], row["empathy"])
    return ListeningPair(row["debtor"], row["agent"], *flags), ""


def parse_outcome_call(line: str) -> tuple[OutcomeCall | None, str]:
    row, problem = json_object(line, _CALL_SHAPE)
    if row is None:
        return None, problem
    problem = _unknown_keys(row, _CALL_KEYS) or _locale(row)
    if not problem and row.get("outcome") not in OUTCOMES:
        problem = f"outcome {row.get('outcome')!r} is not one of {', '.join(OUTCOMES)}"
    turns = row.get("turns")
    if not isinstance(turns, list) or not 1 <= len(turns) <= _MAX_TURNS:
        return None, problem or f"'turns' must be a list of 1 to {_MAX_TURNS} turns"
    for number, turn in enumerate(turns, 1):
        problem = problem or _turn_problem(turn, number)
    if problem:
        return None, problem
    pairs = tuple((turn["speaker"], turn["text"]) for turn in turns)
    return OutcomeCall(pairs, row["outcome"]), ""


def _turn_problem(turn: Any, number: int) -> str:
    if not isinstance(turn, Mapping) or set(turn) != {"speaker", "text"}:
        return f'turn {number} must be {{"speaker": ..., "text": ...}}'
    if turn["speaker"] not in _SPEAKERS:
        return f"turn {number}: speaker {turn['speaker']!r} is not one of agent, debtor"
    return _text(turn["text"], f"turn {number} text")


def _unknown_keys(row: Mapping[str, Any], allowed: tuple[str, ...]) -> str:
    unknown = sorted(set(row) - set(allowed))
    return f"unknown key {unknown[0]!r} (allowed: {', '.join(allowed)})" if unknown else ""


def _locale(row: Mapping[str, Any]) -> str:
    if "locale" in row and row["locale"] not in _LOCALES:
        return f"locale {row['locale']!r} is not one of {', '.join(_LOCALES)}"
    return ""


def _text(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        return f"{key!r} must be non-empty text"
    if len(value.split()) > _MAX_WORDS:
        return f"{key!r} is one turn: at most {_MAX_WORDS} words"
    return ""
