"""The typed scorecard :func:`~coach.scoring.pipeline.score_transcript` returns, and its JSON.

:meth:`Scorecard.to_json_dict` is the only way a scorecard becomes JSON: ``flask coach score``
prints it, ``CallScore.data`` stores it and other tools parse it (``docs/scoring.md`` §6), so
its keys, their order and the keys it leaves out must not change. A record's JSON keys are its
field names in declared order; the few keys that appear only sometimes are handled by name
below. Values are held already rounded as the contract shows them, so the typed and the JSON
view never disagree.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Literal

from pydantic import BaseModel

from coach.scoring.compliance.assess import Finding, NotAssessable
from coach.scoring.negotiation import Commitment, Outcome
from coach.scoring.prosody import TurnProsody
from coach.scoring.tone import ToneTrajectory
from coach.transcript import Speaker

Dimension = Literal["compliance", "tone", "listening", "negotiation", "structure"]
DIMENSIONS: tuple[Dimension, ...] = ("compliance", "tone", "listening", "negotiation", "structure")
NO_TURNS = "the transcript has no turns"
_NO_TRAJECTORY = ToneTrajectory("steady", None, None)


@dataclass(frozen=True)
class ScoreItem:
    """One credit or deduction with the evidence behind it (rule fields only for findings)."""

    kind: Literal["credit", "deduction"]
    points: int
    key: str
    reason: str
    turn: int | None
    start: float | None
    end: float | None
    quote: str
    rule_id: str | None = None
    severity: str | None = None
    status: str | None = None

    @property
    def change(self) -> int:
        """What the item does to its dimension's score."""
        return self.points if self.kind == "credit" else -self.points


@dataclass(frozen=True)
class DimensionResult:
    """A dimension's score (``None`` when not assessable), its share of the total and items."""

    score: int | None
    base: int
    weight: float = 0.0  # renormalised over the assessable dimensions; 0 when left out
    items: tuple[ScoreItem, ...] = ()
    not_assessable: str | None = None


@dataclass(frozen=True)
class CapResult:
    """The findings that limit the total to ``max_total``, and whether the limit bit."""

    max_total: int
    triggered_by: tuple[str, ...]
    applied: bool = False


@dataclass(frozen=True)
class SkillEvidence:
    """A score item of one of the dimensions a skill is observed through."""

    kind: Literal["credit", "deduction"]
    key: str
    turn: int | None
    quote: str
    dimension: Dimension


@dataclass(frozen=True)
class SkillObservation:
    """A skill's 0..1 score on this call, for progress tracking, with its evidence."""

    skill: str
    score: float
    evidence: tuple[SkillEvidence, ...]


@dataclass(frozen=True)
class TurnRow:
    """What scoring saw in one turn; ``agitation`` only for debtor turns with words."""

    index: int
    speaker: Speaker
    start: float | None
    end: float | None
    tone: str | None  # agent turns only: the seven tones describe agent conduct
    tone_scores: Mapping[str, float]
    tone_cues: tuple[str, ...]  # rules that overrode the model, so a reviewer sees why
    intents: tuple[str, ...]
    satisfies: tuple[str, ...]
    active_listening: bool
    empathy: bool
    agitation: float | None = None
    prosody: TurnProsody | None = None  # None also for a turn without times


@dataclass(frozen=True)
class CallMetrics:
    """Conversation, negotiation and tone figures; unmeasurable ones are ``None`` with the
    reason under ``not_measured``."""

    talk_to_listen_ratio: float | None
    longest_monologue_s: float | None
    agent_interruptions: float | None
    debtor_interruptions: float | None
    overtalk_s: float | None
    median_response_latency_s: float | None
    agent_word_share: float
    longest_monologue_words: int
    agent_questions: int
    open_questions: int
    closed_questions: int
    question_rate: float
    filler_rate_per_100_words: float
    paraphrase_method: str
    stages: Mapping[str, int]  # stage -> the turn that first reached it
    payment_options_offered: int
    options: tuple[str, ...]
    commitment: Commitment | None
    tone_counts: Mapping[str, int]
    not_measured: Mapping[str, str]
    agent_words_per_minute: float | None = None  # with audio only


