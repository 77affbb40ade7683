"""Recognised segments → speaker turns, for stereo, one-speaker and two-speaker mono calls.

Pure logic on :class:`Segment` values, so it is tested without a model. Stereo calls are
attributed by channel; two-speaker mono calls by what is said, with turn-taking as a prior.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from coach.transcript import Speaker, Turn, Word

# Same-speaker segments closer than this are one turn (unless the other side spoke between).
JOIN_GAP_S = 1.5
# A stereo channel pausing this long while the other side starts to speak has handed over
# (shorter gaps are someone talking over an interruption without stopping).
HANDOVER_PAUSE_S = 0.5
# This much of another speaker's word inside a gap means they spoke in it.
_SPOKE_BETWEEN_S = 0.2
# A word gap this long after a sentence end may be a change of speaker in a mono call.
SENTENCE_PAUSE_S = 0.25
_SENTENCE_END = (".", "?", "!")
# Sound before the first and after the last word of a segment that is aligned with it.
_ALIGN_SLACK_S = 0.3
# A stretch of sound left without a word costs this much per second (up to the cap): enough
# for a short answer the word times put inside the next pause to go to its own stretch.
_EMPTY_WEIGHT = 0.5
_EMPTY_CAP_S = 0.6
# Time spans of pieces -> a signed voice weight per piece (see coach.speech.voices).
VoiceCue = Callable[[Sequence[tuple[float, float]]], Sequence[float]]


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
        spoken = [
            (w.start, w.end) if s.words else (s.start, s.end)
            for other, segs in by_speaker.items()
            if other != speaker
            for s in segs
            for w in (s.words or (Word(w="", start=s.start, end=s.end),))
        ]
        pieces = [piece for s in segments for piece in split_where_other_spoke(s, others)]
        for group in _group(pieces, spoken):
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


def mono_turns(
    segments: Sequence[Segment],
    pauses: Sequence[tuple[float, float]] = (),
    voices: VoiceCue | None = None,
) -> tuple[Turn, ...]:
    """Both speakers on one channel: split at pauses, attribute by content (and by voice
    when ``voices`` tells two voices apart), then join neighbouring pieces of the same
    speaker into turns.

    ``pauses`` are silences measured in the audio (:func:`coach.speech.voices.find_pauses`):
    a segment is also cut wherever one falls between two words, since Whisper's word times
    often hide a quick hand-over ("... am I speaking with James? / Yes. / Thank you ...").
    ``voices`` gives, for each piece's time span, a signed weight in [-1, 1] naming one of two
    voices (:func:`coach.speech.voices.voice_sides`); content decides which voice is whose.
    """
    units = [
        unit
        for segment in segments
        for piece in split_at_pauses(segment)
        for unit in split_at_audio_pauses(piece, pauses)
    ]
    if not units:
        return ()
    gaps = [_gap(a, b, pauses) for a, b in itertools.pairwise(units)]
    sides = voices([(u.start, u.end) for u in units]) if voices is not None else None
    labels = attribute([u.text for u in units], gaps, sides)
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


def split_at_audio_pauses(segment: Segment, pauses: Sequence[tuple[float, float]]) -> list[Segment]:
    """Cut a segment where the recording pauses between two of its words.

    The stretches of sound between the pauses near the segment are aligned with its words
    (in order, each word to the stretch nearest it, a stretch left without words costing its
    length): Whisper's word times are too rough to show a quick "Yes." between two pauses (it
    may put the word inside a pause, or no time at all), the signal is not. Words aligned to
    different stretches go to different pieces.
    """
    words = segment.words
    if len(words) < 2 or not pauses:
        return [segment]
    low, high = words[0].start - _ALIGN_SLACK_S, words[-1].end + _ALIGN_SLACK_S
    inside = [p for p in pauses if p[1] > low and p[0] < high]
    if not inside:
        return [segment]
    edges = [low, *(x for p in inside for x in p), high]
    regions = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=True) if b > a]
    if len(regions) < 2:
        return [segment]
    assignment = _align(words, regions)
    pieces: list[list[Word]] = [[words[0]]]
    for index in range(1, len(words)):
        if assignment[index] != assignment[index - 1]:
            pieces.append([])
        pieces[-1].append(words[index])
    return _pieces(segment, pieces)


def _align(words: Sequence[Word], regions: Sequence[tuple[float, float]]) -> list[int]:
    """Monotone assignment of words to regions minimising each word's distance to its region
    plus, for every region left empty between used ones, its length (up to a cap)."""

    def distance(word: Word, region: tuple[float, float]) -> float:
        return max(0.0, region[0] - word.end, word.start - region[1])

    # empty(k, j): cost of leaving regions k .. j-1 without a word (prefix sums).
    prefix = [0.0]
    for start, end in regions:
        prefix.append(prefix[-1] + _EMPTY_WEIGHT * min(end - start, _EMPTY_CAP_S))

    count = len(regions)
    inf = float("inf")
    cost = [[inf] * count for _ in words]
    back = [[0] * count for _ in words]
    for j in range(count):
        cost[0][j] = distance(words[0], regions[j])
    for i in range(1, len(words)):
        for j in range(count):
            best, arg = inf, 0
            for k in range(j + 1):
                value = cost[i - 1][k] + (prefix[j] - prefix[k + 1] if k < j else 0.0)
                if value < best:
                    best, arg = value, k
            cost[i][j] = best + distance(words[i], regions[j])
            back[i][j] = arg
    j = min(range(count), key=lambda r: cost[-1][r])
    assignment = [j]
    for i in range(len(words) - 1, 0, -1):
        j = back[i][j]
        assignment.append(j)
    return assignment[::-1]


def _gap(first: Segment, second: Segment, pauses: Sequence[tuple[float, float]]) -> float:
    """Silence between two pieces: their word-time gap, or the longest recorded pause
    between their middles when that is longer."""
    gap = max(0.0, second.start - first.end)
    low, high = (first.start + first.end) / 2, (second.start + second.end) / 2
    heard = [e - s for s, e in pauses if low < (s + e) / 2 < high]
    return max([gap, *heard])


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


def _group(
    segments: Sequence[Segment], other_words: Sequence[tuple[float, float]]
) -> list[list[Segment]]:
    """Consecutive segments of one speaker with short gaps and no other speaker between.

    The other side spoke between when one of its words lies mostly in the gap (at least half
    of it, or 0.2 s): Whisper's word times are rough, so a quick "Yes." may be stamped as
    starting a little before this side's previous word ends.
    """
    groups: list[list[Segment]] = []
    for segment in sorted(segments, key=lambda s: s.start):
        if groups:
            last = groups[-1][-1]
            interrupted = any(
                min(end, segment.start) - max(start, last.end)
                >= min(_SPOKE_BETWEEN_S, (end - start) / 2)
                for start, end in other_words
                if end > last.end and start < segment.start
            )
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
        # A short answer alone: the debtor confirming who they are ("Yes.", "Speaking.").
        (
            r"^(?:(?:yes|yeah|yep|yup)(?:,? (?:it is|i am|speaking|that'?s me|that is me|"
            r"this is (?:he|she|him|her|me)))?|speaking|that'?s me|that is me|it is|"
            r"this is (?:he|she|him|her|me)|correct)[.!,]*$",
            -2.5,
        ),
    )
)
_MAX_EVIDENCE = 6.0
# Collectors open the call, inbound or outbound ("Thank you for calling …, this is …").
_FIRST_IS_AGENT = 0.65
# After a question the other side usually speaks (the debtor's "Yes." after "Is this James?").
_AFTER_QUESTION = 0.6
# A piece clearly in one of two separate voices counts as much as a strong content cue.
_VOICE_WEIGHT = 4.0


def speaker_evidence(text: str) -> float:
    """Log-likelihood ratio that ``text`` was said by the agent rather than the debtor."""
    lowered = text.lower().replace("\u2019", "'")
    total = sum(weight for pattern, weight in _CUES if pattern.search(lowered))
    return max(-_MAX_EVIDENCE, min(_MAX_EVIDENCE, total))


def switch_probability(gap: float, after_question: bool = False) -> float:
    """Prior that the speaker changes across a pause of ``gap`` seconds: turn-taking makes
    a change likely at every boundary, more so after a longer pause, and likely after a
    question (it is usually answered by the other side)."""
    prior = 0.1 + 0.6 * _clamp((gap - 0.2) / 0.8, 0.0, 1.0)
    return max(prior, _AFTER_QUESTION) if after_question else prior


def attribute(
    texts: Sequence[str], gaps: Sequence[float], sides: Sequence[float] | None = None
) -> list[tuple[Speaker, float]]:
    """Most probable speaker of each utterance and its posterior probability (0.5 to 1).

    A two-state hidden Markov model: content cues (and the voice, when ``sides`` tells two
    voices apart) are the evidence, alternation the prior; forward-backward lets a clear cue
    settle its unclear neighbours.
    """
    evidence = [speaker_evidence(t) for t in texts]
    if sides is not None:
        evidence = [e + v for e, v in zip(evidence, voice_evidence(evidence, sides), strict=True)]
    likelihoods = [(math.exp(e / 2), math.exp(-e / 2)) for e in evidence]
    switches = [
        switch_probability(gap, text.rstrip().endswith("?"))
        for gap, text in zip(gaps, texts, strict=False)
    ]
    forward = [
        _normalise((_FIRST_IS_AGENT * likelihoods[0][0], (1 - _FIRST_IS_AGENT) * likelihoods[0][1]))
    ]
    for p, (agent, debtor) in zip(switches, likelihoods[1:], strict=True):
        a, d = forward[-1]
        forward.append(_normalise(((a * (1 - p) + d * p) * agent, (a * p + d * (1 - p)) * debtor)))
    backward = [(1.0, 1.0)]
    for p, (agent, debtor) in zip(reversed(switches), reversed(likelihoods[1:]), strict=True):
        a, d = backward[-1][0] * agent, backward[-1][1] * debtor
        backward.append(_normalise((a * (1 - p) + d * p, a * p + d * (1 - p))))
    backward.reverse()
    labels: list[tuple[Speaker, float]] = []
    for (fa, fd), (ba, bd) in zip(forward, backward, strict=True):
        agent, debtor = _normalise((fa * ba, fd * bd))
        labels.append(("agent", agent) if agent >= debtor else ("debtor", debtor))
    return labels


def voice_evidence(content: Sequence[float], sides: Sequence[float]) -> list[float]:
    """Voice weights (signed, voice unnamed) as agent-over-debtor log-likelihood ratios: the
    voice whose pieces carry the agent's content cues (and opens the call) is the agent's."""
    if not sides:
        return []
    orientation = sum(e * v for e, v in zip(content, sides, strict=True)) + sides[0]
    if orientation == 0:
        return [0.0] * len(sides)
    sign = 1.0 if orientation > 0 else -1.0
    return [sign * _VOICE_WEIGHT * v for v in sides]


def _normalise(pair: tuple[float, float]) -> tuple[float, float]:
    total = pair[0] + pair[1]
    return pair[0] / total, pair[1] / total
