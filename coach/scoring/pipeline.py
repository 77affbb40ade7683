"""The scoring engine: one transcript in, one typed :class:`Scorecard` out.

The app loads :class:`ScoringModels` once (``coach.engines``: the encoder, the heads trained on
the catalog's corpora, the rule packs and scorecards it validated); :func:`score_transcript`
is then pure and deterministic. Its result becomes the public JSON documented in
``docs/scoring.md`` through ``Scorecard.to_json_dict`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from coach.nlp.encoder import TextEncoder
from coach.scoring import evidence
from coach.scoring.compliance.assess import ComplianceResult, assess_compliance
from coach.scoring.compliance.learned import JurisdictionRuleModel, RuleModels
from coach.scoring.compliance.rules import JURISDICTIONS, RulePack
from coach.scoring.listening import assess_listening
from coach.scoring.metadata import CallMetadata, parse_metadata
from coach.scoring.moments import MomentHeads
from coach.scoring.negotiation import assess_negotiation
from coach.scoring.outcome_model import OutcomeHead, with_learned_outcome
from coach.scoring.report import CallParts, call_metrics, rounded_trajectory, turn_rows
from coach.scoring.result import (
    DIMENSIONS,
    NO_TURNS,
    DefinitionRef,
    Dimension,
    ModelVersions,
    PackVersion,
    Scorecard,
    Versions,
)
from coach.scoring.scorecard import (
    DimensionInput,
    ScorecardDefinition,
    ScorecardResult,
    build_scorecard,
)
from coach.scoring.tone import (
    DebtorAffect,
    ToneClassifier,
    debtor_trajectory,
)
from coach.scoring.validation import validated
from coach.transcript import Transcript

# Bump when the code changes what a scorecard says for the same inputs (rule packs and trained
# heads carry versions of their own). 2: negation frames, denied-threat tone cue, release and
# "may be given elsewhere" detector options (2026-11-25).
ENGINE_VERSION = "2"


@dataclass(frozen=True)
class ScoringModels:
    """Everything scoring needs, loaded once per process and shared by every call."""

    encoder: TextEncoder
    tone: ToneClassifier
    debtor_affect: DebtorAffect
    packs: Mapping[str, list[RulePack]]
    scorecards: Mapping[str, ScorecardDefinition]
    # The learned rule heads (None: patterns only, e.g. a test's hand-made models).
    rules: RuleModels | None = None
    # The learned listening and empathy heads (None: cue phrases only).
    moments: MomentHeads | None = None
    # The learned call-outcome head (None: the negotiation cues decide).
    outcome: OutcomeHead | None = None


def score_transcript(
    transcript: Transcript | Mapping[str, Any],
    jurisdiction: str,
    metadata: CallMetadata | Mapping[str, Any] | None,
    models: ScoringModels,
    scorecard_id: str = "default",
    audio: np.ndarray | None = None,
) -> Scorecard:
    """Score one call; bad input raises ``ValueError`` saying what is wrong and what is allowed.

    ``audio`` (optional) is the call as 16 kHz mono samples, used for per-turn prosody.
    """
    call = parse_transcript(transcript)
    code = _jurisdiction(jurisdiction, models)
    meta = parse_metadata(metadata)
    if scorecard_id not in models.scorecards:
        known = ", ".join(sorted(models.scorecards))
        raise ValueError(f"unknown scorecard {scorecard_id!r}; known: {known}")
    card = models.scorecards[scorecard_id]
    versions = _versions(models, code, card)
    if not call.turns:
        reasons = dict.fromkeys(DIMENSIONS, DimensionInput(not_assessable=NO_TURNS))
        nothing = build_scorecard(card, reasons)
        return Scorecard(total=None, dimensions=nothing.dimensions, versions=versions)
    parts = _assess(call, code, meta, models)
    result = build_scorecard(card, _inputs(call, parts))
    return _scorecard(call, parts, result, versions, audio)


def assess_call_compliance(
    transcript: Transcript | Mapping[str, Any],
    jurisdiction: str,
    metadata: CallMetadata | Mapping[str, Any] | None,
    models: ScoringModels,
) -> ComplianceResult:
    """The compliance part of :func:`score_transcript` alone, for a role-play reply that must
    be answered while the trainee waits (tone, listening and the scorecard wait for the
    debrief). Same detectors, same findings."""
    call = parse_transcript(transcript)
    return _compliance(call, _jurisdiction(jurisdiction, models), parse_metadata(metadata), models)


def parse_transcript(value: Transcript | Mapping[str, Any]) -> Transcript:
    """A :class:`Transcript` from the public JSON shape, or a ``ValueError`` naming the fault."""
    if isinstance(value, Transcript):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(f"transcript must be an object with 'turns', got {type(value).__name__}")
    return validated(Transcript, value, "transcript", "transcript")


def _jurisdiction(value: str, models: ScoringModels) -> str:
    code = value.upper() if isinstance(value, str) else ""
    if code not in JURISDICTIONS or code not in models.packs:
        allowed = ", ".join(j for j in JURISDICTIONS if j in models.packs)
        raise ValueError(f"unknown jurisdiction {value!r}; allowed: {allowed}")
    return code


def _assess(call: Transcript, code: str, meta: CallMetadata, models: ScoringModels) -> CallParts:
    turns = call.turns
    agent = [i for i, t in enumerate(turns) if t.speaker == "agent" and _has_words(t.text)]
    debtor = [i for i, t in enumerate(turns) if t.speaker == "debtor" and _has_words(t.text)]
    tones = models.tone.classify([turns[i].text for i in agent]) if agent else []
    agitation = models.debtor_affect.agitation([turns[i].text for i in debtor]) if debtor else []
    return CallParts(
        compliance=_compliance(call, code, meta, models),
        listening=assess_listening(call, models.encoder, models.moments),
        negotiation=with_learned_outcome(assess_negotiation(call), call, models.outcome),
        tones=dict(zip(agent, tones, strict=True)),
        agitation=dict(zip(debtor, agitation, strict=True)),
        trajectory=debtor_trajectory(turns, models.debtor_affect),
    )


def _compliance(
    call: Transcript, code: str, meta: CallMetadata, models: ScoringModels
) -> ComplianceResult:
    """Patterns, sequence and metadata checks, and the jurisdiction's learned heads."""
    rules = _rule_model(models, code)
    return assess_compliance(call, code, models.packs, meta, models.encoder, rules)


