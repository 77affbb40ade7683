"""Rule packs x transcript (+ call metadata) -> compliance findings.

Only agent turns can violate; debtor turns give triggers. Every finding carries the rule id,
the citation, the exact words that triggered it and their times when the transcript has them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from coach.nlp.encoder import TextEncoder
from coach.scoring.compliance.context import CallContext, DetectorKind, Hit
from coach.scoring.compliance.learned import JurisdictionRuleModel
from coach.scoring.compliance.model_evidence import CallProbabilities, with_model
from coach.scoring.compliance.rules import JURISDICTIONS, Rule, RulePack
from coach.scoring.metadata import CallMetadata, MetadataError, parse_metadata
from coach.transcript import Transcript, Turn

__all__ = [
    "CallMetadata",
    "ComplianceResult",
    "Finding",
    "MetadataError",
    "NotAssessable",
    "assess_compliance",
]

_TOKEN = re.compile(r"\S+")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Finding(_Frozen):
    """One rule outcome; the JSON shape (minus ``explanation``) is a public contract."""

    rule_id: str
    status: Literal["violation", "missing", "suspected"]
    turn: int | None
    quote: str
    start: float | None
    end: float | None
    citation: str
    severity: Literal["critical", "major", "minor"]
    suggestion: str
    explanation: str
    # Which evidence fired (pattern, model, metadata or sequence) and how sure it is (0-1).
    detector: DetectorKind
    confidence: float = Field(ge=0.0, le=1.0)


class NotAssessable(_Frozen):
    """A rule this call could not be judged on, and why (e.g. missing metadata)."""

    rule_id: str
    reason: str


class ComplianceResult(_Frozen):
    """Findings for one call plus what was used to produce them."""

    jurisdiction: str
    pack_versions: dict[str, str]
    model_ids: tuple[str, ...]
    findings: tuple[Finding, ...]
    satisfies: tuple[tuple[str, ...], ...]
    not_assessable: tuple[NotAssessable, ...]

    def to_json_dict(self) -> dict[str, Any]:
        """The public JSON shape: findings, per-turn ``satisfies`` and the provenance."""
        data = self.model_dump(mode="json", exclude={"satisfies"})
        data["turns"] = [{"turn": i, "satisfies": list(s)} for i, s in enumerate(self.satisfies)]
        return data


def assess_compliance(
    transcript: Transcript,
    jurisdiction: str,
    packs: Mapping[str, Sequence[RulePack]],
    metadata: CallMetadata | Mapping[str, Any] | None = None,
    encoder: TextEncoder | None = None,
    rule_model: JurisdictionRuleModel | None = None,
) -> ComplianceResult:
    """Judge one call against the jurisdiction's rule packs.

    Raises ``ValueError`` for an unknown jurisdiction and :class:`MetadataError` (a
    ``ValueError``) for metadata of the wrong shape. Without ``encoder`` only patterns run;
    with ``rule_model`` (the jurisdiction's learned heads) the heads add their evidence.
    """
    code = jurisdiction.upper() if isinstance(jurisdiction, str) else jurisdiction
    if code not in JURISDICTIONS:
        raise ValueError(
            f"unknown jurisdiction {jurisdiction!r}; allowed: {', '.join(JURISDICTIONS)}"
        )
    selected = list(packs.get(code, ()))
    if not selected:
        raise ValueError(f"no rule pack loaded for jurisdiction {code}")
    meta = parse_metadata(metadata)
    versions = {p.pack: p.version for p in selected}
    if not any(t.speaker == "agent" for t in transcript.turns):
        return ComplianceResult(
            jurisdiction=code,
            pack_versions=versions,
            model_ids=(),
            findings=(),
            satisfies=tuple(() for _ in transcript.turns),
            not_assessable=tuple(
                NotAssessable(rule_id=r.id, reason="no agent turns")
                for p in selected
                for r in p.rules
            ),
        )
    satisfies: list[list[str]] = [[] for _ in transcript.turns]
    findings: list[Finding] = []
    unassessable: list[NotAssessable] = []
    call = CallProbabilities.of(rule_model, transcript) if rule_model else None
    for pack in selected:
        ctx = pack.context(transcript, meta, encoder)
        for rule in pack.rules:
            verdict = rule.evaluate(ctx)
            if call is not None:
                verdict = with_model(rule, verdict, call, ctx)
            findings.extend(_finding(rule, hit, transcript, ctx) for hit in verdict.hits)
            if rule.kind == "required-disclosure":
                for index in verdict.satisfied_by:
                    satisfies[index].append(rule.id)
            if verdict.unassessable:
                unassessable.append(NotAssessable(rule_id=rule.id, reason=verdict.unassessable))
    return ComplianceResult(
        jurisdiction=code,
        pack_versions=versions,
        model_ids=(encoder.model_id,) if encoder is not None else (),
        findings=tuple(findings),
        satisfies=tuple(tuple(s) for s in satisfies),
        not_assessable=tuple(unassessable),
    )


def _finding(rule: Rule, hit: Hit, transcript: Transcript, ctx: CallContext) -> Finding:
    quote, start, end = "", None, None
    if hit.turn is not None:
        turn = transcript.turns[hit.turn]
        norm = ctx.turns[hit.turn].norm
        if hit.span is not None:
            s, e = _trim(turn.text, *norm.original_span(*hit.span))
            quote = turn.text[s:e]
            start, end = _times(turn, s, e)
        else:
            start, end = turn.start, turn.end
    explanation = " ".join(filter(None, (rule.explanation.strip(), hit.note)))
    return Finding(
        rule_id=rule.id,
        status=hit.status,
        turn=hit.turn,
        quote=quote,
        start=start,
        end=end,
        citation=rule.citation,
        severity=rule.severity,
        suggestion=rule.suggestion.strip(),
        explanation=explanation,
        detector=hit.detector,
        confidence=round(hit.confidence, 3),
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace."""
    tokens = [m.span() for m in _TOKEN.finditer(text, start, end)]
    return (tokens[0][0], tokens[-1][1]) if tokens else (start, start)


def _times(turn: Turn, start: int, end: int) -> tuple[float | None, float | None]:
    """Times of the quoted words from word timestamps, else the turn's own times."""
    if not turn.words:
        return turn.start, turn.end
    tokens = list(_TOKEN.finditer(turn.text))
    to_word = _align([_bare(t.group()) for t in tokens], [_bare(w.w) for w in turn.words])
    aligned = [to_word[i] for i, t in enumerate(tokens) if t.start() < end and t.end() > start]
    inside = [w for w in aligned if w is not None]
    if not inside:
        return turn.start, turn.end
    return turn.words[min(inside)].start, turn.words[max(inside)].end


def _bare(token: str) -> str:
    return re.sub(r"[^\w]", "", token.lower())


def _align(tokens: list[str], words: list[str]) -> list[int | None]:
    """Map each text token to the index of the timed word it corresponds to."""
    if len(tokens) == len(words):
        return list(range(len(tokens)))
    mapping: list[int | None] = [None] * len(tokens)
    matcher = difflib.SequenceMatcher(a=tokens, b=words, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            mapping[a + k] = b + k
    return mapping
