"""Normalised views of turn text: lowercase, apostrophe-free, one space, offsets kept.

Rule patterns are written against this form ("dont", "youll", "im"), so they match both
punctuated transcripts and ASR output, while every span still maps back to the exact
original words for quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_APOSTROPHES = "'\u2018\u2019`\u00b4"
_DASHES = "-\u2013\u2014"
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n")
_CLAUSE_BREAK = re.compile(
    r"[,;:()\u2026]|\.\.\.|\b(?:but|however|though|although|and|so|because|unless|otherwise"
    r"|if|when|or else|whereas)\b"
)
_WORD = re.compile(r"\S+")
# ASR text has no sentence marks; long stretches are cut into overlapping windows so one
# embedding does not average a whole monologue.
_WINDOW_WORDS = 16
_LONG_SENTENCE_WORDS = 24
# A quote is the sentence around a match, cut to this many words either side when the
# sentence is an unpunctuated stretch of ASR text.
_QUOTE_CONTEXT_WORDS = 12


@dataclass(frozen=True)
class NormText:
    """A text's normalised form plus the original offset of every normalised character."""

    original: str
    text: str
    offsets: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised ``[start, end)`` span to the original text."""
        if start >= end:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def quote(self, start: int, end: int) -> str:
        """The original words behind a normalised span."""
        s, e = self.original_span(start, end)
        return self.original[s:e].strip()

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """Sentence spans (the whole text when there is no punctuation)."""
        spans, start = [], 0
        for m in _SENTENCE_END.finditer(self.text):
            if self.text[start : m.start()].strip():
                spans.append((start, m.start()))
            start = m.end()
        if self.text[start:].strip():
            spans.append((start, len(self.text)))
        return tuple(spans)

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence span that contains ``pos``."""
        for start, end in self.sentences:
            if start <= pos < end:
                return start, end
        return 0, len(self.text)

    def clause_at(self, pos: int) -> tuple[int, int]:
        """The clause (sentence cut at commas and conjunctions) that contains ``pos``."""
        s_start, s_end = self.sentence_at(pos)
        start, end = s_start, s_end
        for m in _CLAUSE_BREAK.finditer(self.text, s_start, s_end):
            if m.end() <= pos:
                start = m.end()
            elif m.start() > pos:
                end = m.start()
                break
        return start, end

    def quote_span(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around a match, or a word window around it in a very long sentence."""
        s_start, s_end = self.sentence_at(start)
        words = [m.span() for m in _WORD.finditer(self.text, s_start, s_end)]
        if len(words) <= 2 * _QUOTE_CONTEXT_WORDS + 1:
            return s_start, s_end
        first = next(i for i, (_, e) in enumerate(words) if e > start)
        last = max(i for i, (b, _) in enumerate(words) if b < end)
        lo = max(0, first - _QUOTE_CONTEXT_WORDS)
        hi = min(len(words) - 1, last + _QUOTE_CONTEXT_WORDS)
        return words[lo][0], words[hi][1]

    def chunks(self) -> tuple[tuple[int, int], ...]:
        """Spans to embed: sentences, with long ones cut into overlapping word windows."""
        out: list[tuple[int, int]] = []
        for start, end in self.sentences:
            words = [
                (m.start() + start, m.end() + start) for m in _WORD.finditer(self.text[start:end])
            ]
            if len(words) <= _LONG_SENTENCE_WORDS:
                out.append((start, end))
                continue
            step = _WINDOW_WORDS // 2
            for i in range(0, len(words) - step, step):
                window = words[i : i + _WINDOW_WORDS]
                out.append((window[0][0], window[-1][1]))
        return tuple(out)


def normalize(text: str) -> NormText:
    """Lowercase, drop apostrophes, turn dashes into spaces and collapse whitespace."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if ch in _APOSTROPHES:
            continue
        if ch in _DASHES or (ch.isspace() and ch != "\n"):
            ch = " "
        if ch in " \n" and (not chars or chars[-1] in " \n"):
            continue
        chars.append(ch.lower())
        offsets.append(i)
    while chars and chars[-1] in " \n":
        chars.pop()
        offsets.pop()
    offsets.append(len(text))
    return NormText(original=text, text="".join(chars), offsets=tuple(offsets))