@dataclass(frozen=True)
class DefinitionRef:
    """The scorecard definition applied (``content/scorecards/<id>.yaml``)."""

    id: str
    version: str


@dataclass(frozen=True)
class PackVersion:
    version: str
    digest: str


@dataclass(frozen=True)
class ModelVersions:
    encoder: str
    tone_head: str
    debtor_affect_head: str
    # The learned heads beside the cues ("" where the engine ran without them).
    rule_heads: str = ""
    listening_heads: str = ""
    outcome_head: str = ""


@dataclass(frozen=True)
class Versions:
    """Exactly what produced a scorecard, so a stored one can be reproduced."""

    engine: str
    scorecard: DefinitionRef
    rule_packs: Mapping[str, PackVersion]
    models: ModelVersions


@dataclass(frozen=True)
class Scorecard:
    """One scored call. A call without turns keeps the defaults: nothing to report."""

    total: int | None
    dimensions: Mapping[Dimension, DimensionResult]  # every dimension, in DIMENSIONS order
    versions: Versions
    cap: CapResult | None = None
    not_assessable_rules: tuple[NotAssessable, ...] = ()
    findings: tuple[Finding, ...] = ()
    turns: tuple[TurnRow, ...] = ()
    outcome: Outcome = "none"
    metrics: CallMetrics | None = None  # None: the call had no turns to measure
    debtor_trajectory: ToneTrajectory = _NO_TRAJECTORY
    skill_observations: tuple[SkillObservation, ...] = ()
    with_audio: bool = False  # turns carry prosody and metrics a speaking rate

    def to_json_dict(self) -> dict[str, Any]:
        """The public JSON contract (``docs/scoring.md`` §6)."""
        dims = self.dimensions
        return {
            "total": self.total,
            "dimensions": {d: r.score for d, r in dims.items()},
            "dimension_details": _plain(dims),
            "cap": _plain(self.cap),
            "not_assessable": {
                "dimensions": {d: r.not_assessable for d, r in dims.items() if r.not_assessable},
                "rules": _plain(self.not_assessable_rules),
            },
            "findings": _plain(self.findings),
            "turns": [_turn(t, self.with_audio) for t in self.turns],
            "outcome": self.outcome,
            "metrics": _metrics(self.metrics, self.with_audio),
            "debtor_trajectory": _plain(self.debtor_trajectory),
            "skill_observations": _plain(self.skill_observations),
            "scorecard": _plain(self.versions.scorecard),
            "versions": _versions(self.versions),
        }


def _turn(row: TurnRow, with_audio: bool) -> dict[str, Any]:
    leave_out = {"prosody"} if not with_audio else set()
    if row.agitation is None:
        leave_out.add("agitation")
    return _record(row, leave_out)


def _metrics(metrics: CallMetrics | None, with_audio: bool) -> dict[str, Any]:
    if metrics is None:
        return {"not_measured": {"call": NO_TURNS}}
    return _record(metrics, set() if with_audio else {"agent_words_per_minute"})


def _versions(versions: Versions) -> dict[str, Any]:
    card = versions.scorecard
    return _record(versions) | {"scorecard": f"{card.id}@{card.version}"}


def _record(value: Any, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """A dataclass as a JSON object: its fields in declared order, less ``leave_out``."""
    return {
        f.name: _plain(getattr(value, f.name)) for f in fields(value) if f.name not in leave_out
    }


_RULE_FIELDS = ("rule_id", "severity", "status")  # only compliance items name a rule


def _plain(value: Any) -> Any:
    """``value`` as JSON-ready lists, dicts and scalars."""
    if isinstance(value, ScoreItem):
        return _record(value, _RULE_FIELDS if value.rule_id is None else ())
    if isinstance(value, Commitment):
        return _record(value) | {"complete": value.complete}
    if is_dataclass(value) and not isinstance(value, type):
        return _record(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value
