"""Timing metrics of a call (talk share, monologues, overtalk, latency) from turn times.

Text-only transcripts carry no times, so every figure here can come back "not assessable"
rather than as a misleading zero.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from coach.scoring.text_cues import words
from coach.transcript import Speaker, Turn

NOT_TIMED = "not assessable: the transcript has no turn times"
# Overlaps shorter than this are ordinary turn-taking jitter, not overtalk.
OVERLAP_TOLERANCE_S = 0.2
# A short overlapping turn that ends inside the other speaker's turn is a backchannel
# ("mm-hm", "right"), which is overtalk but not an interruption.
BACKCHANNEL_MAX_WORDS = 2


@dataclass(frozen=True)
class Measure:
    """A timed figure, or ``None`` with the reason it could not be measured."""

    value: float | None
    note: str = ""

    @property
    def assessable(self) -> bool:
        """Whether ``value`` was measured."""
        return self.value is not None


@dataclass(frozen=True)
class Interruption:
    """Turn ``turn`` by ``speaker`` started while turn ``interrupted`` was still going."""

    turn: int
    interrupted: int
    speaker: Speaker
    overlap_s: float


def is_timed(turns: Sequence[Turn]) -> bool:
    """Whether every turn has a start and an end (a partly timed call is treated as untimed)."""
    return bool(turns) and all(t.start is not None and t.end is not None for t in turns)


def word_count(turn: Turn) -> int:
    """Words spoken in ``turn``: recognised words when present, else tokens of its text."""
    return len(turn.words) if turn.words else len(words(turn.text))


def talk_to_listen_ratio(turns: Sequence[Turn]) -> Measure:
    """Agent speaking seconds per debtor speaking second."""
    if not is_timed(turns):
        return Measure(None, NOT_TIMED)
    agent = sum(_duration(t) for t in turns if t.speaker == "agent")
    debtor = sum(_duration(t) for t in turns if t.speaker == "debtor")
    if debtor == 0:
        return Measure(None, "not assessable: the debtor did not speak")
    return Measure(round(agent / debtor, 2))


def longest_agent_monologue(turns: Sequence[Turn]) -> tuple[Measure, int]:
    """Longest run of agent speech with no debtor turn in between: (seconds, words)."""
    runs: list[list[Turn]] = []
    current: list[Turn] = []
    for turn in turns:
        if turn.speaker == "agent":
            current.append(turn)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    most_words = max((sum(word_count(t) for t in run) for run in runs), default=0)
    if not is_timed(turns):
        return Measure(None, NOT_TIMED), most_words
    seconds = max((_end(run[-1]) - _start(run[0]) for run in runs), default=0.0)
    return Measure(round(seconds, 2)), most_words


def interruptions(turns: Sequence[Turn]) -> tuple[tuple[Interruption, ...], Measure]:
    """Turns that start over the other speaker (stereo timing) and the total overtalk seconds."""
    if not is_timed(turns):
        return (), Measure(None, NOT_TIMED)
    events: list[Interruption] = []
    overtalk = 0.0
    for j, later in enumerate(turns):
        for i, earlier in enumerate(turns):
            if i == j or earlier.speaker == later.speaker or not _starts_inside(later, earlier):
                continue
            overlap = min(_end(earlier), _end(later)) - _start(later)
            if overlap < OVERLAP_TOLERANCE_S:
                continue
            overtalk += overlap
            backchannel = word_count(later) <= BACKCHANNEL_MAX_WORDS and _end(later) <= _end(
                earlier
            )
            if not backchannel:
                events.append(Interruption(j, i, later.speaker, round(overlap, 2)))
    return tuple(events), Measure(round(overtalk, 2))


def median_response_latency(turns: Sequence[Turn]) -> Measure:
    """Median seconds from the debtor stopping to the agent starting (overlaps count as 0)."""
    if not is_timed(turns):
        return Measure(None, NOT_TIMED)
    ordered = sorted(turns, key=_start)
    gaps = [
        max(0.0, _start(after) - _end(before))
        for before, after in itertools.pairwise(ordered)
        if before.speaker == "debtor" and after.speaker == "agent"
    ]
    if not gaps:
        return Measure(None, "not assessable: the agent never answered the debtor")
    return Measure(round(statistics.median(gaps), 2))


def _starts_inside(later: Turn, earlier: Turn) -> bool:
    return _start(earlier) < _start(later) < _end(earlier)


def _duration(turn: Turn) -> float:
    return _end(turn) - _start(turn)


def _start(turn: Turn) -> float:
    assert turn.start is not None
    return turn.start


def _end(turn: Turn) -> float:
    assert turn.end is not None
    return turn.end
