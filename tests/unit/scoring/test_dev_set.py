"""The labelled scoring dev set is well-formed: known rule ids, enough cases, valid calls."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from coach.transcript import Transcript
from tests.rule_catalog import rule_kinds

DATA = Path(__file__).resolve().parents[2] / "data" / "scoring"
TONES = {
    "empathetic",
    "professional",
    "neutral",
    "pushy",
    "hostile",
    "threatening",
    "condescending",
}
JURISDICTIONS = {"US", "UK", "IN"}
MINI_MIRANDA = "US-FDCPA-1692e11-MINI-MIRANDA"
OUTCOMES = {"promise_to_pay", "payment_plan", "dispute", "refusal", "callback", "none"}
STAGES = {
    "greeting_identification",
    "verification",
    "disclosure",
    "purpose",
    "discovery",
    "options_offered",
    "commitment",
    "recap",
    "close",
}
FINDING_STATUSES = {"violation", "missing", "suspected"}
# Every prohibited-statement rule is judgeable from a single agent utterance.
MIN_EXAMPLES_PER_STATEMENT_RULE = 4


@cache
def utterances() -> tuple[dict, ...]:
    lines = (DATA / "utterances.jsonl").read_text(encoding="utf-8").splitlines()
    return tuple(json.loads(line) for line in lines if line.strip())


@cache
def calls() -> tuple[dict, ...]:
    return tuple(
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((DATA / "calls").glob("*.json"))
    )


def test_catalog_parses_to_fifty_rules() -> None:
    assert len(rule_kinds()) == 50


def test_utterances_have_the_schema_and_unique_ids() -> None:
    keys = {"id", "jurisdiction", "text", "rules", "satisfies", "tone", "hard_negative", "note"}
    ids = [u["id"] for u in utterances()]
    assert len(ids) == len(set(ids))
    for u in utterances():
        assert set(u) == keys, u["id"]
        assert u["jurisdiction"] in JURISDICTIONS, u["id"]
        assert u["text"].strip() and u["note"].strip(), u["id"]
        assert isinstance(u["hard_negative"], bool), u["id"]
        assert not (u["hard_negative"] and u["rules"]), f"{u['id']}: a hard negative violates"


def test_every_rule_id_in_the_set_exists_in_the_catalog() -> None:
    used = {r for u in utterances() for r in u["rules"] + u["satisfies"]}
    used |= {f["rule_id"] for c in calls() for f in c["expected"]["findings"]}
    assert used - set(rule_kinds()) == set()


def test_satisfies_only_names_required_disclosures() -> None:
    for u in utterances():
        for rule in u["satisfies"]:
            assert "required-disclosure" in rule_kinds()[rule], (u["id"], rule)


def test_utterance_rules_match_the_utterance_jurisdiction() -> None:
    for u in utterances():
        for rule in u["rules"] + u["satisfies"]:
            assert rule.startswith(u["jurisdiction"] + "-"), (u["id"], rule)


def test_at_least_320_utterances() -> None:
    assert len(utterances()) >= 320


@pytest.mark.parametrize("tone", sorted(TONES))
def test_each_tone_class_has_at_least_25_examples(tone: str) -> None:
    assert all(u["tone"] in TONES for u in utterances())
    assert Counter(u["tone"] for u in utterances())[tone] >= 25


def test_every_prohibited_statement_rule_has_several_violating_examples() -> None:
    statement_rules = [r for r, kind in rule_kinds().items() if "prohibited-statement" in kind]
    counts = Counter(r for u in utterances() for r in u["rules"])
    thin = {r: counts[r] for r in statement_rules if counts[r] < MIN_EXAMPLES_PER_STATEMENT_RULE}
    assert thin == {}


def test_mini_miranda_positives_and_near_misses() -> None:
    positives = [u for u in utterances() if MINI_MIRANDA in u["satisfies"]]
    near_misses = [
        u
        for u in utterances()
        if MINI_MIRANDA not in u["satisfies"]
        and u["hard_negative"]
        and re.search(r"\b(debt|collect)", u["text"], re.IGNORECASE)
    ]
    assert len(positives) >= 40
    assert len(near_misses) >= 40


def test_many_hard_negatives() -> None:
    assert sum(u["hard_negative"] for u in utterances()) >= 80


def test_at_least_16_calls_of_8_to_30_turns() -> None:
    assert len(calls()) >= 16
    for call in calls():
        assert 8 <= len(call["transcript"]["turns"]) <= 30, call["id"]


def test_call_ids_are_unique_and_match_file_names() -> None:
    names = sorted(p.stem for p in (DATA / "calls").glob("*.json"))
    assert names == sorted(c["id"] for c in calls())


def test_every_call_transcript_parses() -> None:
    for call in calls():
        transcript = Transcript.model_validate(call["transcript"])
        assert transcript.turns, call["id"]
        assert call["jurisdiction"] in JURISDICTIONS


def test_expected_findings_point_at_real_turns() -> None:
    for call in calls():
        turns = call["transcript"]["turns"]
        for finding in call["expected"]["findings"]:
            assert finding["status"] in FINDING_STATUSES, call["id"]
            turn = finding["turn"]
            if turn is None:
                continue
            assert 0 <= turn < len(turns), (call["id"], finding)
            if finding["status"] == "violation":
                assert turns[turn]["speaker"] == "agent", (call["id"], finding)


def test_expected_negotiation_labels_are_well_formed() -> None:
    for call in calls():
        expected = call["expected"]
        turns = call["transcript"]["turns"]
        assert expected["outcome"] in OUTCOMES, call["id"]
        assert set(expected["stages"]) <= STAGES, call["id"]
        assert 0 <= expected["payment_options_offered"] <= 5, call["id"]
        assert isinstance(expected["commitment_complete"], bool), call["id"]
        for i in expected["listening_moments"]:
            assert turns[i]["speaker"] == "agent", (call["id"], i)


def test_calls_cover_every_outcome_and_jurisdiction() -> None:
    assert {c["expected"]["outcome"] for c in calls()} == OUTCOMES
    assert {c["jurisdiction"] for c in calls()} == JURISDICTIONS


def test_second_writers_tone_set_is_balanced_unique_and_labelled() -> None:
    lines = (DATA / "tone_second_writer.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    assert {r["tone"] for r in rows} == TONES
    assert {r["locale"] for r in rows} == JURISDICTIONS
    assert min(Counter(r["tone"] for r in rows).values()) >= 30
    assert len({r["text"].lower() for r in rows}) == len(rows)
