"""What detectors see of a call: normalised turns, metadata, lexicons, semantic matching."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from coach.nlp.normalise import NormText, normalize
from coach.nlp.semantic import SemanticMatcher
from coach.scoring.compliance.negation import has_plain_denial
from coach.scoring.metadata import CallMetadata
from coach.transcript import Transcript

Status = Literal["violation", "missing", "suspected"]
# Which kind of evidence produced a finding (the public ``detector`` key).
DetectorKind = Literal["pattern", "model", "metadata", "sequence"]
LEXICON_REF = "@"
# A semantic hit must beat the closest compliant example by this much, so a sentence that
# looks like both a threat and its denial is not called a threat.
SEMANTIC_MARGIN = 0.05


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern (case-insensitive; text is already lowercase)."""
    return re.compile(pattern, re.IGNORECASE)


# Patterns that refer to their own groups cannot be joined into one alternation.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=")


@lru_cache(maxsize=4096)
def _alternation(sources: tuple[str, ...]) -> re.Pattern[str] | None:
    """All ``sources`` as one pattern that matches wherever any of them does (a fast "no"),
    or ``None`` when they cannot be joined safely."""
    if len(sources) < 2 or any(_GROUP_REFERENCE.search(p) for p in sources):
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in sources), re.IGNORECASE)
    except re.error:
        return None


@dataclass(frozen=True)
class TurnView:
    """One turn as detectors read it."""

    index: int
    speaker: str
    norm: NormText


@dataclass(frozen=True)
class Hit:
    """Evidence for one finding; ``span`` is a normalised span within ``turn``."""

    status: Status
    turn: int | None = None
    span: tuple[int, int] | None = None
    note: str = ""
    detector: DetectorKind = "pattern"
    confidence: float = 1.0


@dataclass(frozen=True)
class Verdict:
    """A detector's answer for one call."""

    hits: tuple[Hit, ...] = ()
    satisfied_by: tuple[int, ...] = ()
    unassessable: str | None = None


class CallContext:
    """One call prepared once and shared by every detector of a pack."""

    def __init__(
        self,
        transcript: Transcript,
        metadata: CallMetadata,
        lexicons: Mapping[str, tuple[str, ...]],
        matcher: SemanticMatcher | None = None,
    ) -> None:
        self.turns = tuple(
            TurnView(i, t.speaker, normalize(t.text)) for i, t in enumerate(transcript.turns)
        )
        self.metadata = metadata
        self.matcher = matcher
        self._lexicons = lexicons
        self._chunks: dict[int, tuple[tuple[tuple[int, int], ...], np.ndarray]] = {}
        self._pattern_cache: dict[
            tuple[str, ...], tuple[tuple[re.Pattern[str], ...], re.Pattern[str] | None]
        ] = {}

    def agent_turns(self, after: int = -1) -> Iterator[TurnView]:
        """Agent turns with an index greater than ``after``."""
        return (t for t in self.turns if t.speaker == "agent" and t.index > after)

    def patterns(self, items: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
        """Compile ``items``, expanding ``@name`` references to the pack's lexicons."""
        return self._compiled(items)[0]

    def matches(self, turn: TurnView, items: tuple[str, ...]) -> list[re.Match[str]]:
        """Every match of ``items`` in the turn, in text order."""
        patterns, any_of = self._compiled(items)
        # Most turns match none of a rule's patterns: one pass of the alternation says so.
        if any_of is not None and any_of.search(turn.norm.text) is None:
            return []
        found = [m for p in patterns for m in p.finditer(turn.norm.text)]
        return sorted(found, key=lambda m: (m.start(), -m.end()))

    def _compiled(
        self, items: tuple[str, ...]
    ) -> tuple[tuple[re.Pattern[str], ...], re.Pattern[str] | None]:
        cached = self._pattern_cache.get(items)
        if cached is None:
            sources: list[str] = []
            for item in items:
                if item.startswith(LEXICON_REF):
                    sources.extend(self._lexicons[item[1:]])
                else:
                    sources.append(item)
            compiled = tuple(compile_pattern(p) for p in sources)
            cached = self._pattern_cache[items] = (compiled, _alternation(tuple(sources)))
        return cached

    def search(self, turn: TurnView, items: tuple[str, ...]) -> re.Match[str] | None:
        """The earliest match of ``items`` in the turn, if any."""
        found = self.matches(turn, items)
        return found[0] if found else None

    def semantic_hit(
        self,
        turn: TurnView,
        positives: tuple[str, ...],
        negatives: tuple[str, ...],
        threshold: float,
        *,
        skip_denials: bool,
    ) -> tuple[int, int] | None:
        """The chunk of ``turn`` most like ``positives`` when it clears the threshold."""
        if self.matcher is None or not positives:
            return None
        spans, vectors = self._chunk_vectors(turn)
        pos = self.matcher.best(vectors, positives)
        neg = self.matcher.best(vectors, negatives)
        for i in np.argsort(-pos):
            if pos[i] < threshold:
                break
            if pos[i] < neg[i] + SEMANTIC_MARGIN:
                continue
            if skip_denials and has_plain_denial(turn.norm.text[slice(*spans[i])]):
                continue
            return spans[i]
        return None

    def chunk_texts(self) -> list[str]:
        """Original-text chunks of every agent turn (what semantic matching embeds)."""
        return [text for t in self.agent_turns() for text in _chunk_texts(t)]

    def _chunk_vectors(self, turn: TurnView) -> tuple[tuple[tuple[int, int], ...], np.ndarray]:
        if not self._chunks:
            assert self.matcher is not None
            agent = list(self.agent_turns())
            vectors = self.matcher.embed(self.chunk_texts())
            offset = 0
            for view in agent:
                spans = view.norm.chunks()
                self._chunks[view.index] = (spans, vectors[offset : offset + len(spans)])
                offset += len(spans)
        return self._chunks[turn.index]


def _chunk_texts(turn: TurnView) -> list[str]:
    """The texts to embed for a turn's chunks, spelled as the other metrics spell them so a
    new call embeds each once: a one-chunk turn as the turn's own text (what tone reads), a
    sentence with its closing punctuation (what paraphrase detection reads)."""
    spans = turn.norm.chunks()
    if len(spans) == 1:
        return [turn.norm.original]
    original = turn.norm.original
    texts = []
    for span in spans:
        start, end = turn.norm.original_span(*span)
        end += len(original[end:]) - len(original[end:].lstrip(".!?"))
        texts.append(original[start:end].strip())
    return texts
