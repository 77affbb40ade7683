"""The per-turn rows, call metrics and debtor trajectory of a :class:`Scorecard`."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from coach.scoring.compliance.assess import ComplianceResult
from coach.scoring.intents import turn_intents
from coach.scoring.listening import ListeningResult
from coach.scoring.negotiation import NegotiationResult
from coach.scoring.prosody import TurnProsody, measure_turns
from coach.scoring.result import CallMetrics, TurnRow
from coach.scoring.tone import ToneResult, ToneTrajectory
from coach.transcript import Transcript

_DIGITS = 4
# The figures that need turn times: each is a Measure that says why when it has no value.
_TIMED = (
    "talk_to_listen_ratio",
    "longest_monologue_s",
    "agent_interruptions",
    "debtor_interruptions",
    "overtalk_s",
    "median_response_latency_s",
)


@dataclass(frozen=True)
class CallParts:
    """What each component module found in one call (turn indices are the transcript's)."""

    compliance: ComplianceResult
    listening: ListeningResult
    negotiation: NegotiationResult
    tones: dict[int, ToneResult]
    agitation: dict[int, float]
    trajectory: ToneTrajectory


def turn_rows(call: Transcript, parts: CallParts, audio: np.ndarray | None) -> tuple[TurnRow, ...]:
    """One row per turn: tone (agent turns), intents, disclosures fulfilled, listening flags,
    debtor agitation and, with audio, prosody."""
    intents = turn_intents(call, parts.compliance, parts.listening, parts.negotiation, parts.tones)
    flags = {f.turn: f for f in parts.listening.turn_flags}
    prosody: list[TurnProsody | None] = (
        measure_turns(audio, call.turns) if audio is not None else [None] * len(call.turns)
    )
    rows = []
    for i, turn in enumerate(call.turns):
        tone = parts.tones.get(i)
        agitation = parts.agitation.get(i)
        rows.append(
            TurnRow(
                index=i,
                speaker=turn.speaker,
                start=turn.start,
                end=turn.end,
                tone=tone.label if tone else None,
                tone_scores=_rounded(tone.tone_scores) if tone else {},
                tone_cues=tone.cues if tone else (),
                intents=tuple(intents[i]),
                satisfies=parts.compliance.satisfies[i],
                active_listening=bool(flags[i].active_listening) if i in flags else False,
                empathy=bool(flags[i].empathy) if i in flags else False,
                agitation=None if agitation is None else round(agitation, _DIGITS),
                prosody=prosody[i],
            )
        )
    return tuple(rows)


def call_metrics(parts: CallParts, rows: Sequence[TurnRow], with_audio: bool) -> CallMetrics:
    """Conversation, negotiation and tone figures; unmeasurable ones are ``None`` and the
    reason is listed under ``not_measured``."""
    lis, neg = parts.listening, parts.negotiation
    not_measured = _not_measured(lis)
    if not with_audio:
        not_measured["prosody"] = "no audio was given"
    return CallMetrics(
        talk_to_listen_ratio=lis.talk_to_listen_ratio.value,
        longest_monologue_s=lis.longest_monologue_s.value,
        agent_interruptions=lis.agent_interruptions.value,
        debtor_interruptions=lis.debtor_interruptions.value,
        overtalk_s=lis.overtalk_s.value,
        median_response_latency_s=lis.median_response_latency_s.value,
        agent_word_share=lis.agent_word_share,
        longest_monologue_words=lis.longest_monologue_words,
        agent_questions=lis.agent_questions,
        open_questions=lis.open_questions,
        closed_questions=lis.closed_questions,
        question_rate=lis.question_rate,
        filler_rate_per_100_words=lis.filler_rate_per_100_words,
        paraphrase_method=lis.paraphrase_method,
        stages={s: e.turn for s, e in neg.stages.items()},
        payment_options_offered=neg.payment_options_offered,
        options=tuple(sorted(neg.options)),
        commitment=neg.commitment,
        tone_counts=dict(sorted(Counter(t.label for t in parts.tones.values()).items())),
        not_measured=not_measured,
        agent_words_per_minute=_agent_words_per_minute(rows),
    )


def rounded_trajectory(trajectory: ToneTrajectory) -> ToneTrajectory:
    """The debtor's trajectory with its agitation means rounded as the contract shows them."""

    def digits(value: float | None) -> float | None:
        return None if value is None else round(value, _DIGITS)

    return replace(
        trajectory,
        first_third=digits(trajectory.first_third),
        last_third=digits(trajectory.last_third),
    )


def _agent_words_per_minute(rows: Sequence[TurnRow]) -> float | None:
    """Median speaking rate over agent turns that have prosody (``None`` without audio)."""
    rates = [
        r.prosody.words_per_minute
        for r in rows
        if r.speaker == "agent" and r.prosody and r.prosody.words_per_minute
    ]
    return round(statistics.median(rates), 1) if rates else None


def _not_measured(lis: ListeningResult) -> dict[str, str]:
    """Why each timed figure could not be measured (absent when it was)."""
    measures = {name: getattr(lis, name) for name in _TIMED}
    return {name: m.note for name, m in measures.items() if not m.assessable}


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(v, _DIGITS) for k, v in scores.items()}
