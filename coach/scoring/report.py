"""The per-turn rows and call metrics of the public scorecard JSON."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from coach.scoring.compliance.assess import ComplianceResult
from coach.scoring.intents import turn_intents
from coach.scoring.listening import ListeningResult
from coach.scoring.negotiation import NegotiationResult
from coach.scoring.prosody import measure_turns
from coach.scoring.tone import ToneResult, ToneTrajectory
from coach.scoring.turn_timing import Measure
from coach.transcript import Transcript

_DIGITS = 4


@dataclass(frozen=True)
class CallParts:
    """What each component module found in one call (turn indices are the transcript's)."""

    compliance: ComplianceResult
    listening: ListeningResult
    negotiation: NegotiationResult
    tones: dict[int, ToneResult]
    agitation: dict[int, float]
    trajectory: ToneTrajectory


def turn_rows(call: Transcript, parts: CallParts, audio: np.ndarray | None) -> list[dict]:
    """One row per turn: tone (agent turns; ``None`` for the debtor), intents, disclosures
    fulfilled, listening flags, debtor agitation and, with audio, prosody."""
    intents = turn_intents(call, parts.compliance, parts.listening, parts.negotiation, parts.tones)
    flags = {f.turn: f for f in parts.listening.turn_flags}
    prosody = measure_turns(audio, call.turns) if audio is not None else None
    rows = []
    for i, turn in enumerate(call.turns):
        tone = parts.tones.get(i)
        row: dict[str, Any] = {
            "index": i,
            "speaker": turn.speaker,
            "start": turn.start,
            "end": turn.end,
            "tone": tone.label if tone else None,
            "tone_scores": _rounded(tone.tone_scores) if tone else {},
            # Rules that overrode the model ("profanity", "denied threat"), so a reviewer
            # sees why a label differs from the highest model score.
            "tone_cues": list(tone.cues) if tone else [],
            "intents": intents[i],
            "satisfies": list(parts.compliance.satisfies[i]),
            "active_listening": bool(flags[i].active_listening) if i in flags else False,
            "empathy": bool(flags[i].empathy) if i in flags else False,
        }
        if i in parts.agitation:
            row["agitation"] = round(parts.agitation[i], _DIGITS)
        if prosody is not None:
            row["prosody"] = asdict(prosody[i]) if prosody[i] is not None else None
        rows.append(row)
    return rows


def call_metrics(parts: CallParts, with_audio: bool) -> dict[str, Any]:
    """Conversation, negotiation and tone figures; unmeasurable ones are ``None`` and the
    reason is listed under ``not_measured``."""
    lis, neg = parts.listening, parts.negotiation
    measures = {
        "talk_to_listen_ratio": lis.talk_to_listen_ratio,
        "longest_monologue_s": lis.longest_monologue_s,
        "agent_interruptions": lis.agent_interruptions,
        "debtor_interruptions": lis.debtor_interruptions,
        "overtalk_s": lis.overtalk_s,
        "median_response_latency_s": lis.median_response_latency_s,
    }
    metrics: dict[str, Any] = {name: m.value for name, m in measures.items()}
    metrics.update(
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
        options=sorted(neg.options),
        commitment=_commitment(neg),
        tone_counts=dict(sorted(Counter(t.label for t in parts.tones.values()).items())),
        not_measured=_not_measured(measures),
    )
    if not with_audio:
        metrics["not_measured"]["prosody"] = "no audio was given"
    return metrics


def agent_words_per_minute(rows: list[dict]) -> float | None:
    """Median speaking rate over agent turns that have prosody (``None`` without audio)."""
    rates = [
        r["prosody"]["words_per_minute"]
        for r in rows
        if r["speaker"] == "agent" and r.get("prosody") and r["prosody"]["words_per_minute"]
    ]
    return round(statistics.median(rates), 1) if rates else None


def _commitment(neg: NegotiationResult) -> dict[str, Any] | None:
    c = neg.commitment
    if c is None:
        return None
    return {
        "turns": list(c.turns),
        "amount": c.amount,
        "date": c.date,
        "method": c.method,
        "complete": c.complete,
    }


def _not_measured(measures: dict[str, Measure]) -> dict[str, str]:
    return {name: m.note for name, m in measures.items() if not m.assessable}


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(v, _DIGITS) for k, v in scores.items()}
