"""Find every number to redact in a text and replace each with its visible marker."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coach.privacy.detectors import (
    LONG_NUMBER_DIGITS,
    PATTERNS,
    checked_claims,
    context_kind,
)
from coach.privacy.digits import DigitToken, digit_runs
from coach.privacy.kinds import Kind, marker

# Money is what a collection call is about and scoring reads it: "$1,250.00", "£300",
# "12,500" are amounts, never identifiers, so their digits are left alone.
_SEPARATORS = re.compile(r"[\s,.\-/]*")
_AMOUNT = re.compile(r"[$£€₹]\s?\d[\d,]*(?:\.\d+)?|\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b")


@dataclass(frozen=True)
class Redaction:
    """``text[start:end]`` is a number of ``kind``."""

    start: int
    end: int
    kind: Kind


def find_redactions(text: str) -> list[Redaction]:
    """Every number to redact in ``text``, in order, never overlapping."""
    found = [
        Redaction(m.start(), m.end(), kind)
        for kind, pattern in PATTERNS.items()
        for m in pattern.finditer(text)
    ]
    skip = [(r.start, r.end) for r in found] + [m.span() for m in _AMOUNT.finditer(text)]
    for run in digit_runs(text, skip):
        found += _run_redactions(text, run)
    return _merged(text, found)


def redact_text(text: str) -> str:
    """``text`` with each number to redact replaced by its marker."""
    pieces, position = [], 0
    for redaction in find_redactions(text):
        pieces += [text[position : redaction.start], marker(redaction.kind)]
        position = redaction.end
    return "".join(pieces) + text[position:]


def _run_redactions(text: str, run: list[DigitToken]) -> list[Redaction]:
    claims = checked_claims(run)
    found = [Redaction(run[c.first].start, run[c.last].end, c.kind) for c in claims]
    taken = {i for c in claims for i in range(c.first, c.last + 1)}
    # Digits run on beside a card number are most likely part of it, misheard (a Luhn window
    # inside a number that lost a digit): they go with it unless the words say otherwise.
    beside_card = any(c.kind == Kind.CARD for c in claims)
    for stretch in _stretches(len(run), taken):
        tokens = [run[i] for i in stretch]
        digits = "".join(t.digits for t in tokens)
        start, end = tokens[0].start, tokens[-1].end
        said = context_kind(text, digits, start, end)
        if said is not None:
            found.append(Redaction(said[1], said[2], said[0]))
        elif beside_card:
            found.append(Redaction(start, end, Kind.CARD))
        elif len(digits) >= LONG_NUMBER_DIGITS:
            found.append(Redaction(start, end, Kind.LONG_NUMBER))
    return found


def _stretches(length: int, taken: set[int]) -> list[list[int]]:
    """Maximal runs of consecutive token indexes not in ``taken``."""
    stretches: list[list[int]] = []
    for index in range(length):
        if index in taken:
            continue
        if stretches and stretches[-1][-1] == index - 1:
            stretches[-1].append(index)
        else:
            stretches.append([index])
    return stretches


def _merged(text: str, found: list[Redaction]) -> list[Redaction]:
    """In order, overlaps dropped, and neighbours of one kind with only separators between
    them joined (one number, one marker)."""
    kept: list[Redaction] = []
    for redaction in sorted(found, key=lambda r: (r.start, -r.end)):
        if kept and redaction.start < kept[-1].end:
            continue
        gap = text[kept[-1].end : redaction.start] if kept else None
        if gap is not None and kept[-1].kind == redaction.kind and _SEPARATORS.fullmatch(gap):
            kept[-1] = Redaction(kept[-1].start, redaction.end, redaction.kind)
        else:
            kept.append(redaction)
    return kept
