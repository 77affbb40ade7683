"""Recognised segments → speaker turns, for stereo, one-speaker and two-speaker mono calls.

Pure logic on :class:`Segment` values, so it is tested without a model. Stereo calls are
attributed by channel; two-speaker mono calls by what is said, with turn-taking as a prior.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from coach.transcript import Speaker, Turn, Word

# Same-speaker segments closer than this are one turn (unless the other side spoke between).
JOIN_GAP_S = 1.5
# A stereo channel pausing this long while the other side starts to speak has handed over
# (shorter gaps are someone talking over an interruption without stopping).
HANDOVER_PAUSE_S = 0.5
# A word gap this long after a sentence end may be a change of speaker in a mono call.
SENTENCE_PAUSE_S = 0.25
_SENTENCE_END = (".", "?", "!")


@dataclass(frozen=True)
class Segment:
    """A stretch of recognised speech from one engine pass over one channel."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


def clean_segments(segments: Iterable[Segment], duration: float) -> list[Segment]:
    """Clamp every time into ``[0, duration]``; drop segments without a letter or digit
    (empty, or punctuation only) and speech past the end."""
    cleaned = []
    for segment in segments:
        text = " ".join(segment.text.split())
        start = _clamp(segment.start, 0.0, duration)
        if not any(c.isalnum() for c in text) or start >= duration:
            continue
        end = _clamp(segment.end, start, duration)
        words = tuple(_clamp_word(w, start, end) for w in segment.words if w.w.strip())
        cleaned.append(Segment(start=start, end=end, text=text, words=words))
    return cleaned


def stereo_turns(by_speaker: Mapping[Speaker, Sequence[Segment]]) -> tuple[Turn, ...]:
    """One channel per speaker: turns keep their own times, so overlaps (interruptions)
    survive the merge."""
    turns: list[Turn] = []
    for speaker, segments in by_speaker.items():
        others = sorted(
            start
            for other, segs in by_speaker.items()
            if other != speaker
            for s in segs
            for start in ([w.start for w in s.words] or [s.start])
        )
        pieces = [piece for s in segments for piece in split_where_other_spoke(s, others)]
        for group in _group(pieces, others):
            turns.append(_turn(speaker, group, 1.0))
    return tuple(sorted(turns, key=lambda t: (t.start, t.end)))


def split_where_other_spoke(segment: Segment, other_starts: Sequence[float]) -> list[Segment]:
    """Cut a segment at a pause in which the other channel began speaking: Whisper runs one
    segment across the silence while the other side talks ("Yes … 9012" around the agent's
    question), which would put both answers before the question."""
    words = segment.words
    if len(words) < 2:
        return [segment]
    pieces: list[list[Word]] = [[words[0]]]
    for previous, word in itertools.pairwise(words):
        first = bisect.bisect_right(other_starts, previous.end)
        paused = word.start - previous.end >= HANDOVER_PAUSE_S
        if paused and first < len(other_starts) and other_starts[first] < word.start:
            pieces.append([])
        pieces[-1].append(word)
    return _pieces(segment, pieces)


def single_speaker_turns(segments: Sequence[Segment]) -> tuple[Turn, ...]:
    """A practice call with only the trainee on it: everything is the agent's."""
    return tuple(_turn("agent", group, 1.0) for group in _group(segments, []))


def mono_turns(segments: Sequence[Segment]) -> tuple[Turn, ...]:
    """Both speakers on one channel: split at pauses, attribute by content, then join
    neighbouring pieces of the same speaker into turns."""
    units = [unit for segment in segments for unit in split_at_pauses(segment)]
    if not units:
        return ()
    gaps = [max(0.0, b.start - a.end) for a, b in itertools.pairwise(units)]
    labels = attribute([u.text for u in units], gaps)
    turns: list[Turn] = []
    start = 0
    for index in range(1, len(units) + 1):
        if index == len(units) or labels[index][0] != labels[start][0]:
            confidence = sum(c for _, c in labels[start:index]) / (index - start)
            turns.append(_turn(labels[start][0], units[start:index], confidence))
            start = index
    return tuple(turns)


