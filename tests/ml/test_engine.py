"""The whole scoring engine on the real encoder and heads: what a scorecard says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.cli.score_files import score_batch, score_file
from coach.engines import load_scoring_models
from coach.nlp.encoder import SentenceEncoder
from coach.scoring.compliance.rules import JURISDICTIONS
from coach.scoring.pipeline import ENGINE_VERSION, ScoringModels, score_transcript
from coach.scoring.result import Scorecard
from tests.content import repo_catalog
from tests.speech_synthesis import PRACTICE_CALL

pytestmark = pytest.mark.ml

REPO = Path(__file__).resolve().parents[2]
DIMENSIONS = {"compliance", "tone", "listening", "negotiation", "structure"}
TONES = {
    "empathetic",
    "professional",
    "neutral",
    "pushy",
    "hostile",
    "threatening",
    "condescending",
}
OUTCOMES = {"promise_to_pay", "payment_plan", "dispute", "refusal", "callback", "none"}


@pytest.fixture(scope="module")
def models(model_cache: Path, encoder: SentenceEncoder) -> ScoringModels:
    return load_scoring_models(repo_catalog(), model_cache, encoder)


@pytest.fixture(scope="module")
def practice_call() -> dict:
    turns = []
    for line in PRACTICE_CALL.read_text(encoding="utf-8").splitlines():
        if "|" in line:
            who, text = line.split("|", 1)
            turns.append({"speaker": "agent" if who == "A" else "debtor", "text": text})
    return {"turns": turns}


@pytest.fixture(scope="module")
def scored(practice_call: dict, models: ScoringModels) -> Scorecard:
    return score_transcript(practice_call, "US", {"call_type": "initial"}, models)


def rule_ids(models: ScoringModels) -> set[str]:
    return {r.id for group in models.packs.values() for p in group for r in p.rules}


def test_text_only_transcript_scores(scored: Scorecard) -> None:
    assert scored.total is not None and 0 <= scored.total <= 100
    assert set(scored.dimensions) == DIMENSIONS
    assert all(r.score is not None and 0 <= r.score <= 100 for r in scored.dimensions.values())
    assert scored.outcome in OUTCOMES
    assert scored.metrics is not None and scored.skill_observations
    assert list(scored.versions.rule_packs) == ["us_fdcpa_regf"]
    assert (scored.versions.scorecard.id, scored.versions.engine) == ("default", ENGINE_VERSION)


def test_turn_rows_say_what_each_turn_did(scored: Scorecard, practice_call: dict) -> None:
    rows = scored.turns
    assert [r.index for r in rows] == list(range(len(practice_call["turns"])))
    for row in rows:
        if row.speaker == "agent":
            assert row.tone in TONES
            assert set(row.tone_scores) == TONES
    disclosed = [r for r in rows if "US-FDCPA-1692e11-MINI-MIRANDA" in r.satisfies]
    assert [r.index for r in disclosed] == [2]
    assert "disclosure" in rows[2].intents
    assert rows[6].empathy and rows[6].tone == "empathetic"


def test_findings_name_catalog_rules_and_link_evidence(
    scored: Scorecard, models: ScoringModels
) -> None:
    known = rule_ids(models)
    assert all(finding.rule_id in known for finding in scored.findings)
    items = [item for r in scored.dimensions.values() for item in r.items]
    assert items and all(item.reason for item in items)
    assert all(item.rule_id in known for item in items if item.rule_id is not None)


def test_output_is_deterministic_and_json(practice_call: dict, models: ScoringModels) -> None:
    first = score_transcript(practice_call, "US", {"call_type": "initial"}, models)
    second = score_transcript(practice_call, "US", {"call_type": "initial"}, models)
    assert first == second
    assert json.dumps(first.to_json_dict()) == json.dumps(second.to_json_dict())


def test_only_debtor_turns_is_not_assessable(models: ScoringModels) -> None:
    call = {"turns": [{"speaker": "debtor", "text": "Who is this? Stop calling me."}]}
    result = score_transcript(call, "US", None, models)
    assert result.total is None
    assert all(r.score is None and r.not_assessable for r in result.dimensions.values())
    assert result.findings == ()


def test_empty_transcript_is_not_assessable_with_a_reason(models: ScoringModels) -> None:
    result = score_transcript({"turns": []}, "UK", None, models)
    assert result.total is None
    assert "no turns" in (result.dimensions["compliance"].not_assessable or "")
    assert result.metrics is None and result.versions.rule_packs.keys() == {"uk_fca_conc7"}


def test_turns_of_only_punctuation_are_not_assessable(models: ScoringModels) -> None:
    # What ASR can leave where nothing intelligible was said.
    call = {"turns": [{"speaker": "agent", "text": "..."}, {"speaker": "debtor", "text": "?"}]}
    result = score_transcript(call, "US", None, models)
    assert result.total is None
    assert "no turns with any words" in (result.dimensions["tone"].not_assessable or "")


def test_agent_alone_leaves_listening_out(models: ScoringModels) -> None:
    call = {"turns": [{"speaker": "agent", "text": "Hello, this is Sam from Acme Collections."}]}
    result = score_transcript(call, "US", None, models)
    listening = result.dimensions["listening"]
    assert listening.score is None and listening.weight == 0.0
    assert "debtor" in (listening.not_assessable or "")
    assert result.total is not None


def test_unknown_jurisdiction_is_a_clear_error(practice_call: dict, models: ScoringModels) -> None:
    with pytest.raises(ValueError, match="allowed: " + ", ".join(JURISDICTIONS)):
        score_transcript(practice_call, "FR", None, models)


def test_metadata_with_wrong_types_is_a_clear_error(
    practice_call: dict, models: ScoringModels
) -> None:
    with pytest.raises(ValueError, match="attempts_last_7_days"):
        score_transcript(practice_call, "US", {"attempts_last_7_days": "many"}, models)


def test_critical_violation_caps_total(practice_call: dict, models: ScoringModels) -> None:
    threat = {"speaker": "agent", "text": "If you don't pay today we will have you arrested."}
    call = {"turns": [*practice_call["turns"], threat]}
    result = score_transcript(call, "US", {"call_type": "initial"}, models)
    cap = result.cap
    assert cap is not None and "US-FDCPA-1692e4-THREAT-ARREST" in cap.triggered_by
    assert result.total is not None and result.total <= cap.max_total
    assert "threat" in result.turns[-1].intents


def test_a_tone_rule_that_overrode_the_model_is_named(models: ScoringModels) -> None:
    swearing = {"speaker": "agent", "text": "Could you please just pay the damn balance, sir?"}
    result = score_transcript({"turns": [swearing]}, "US", None, models)
    [row] = result.turns
    assert row.tone == "hostile"
    assert row.tone_cues == ("profanity",)


def test_batch_reports_bad_lines_and_keeps_going(
    practice_call: dict, models: ScoringModels
) -> None:
    lines = [
        json.dumps({"transcript": practice_call, "jurisdiction": "US"}),
        "{not json",
        json.dumps({"transcript": practice_call, "jurisdiction": "XX"}),
    ]
    out = [json.loads(line) for line in score_batch(lines, models)]
    assert set(out[0]["dimensions"]) == DIMENSIONS
    assert out[1]["line"] == 2 and "not valid JSON" in out[1]["error"]
    assert out[2]["line"] == 3 and "unknown jurisdiction" in out[2]["error"]


def test_score_file_reads_transcript_and_metadata(
    tmp_path: Path, practice_call: dict, models: ScoringModels
) -> None:
    transcript = tmp_path / "call.json"
    transcript.write_text(json.dumps(practice_call), encoding="utf-8")
    metadata = tmp_path / "meta.json"
    metadata.write_text(json.dumps({"local_time": "22:30"}), encoding="utf-8")
    result = score_file(transcript, "US", metadata, models)
    assert "US-REGF-1006.6b1-CALL-HOURS" in {f.rule_id for f in result.findings}
