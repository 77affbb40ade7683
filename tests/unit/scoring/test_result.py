"""The one serialiser of a Scorecard: the keys, their order and the keys left out.

Byte-for-byte equality with real scorecards is checked by tests/ml/test_score_cli_golden.py;
these hand-built cards pin the rules that decide which keys appear at all.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from coach.scoring.compliance.assess import Finding, NotAssessable
from coach.scoring.negotiation import Commitment
from coach.scoring.prosody import TurnProsody
from coach.scoring.result import (
    DIMENSIONS,
    CallMetrics,
    DefinitionRef,
    DimensionResult,
    ModelVersions,
    PackVersion,
    Scorecard,
    ScoreItem,
    TurnRow,
    Versions,
)
from coach.scoring.tone import ToneTrajectory
from coach.transcript import Speaker

CONTRACT_KEYS = [
    "total",
    "dimensions",
    "dimension_details",
    "cap",
    "not_assessable",
    "findings",
    "turns",
    "outcome",
    "metrics",
    "debtor_trajectory",
    "skill_observations",
    "scorecard",
    "versions",
]
VERSIONS = Versions(
    engine="9",
    scorecard=DefinitionRef("default", "3"),
    rule_packs={"us_fdcpa_regf": PackVersion("2026.1", "abc")},
    models=ModelVersions("encoder@1", "tone123", "affect456"),
)
THREAT = ScoreItem(
    "deduction",
    50,
    "violation_critical",
    "threat",
    1,
    2.0,
    3.5,
    "we'll arrest you",
    "US-X",
    "critical",
    "violation",
)
EMPATHY = ScoreItem("credit", 5, "empathetic", "kind", 0, None, None, "so sorry")
FINDING = Finding(
    rule_id="US-X",
    status="violation",
    turn=1,
    quote="we'll arrest you",
    start=2.0,
    end=3.5,
    citation="15 USC",
    severity="critical",
    suggestion="don't",
    explanation="a threat",
    detector="pattern",
    confidence=1.0,
)


def _row(index: int, speaker: Speaker, **changes: Any) -> TurnRow:
    row = TurnRow(
        index=index,
        speaker="agent",
        start=None,
        end=None,
        tone=None,
        tone_scores={},
        tone_cues=(),
        intents=(),
        satisfies=(),
        active_listening=False,
        empathy=False,
    )
    return replace(row, speaker=speaker, **changes)


def _metrics(**changes: Any) -> CallMetrics:
    metrics = CallMetrics(
        talk_to_listen_ratio=None,
        longest_monologue_s=None,
        agent_interruptions=None,
        debtor_interruptions=None,
        overtalk_s=None,
        median_response_latency_s=None,
        agent_word_share=0.5,
        longest_monologue_words=4,
        agent_questions=0,
        open_questions=0,
        closed_questions=0,
        question_rate=0.0,
        filler_rate_per_100_words=0.0,
        paraphrase_method="lexical",
        stages={"greeting_identification": 0},
        payment_options_offered=0,
        options=(),
        commitment=Commitment((1,), "$20", "Friday", "card"),
        tone_counts={"empathetic": 1},
        not_measured={"talk_to_listen_ratio": "no times"},
    )
    return replace(metrics, **changes)


def _card(**changes: Any) -> Scorecard:
    dims = {d: DimensionResult(80, 100, 0.2) for d in DIMENSIONS}
    dims["compliance"] = DimensionResult(50, 100, 0.2, (THREAT,))
    dims["tone"] = DimensionResult(95, 90, 0.2, (EMPATHY,))
    card = Scorecard(
        total=40,
        dimensions=dims,
        versions=VERSIONS,
        findings=(FINDING,),
        not_assessable_rules=(NotAssessable(rule_id="US-Y", reason="needs local_time"),),
        turns=(_row(0, "agent", tone="empathetic"), _row(1, "debtor", agitation=0.25)),
        outcome="promise_to_pay",
        metrics=_metrics(),
        debtor_trajectory=ToneTrajectory("calmed", 0.6, 0.2, (1,)),
    )
    return replace(card, **changes)


def test_keys_come_in_the_documented_order_as_plain_json() -> None:
    data = _card().to_json_dict()
    assert list(data) == CONTRACT_KEYS
    assert json.loads(json.dumps(data)) == data  # lists, dicts and scalars only


def test_only_compliance_items_name_a_rule() -> None:
    details = _card().to_json_dict()["dimension_details"]
    assert details["compliance"]["items"] == [
        {
            "kind": "deduction",
            "points": 50,
            "key": "violation_critical",
            "reason": "threat",
            "turn": 1,
            "start": 2.0,
            "end": 3.5,
            "quote": "we'll arrest you",
            "rule_id": "US-X",
            "severity": "critical",
            "status": "violation",
        }
    ]
    assert list(details["tone"]) == ["score", "base", "weight", "items", "not_assessable"]
    assert "rule_id" not in details["tone"]["items"][0]


def test_agitation_only_on_debtor_rows_and_prosody_only_with_audio() -> None:
    agent, debtor = _card().to_json_dict()["turns"]
    assert "agitation" not in agent and debtor["agitation"] == 0.25
    assert "prosody" not in agent and "prosody" not in debtor
    measured = TurnProsody(duration=1.5, words_per_minute=120.0)
    rows = (_row(0, "agent", prosody=measured), _row(1, "debtor"))
    agent, debtor = _card(turns=rows, with_audio=True).to_json_dict()["turns"]
    assert agent["prosody"]["words_per_minute"] == 120.0
    assert debtor["prosody"] is None  # recorded, but an untimed turn gives nothing to measure


def test_speaking_rate_is_a_metric_only_with_audio() -> None:
    metrics = _metrics(agent_words_per_minute=None)
    without = _card(metrics=metrics).to_json_dict()["metrics"]
    with_audio = _card(metrics=metrics, with_audio=True).to_json_dict()["metrics"]
    assert "agent_words_per_minute" not in without
    assert list(with_audio)[-2:] == ["not_measured", "agent_words_per_minute"]
    assert with_audio["commitment"] == {
        "turns": [1],
        "amount": "$20",
        "date": "Friday",
        "method": "card",
        "complete": True,
    }


def test_a_call_without_turns_says_so_instead_of_figures() -> None:
    dims = {
        d: DimensionResult(None, 100, not_assessable="the transcript has no turns")
        for d in DIMENSIONS
    }
    data = Scorecard(total=None, dimensions=dims, versions=VERSIONS).to_json_dict()
    assert data["metrics"] == {"not_measured": {"call": "the transcript has no turns"}}
    assert data["dimensions"] == dict.fromkeys(DIMENSIONS)
    assert data["not_assessable"] == {
        "dimensions": dict.fromkeys(DIMENSIONS, "the transcript has no turns"),
        "rules": [],
    }
    assert data["debtor_trajectory"] == {
        "label": "steady",
        "first_third": None,
        "last_third": None,
        "evidence_turns": [],
    }
    assert (data["turns"], data["findings"], data["outcome"]) == ([], [], "none")


def test_the_definition_is_named_twice_as_the_contract_has_it() -> None:
    data = _card().to_json_dict()
    assert data["scorecard"] == {"id": "default", "version": "3"}
    assert data["versions"] == {
        "engine": "9",
        "scorecard": "default@3",
        "rule_packs": {"us_fdcpa_regf": {"version": "2026.1", "digest": "abc"}},
        "models": {
            "encoder": "encoder@1",
            "tone_head": "tone123",
            "debtor_affect_head": "affect456",
            "rule_heads": "",
            "listening_heads": "",
            "outcome_head": "",
        },
    }