def split_at_pauses(segment: Segment) -> list[Segment]:
    """Cut a segment after each sentence end followed by a pause, where speakers may change
    (Whisper often runs one segment across a quick hand-over)."""
    words = segment.words
    if not words:
        return [segment]
    pieces: list[list[Word]] = [[words[0]]]
    for previous, word in itertools.pairwise(words):
        if previous.w.endswith(_SENTENCE_END) and word.start - previous.end >= SENTENCE_PAUSE_S:
            pieces.append([])
        pieces[-1].append(word)
    return _pieces(segment, pieces)


def _pieces(segment: Segment, pieces: list[list[Word]]) -> list[Segment]:
    """The segment itself when it was not cut, else one segment per run of words."""
    if len(pieces) == 1:
        return [segment]
    return [
        Segment(
            start=piece[0].start,
            end=piece[-1].end,
            text=" ".join(w.w for w in piece),
            words=tuple(piece),
        )
        for piece in pieces
    ]


def _group(segments: Sequence[Segment], other_starts: Sequence[float]) -> list[list[Segment]]:
    """Consecutive segments of one speaker with short gaps and no other speaker between."""
    others = sorted(other_starts)
    groups: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: s.start):
        if groups:
            last = groups[-1][-1]
            first_other = bisect.bisect_left(others, last.end)
            interrupted = first_other < len(others) and others[first_other] < segment.start
            if segment.start - last.end < JOIN_GAP_S and not interrupted:
                groups[-1].append(segment)
                continue
        groups.append([segment])
    return groups


def _turn(speaker: Speaker, group: Sequence[Segment], confidence: float) -> Turn:
    return Turn(
        speaker=speaker,
        start=group[0].start,
        end=max(s.end for s in group),
        text=" ".join(s.text for s in group),
        words=tuple(w for s in group for w in s.words),
        speaker_confidence=round(confidence, 3),
    )


def _clamp_word(word: Word, low: float, high: float) -> Word:
    start = _clamp(word.start, low, high)
    return Word(w=word.w.strip(), start=start, end=_clamp(word.end, start, high))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(float(value), low), high)


# Speaker attribution for two-speaker mono calls.
# Each cue is a log-likelihood ratio, agent over debtor: positive cues are what the collector
# says (identification, the mini-Miranda, asking for payment, offering plans), negative ones
# what the debtor says (who is this, cannot pay, hardship). Patterns allow the usual
# tiny-model slips ("collect a net").
_CUES: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(pattern), weight)
    for pattern, weight in (
        (r"\bcalling (?:you )?(?:from|on behalf of|about)\b", 3.0),
        (r"\bthis is \w+(?: \w+)? (?:calling|from|with)\b", 2.0),
        (r"\bon behalf of\b", 2.0),
        (r"\battempt(?:ing)? to collect\b", 3.0),
        (r"\bdebt collector\b|\bright to dispute\b", 3.0),
        (r"\binformation obtained\b", 3.0),
        (r"\b(?:call|conversation) (?:is|may be) (?:also )?(?:being )?recorded\b", 2.0),
        (r"\bmay i (?:please )?(?:speak|talk) (?:with|to)\b|\bam i speaking (?:with|to)\b", 3.0),
        (r"\b(?:confirm|verify) your\b|\bdate o[nf] birth\b", 2.5),
        (r"\bpast (?:due|two)\b|\bbalance of\b|\boutstanding balance\b|\bour records\b", 2.0),
        (r"\byour (?:account|balance|payment|budget|card|debt)\b", 1.5),
        (r"\b(?:can|could|would) you (?:make|pay|afford|set up|verify|confirm)\b", 2.0),
        (r"\bhow much (?:can|could) you\b|\bworks for you\b|\bif i understand\b", 2.0),
        (r"\b(?:we|i) can (?:offer|set up|settle|accept|reduce|waive|find)\b", 2.0),
        (r"\b(?:payment )?(?:plan|arrangement|settlement)\b|\boptions?\b", 1.0),
        (r"\bi (?:will|'ll) send you\b|\b(?:please )?call us\b|\bdue date\b", 2.0),
        (r"\bis there anything else\b|\bhave a (?:good|great|nice)\b", 2.0),
        (r"\bsorry to hear\b|\bthank you for (?:calling|your time|being honest)\b", 1.5),
        (r"\bi (?:understand|appreciate)\b|\byou are welcome\b", 1.0),
        (r"\bwho is (?:this|calling)\b|\bwhat is (?:this|it) (?:about|regarding)\b", -3.0),
        (r"\bwho did you say\b|\bwhat company\b", -3.0),
        (r"\bi (?:can ?not|can't|could not|couldn't|won't) (?:\w+ ){0,3}(?:pay|afford)\b", -3.0),
        (r"\b(?:lost my job|laid off|unemployed|out of work)\b", -3.0),
        (r"\bmoney is (?:really |very )?tight\b|\bmy (?:hours|pay|wages|salary)\b", -2.5),
        (r"\bi (?:don't|do not) owe\b|\b(?:stop|quit) calling\b|\bi know i owe\b", -3.0),
        (r"\bmy (?:husband|wife|kids|children|rent|landlord|paycheck)\b", -2.0),
        (r"\b(?:i will|i'll|i can) pay\b|\bi (?:just )?get paid\b|\bi can do (?:it|that)\b", -2.0),
        (r"\bwhen (?:would|will|is) the (?:first )?payment\b|\bbreathing room\b", -2.5),
        (r"\bletters from you\b|\bi (?:have been|was) avoiding\b", -2.0),
        (r"^(?:yes|yeah),? (?:this is|speaking)\b|\bsend me\b", -2.0),
        (
            r"\bi think i know\b|\bthat would help\b|\bi can talk\b|\bsounds (?:better|right)\b",
            -1.5,
        ),
        (r"\bthank you for being understanding\b|^no,? (?:nothing|that is)\b", -2.0),
    )
)
_MAX_EVIDENCE = 6.0
# Collectors open the call, inbound or outbound ("Thank you for calling …, this is …").
_FIRST_IS_AGENT = 0.65