def _has_words(text: str) -> bool:
    """Whether a turn says anything (ASR can leave "..." or "?" where nothing was heard)."""
    return any(c.isalnum() for c in text)


def _not_assessable(call: Transcript, parts: CallParts) -> dict[Dimension, str]:
    """Why a dimension cannot be judged on this call (absent when it can)."""
    speakers = {t.speaker for t in call.turns if _has_words(t.text)}
    if not speakers:
        return dict.fromkeys(DIMENSIONS, "the transcript has no turns with any words")
    if "agent" not in speakers:
        return dict.fromkeys(DIMENSIONS, "no agent turns: nothing the trainee said to judge")
    reasons: dict[Dimension, str] = {}
    if "debtor" not in speakers:
        reasons["listening"] = "no debtor turns: there was nobody to listen to"
        reasons["negotiation"] = "no debtor turns: there was nobody to negotiate with"
    elif parts.negotiation.outcome == "dispute":
        reasons["negotiation"] = (
            "the debtor disputed the debt, so collection pauses and no agreement is expected"
        )
    return reasons


def _inputs(call: Transcript, parts: CallParts) -> dict[Dimension, DimensionInput]:
    reasons = _not_assessable(call, parts)
    gather = {
        "compliance": lambda: evidence.compliance_evidence(parts.compliance, call),
        "tone": lambda: evidence.tone_evidence(parts.tones, parts.trajectory, call),
        "listening": lambda: evidence.listening_evidence(parts.listening, call),
        "negotiation": lambda: evidence.negotiation_evidence(parts.negotiation, call),
        "structure": lambda: evidence.structure_evidence(parts.negotiation, parts.compliance),
    }
    return {
        dim: DimensionInput(not_assessable=reasons[dim]) if dim in reasons else gather[dim]()
        for dim in DIMENSIONS
    }


def _scorecard(
    call: Transcript,
    parts: CallParts,
    result: ScorecardResult,
    versions: Versions,
    audio: np.ndarray | None,
) -> Scorecard:
    rows = turn_rows(call, parts, audio)
    return Scorecard(
        total=result.total,
        dimensions=result.dimensions,
        versions=versions,
        cap=result.cap,
        not_assessable_rules=parts.compliance.not_assessable,
        findings=parts.compliance.findings,
        turns=rows,
        outcome=parts.negotiation.outcome,
        metrics=call_metrics(parts, rows, audio is not None),
        debtor_trajectory=rounded_trajectory(parts.trajectory),
        skill_observations=result.skill_observations,
        with_audio=audio is not None,
    )


def _rule_model(models: ScoringModels, code: str) -> JurisdictionRuleModel | None:
    return models.rules.get(code) if models.rules is not None else None


def _versions(models: ScoringModels, code: str, card: ScorecardDefinition) -> Versions:
    """Exactly what produced this scorecard, so a stored result can be reproduced."""
    return Versions(
        engine=ENGINE_VERSION,
        scorecard=DefinitionRef(card.id, card.version),
        rule_packs={p.pack: PackVersion(p.version, p.digest) for p in models.packs[code]},
        models=ModelVersions(
            encoder=models.encoder.model_id,
            tone_head=models.tone.version[:16],
            debtor_affect_head=models.debtor_affect.head.version[:16],
            rule_heads=rules.version[:16] if (rules := _rule_model(models, code)) else "",
            listening_heads=models.moments.versions if models.moments else "",
            outcome_head=models.outcome.version[:16] if models.outcome else "",
        ),
    )
