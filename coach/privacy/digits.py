"""Digits as people say them and Whisper writes them, with where they sit in the text.

"4532 0151", "4-5-3-2", "four five three two", "forty five thirty two", "double four" and
"oh" (for zero) all become digit tokens; a run of them, joined only by spaces, dashes, commas,
dots or slashes, is what the detectors look at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]")
_UNITS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "naught": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_TEENS = {
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
_TENS = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
_REPEATS = {"double": 2, "triple": 3}
_ZERO_WORDS = frozenset({"oh", "o"})  # digits only next to other digits ("Oh, I see" is not)
_PUNCTUATION = {"-", ",", ".", "/", "dash", "slash"}
# Hesitations Whisper writes between groups ("4532, um, 0151") do not end a number.
_FILLERS = {"um", "uh", "er", "erm", "ah", "hmm"}
_SEPARATORS = frozenset(_PUNCTUATION | _FILLERS)
_MAX_SEPARATORS = 3


@dataclass(frozen=True)
class DigitToken:
    """Some digits, the characters they came from, and what joined them to the token before."""

    digits: str
    start: int
    end: int
    joiner: str  # "" (whitespace only), or the separator: "-", ",", ".", "/"
    written: bool  # typed as numerals, not spoken words


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def digit_runs(text: str, skip: list[tuple[int, int]]) -> list[list[DigitToken]]:
    """Runs of digit tokens in ``text``, ignoring characters inside ``skip`` spans."""
    tokens = [
        _Token(m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(text)
        if not any(s <= m.start() < e for s, e in skip)
    ]
    runs: list[list[DigitToken]] = []
    current: list[DigitToken] = []
    joiner, separators, last_end, index = "", 0, -1, 0
    while index < len(tokens):
        parsed = _digit_at(tokens, index)
        if parsed is not None:
            digits, used = parsed
            start, end = tokens[index].start, tokens[index + used - 1].end
            adjacent = current and _only_separators(text[last_end:start])
            if current and not adjacent:
                runs.append(current)
                current = []
            written = tokens[index].text.isdigit()
            current.append(DigitToken(digits, start, end, joiner if current else "", written))
            joiner, separators, last_end, index = "", 0, end, index + used
            continue
        word = tokens[index].text.lower()
        if current and word in _SEPARATORS and separators < _MAX_SEPARATORS:
            separators += 1
            if word in _PUNCTUATION and not joiner:
                joiner = {"dash": "-", "slash": "/"}.get(word, word)
        elif current:
            runs.append(current)
            current, joiner, separators = [], "", 0
        index += 1
    if current:
        runs.append(current)
    return [run for run in (_trim_zero_words(text, run) for run in runs) if run]


def _only_separators(gap: str) -> bool:
    """True when nothing but separators lies between two digit tokens (a skipped span, such
    as an amount or an id already found, is not a separator)."""
    return all(token.lower() in _SEPARATORS for token in _TOKEN.findall(gap))


def _digit_at(tokens: list[_Token], index: int) -> tuple[str, int] | None:
    """The digits the token at ``index`` says and how many tokens it used, if any."""
    word = tokens[index].text.lower()
    if word.isdigit():
        return word, 1
    if word in _UNITS or word in _TEENS:
        return _UNITS.get(word) or _TEENS[word], 1
    if word in _TENS:
        unit = _next_unit(tokens, index)
        if unit is not None:
            return _TENS[word] + unit[0], unit[1]
        return _TENS[word] + "0", 1
    if word in _REPEATS and index + 1 < len(tokens):
        following = tokens[index + 1].text.lower()
        single = following if len(following) == 1 and following.isdigit() else _UNITS.get(following)
        if single is not None:
            return single * _REPEATS[word], 2
    return None


def _next_unit(tokens: list[_Token], index: int) -> tuple[str, int] | None:
    """ "twenty six" or "twenty-six": the unit digit and the tokens used, from ``index``."""
    step = 1
    if index + step < len(tokens) and tokens[index + step].text == "-":
        step += 1
    if index + step < len(tokens):
        unit = _UNITS.get(tokens[index + step].text.lower())
        if unit is not None and unit != "0":
            return unit, step + 1
    return None


def _trim_zero_words(text: str, run: list[DigitToken]) -> list[DigitToken]:
    """A run of nothing but "oh"/"o" is speech, not a number."""
    if all(text[t.start : t.end].lower() in _ZERO_WORDS for t in run):
        return []
    return run