def speaker_evidence(text: str) -> float:
    """Log-likelihood ratio that ``text`` was said by the agent rather than the debtor."""
    lowered = text.lower().replace("\u2019", "'")
    total = sum(weight for pattern, weight in _CUES if pattern.search(lowered))
    return max(-_MAX_EVIDENCE, min(_MAX_EVIDENCE, total))


def switch_probability(gap: float) -> float:
    """Prior that the speaker changes across a pause of ``gap`` seconds: turn-taking makes
    a change likely at every boundary, more so after a longer pause."""
    return 0.1 + 0.6 * _clamp((gap - 0.2) / 0.8, 0.0, 1.0)


def attribute(texts: Sequence[str], gaps: Sequence[float]) -> list[tuple[Speaker, float]]:
    """Most probable speaker of each utterance and its posterior probability (0.5 to 1).

    A two-state hidden Markov model: content cues are the evidence, alternation the prior;
    forward-backward lets a clear cue settle its unclear neighbours.
    """
    likelihoods = [
        (math.exp(e / 2), math.exp(-e / 2)) for e in (speaker_evidence(t) for t in texts)
    ]
    forward = [
        _normalise((_FIRST_IS_AGENT * likelihoods[0][0], (1 - _FIRST_IS_AGENT) * likelihoods[0][1]))
    ]
    for gap, (agent, debtor) in zip(gaps, likelihoods[1:], strict=True):
        p = switch_probability(gap)
        a, d = forward[-1]
        forward.append(_normalise(((a * (1 - p) + d * p) * agent, (a * p + d * (1 - p)) * debtor)))
    backward = [(1.0, 1.0)]
    for gap, (agent, debtor) in zip(reversed(gaps), reversed(likelihoods[1:]), strict=True):
        p = switch_probability(gap)
        a, d = backward[-1][0] * agent, backward[-1][1] * debtor
        backward.append(_normalise((a * (1 - p) + d * p, a * p + d * (1 - p))))
    backward.reverse()
    labels: list[tuple[Speaker, float]] = []
    for (fa, fd), (ba, bd) in zip(forward, backward, strict=True):
        agent, debtor = _normalise((fa * ba, fd * bd))
        labels.append(("agent", agent) if agent >= debtor else ("debtor", debtor))
    return labels


def _normalise(pair: tuple[float, float]) -> tuple[float, float]:
    total = pair[0] + pair[1]
    return pair[0] / total, pair[1] / total
