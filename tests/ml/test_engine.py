"""The whole scoring engine on the real encoder and heads: the public JSON contract."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from coach.scoring.batch import score_batch, score_file
from coach.scoring.engine import ScoringModels, load_scoring_models, score_transcript
from coach.scoring.rules import JURISDICTIONS
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
FINDING_KEYS = {"rule_id", "status", "turn", "quote", "start", "end", "citation", "severity"}
TURN_KEYS = {"index", "speaker", "tone", "tone_scores", "intents", "satisfies"}
TURN_KEYS |= {"active_listening", "empathy"}


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> ScoringModels:
    return load_scoring_models(REPO / "content", tmp_path_factory.mktemp("heads"))


@pytest.fixture(scope="module")
def practice_call() -> dict:
    turns = []
    for line in PRACTICE_CALL.read_text(encoding="utf-8").splitlines():
        if "|" in line:
            who, text = line.split("|", 1)
            turns.append({"speaker": "agent" if who == "A" else "debtor", "text": text})
    return {"turns": turns}


@pytest.fixture(scope="module")
def scored(practice_call: dict, models: ScoringModels) -> dict:
    return score_transcript(practice_call, "US", {"call_type": "initial"}, models)


def rule_ids(models: ScoringModels) -> set[str]:
    return {r.id for group in models.packs.values() for p in group for r in p.rules}


def test_text_only_transcript_scores(scored: dict) -> None:
    assert 0 <= scored["total"] <= 100
    assert set(scored["dimensions"]) == DIMENSIONS
    assert all(0 <= v <= 100 for v in scored["dimensions"].values())
    assert scored["outcome"] in OUTCOMES
    assert {"metrics", "versions", "skill_observations", "debtor_trajectory"} <= set(scored)
    assert set(scored["versions"]) >= {"rule_packs", "models"}
    assert scored["versions"]["rule_packs"] == {
        "us_fdcpa_regf": scored["versions"]["rule_packs"]["us_fdcpa_regf"]
    }


def test_turn_rows_follow_the_contract(scored: dict, practice_call: dict) -> None:
    rows = scored["turns"]
    assert [r["index"] for r in rows] == list(range(len(practice_call["turns"])))
    for row in rows:
        assert set(row) >= TURN_KEYS
        if row["speaker"] == "agent":
            assert row["tone"] in TONES
            assert set(row["tone_scores"]) == TONES
    disclosed = [r for r in rows if "US-FDCPA-1692e11-MINI-MIRANDA" in r["satisfies"]]
    assert [r["index"] for r in disclosed] == [2]
    assert "disclosure" in rows[2]["intents"]
    assert rows[6]["empathy"] and rows[6]["tone"] == "empathetic"


def test_findings_name_catalog_rules_and_link_evidence(scored: dict, models: ScoringModels) -> None:
    known = rule_ids(models)
    for finding in scored["findings"]:
        assert set(finding) >= FINDING_KEYS
        assert finding["rule_id"] in known
    for detail in scored["dimension_details"].values():
        for item in detail["items"]:
            assert item["kind"] in {"credit", "deduction"}
            assert {"points", "reason", "turn", "start", "end", "quote"} <= set(item)


def test_output_is_deterministic_and_json(practice_call: dict, models: ScoringModels) -> None:
    first = score_transcript(practice_call, "US", {"call_type": "initial"}, models)
    second = score_transcript(practice_call, "US", {"call_type": "initial"}, models)
    assert json.dumps(first) == json.dumps(second)


def test_only_debtor_turns_is_not_assessable(models: ScoringModels) -> None:
    call = {"turns": [{"speaker": "debtor", "text": "Who is this? Stop calling me."}]}
    result = score_transcript(call, "US", None, models)
    assert result["total"] is None
    assert set(result["not_assessable"]["dimensions"]) == DIMENSIONS
    assert all(v is None for v in result["dimensions"].values())
    assert result["findings"] == []


def test_empty_transcript_is_not_assessable_with_a_reason(models: ScoringModels) -> None:
    result = score_transcript({"turns": []}, "UK", None, models)
    assert result["total"] is None
    assert "no turns" in result["not_assessable"]["dimensions"]["compliance"]


def test_turns_of_only_punctuation_are_not_assessable(models: ScoringModels) -> None:
    # What ASR can leave where nothing intelligible was said.
    call = {"turns": [{"speaker": "agent", "text": "..."}, {"speaker": "debtor", "text": "?"}]}
    result = score_transcript(call, "US", None, models)
    assert result["total"] is None
    assert "no turns with any words" in result["not_assessable"]["dimensions"]["tone"]


def test_agent_alone_leaves_listening_out(models: ScoringModels) -> None:
    call = {"turns": [{"speaker": "agent", "text": "Hello, this is Sam from Acme Collections."}]}
    result = score_transcript(call, "US", None, models)
    assert result["dimensions"]["listening"] is None
    assert "debtor" in result["not_assessable"]["dimensions"]["listening"]
    assert result["total"] is not None


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
    cap = result["cap"]
    assert cap is not None and "US-FDCPA-1692e4-THREAT-ARREST" in cap["triggered_by"]
    assert result["total"] <= cap["max_total"]
    assert "threat" in result["turns"][-1]["intents"]


def test_a_tone_rule_that_overrode_the_model_is_named(models: ScoringModels) -> None:
    swearing = {"speaker": "agent", "text": "Could you please just pay the damn balance, sir?"}
    result = score_transcript({"turns": [swearing]}, "US", None, models)
    [row] = result["turns"]
    assert row["tone"] == "hostile"
    assert row["tone_cues"] == ["profanity"]


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
    assert "US-REGF-1006.6b1-CALL-HOURS" in {f["rule_id"] for f in result["findings"]}


def test_rule_pack_with_a_broken_pattern_fails_loading_clearly(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    pack = content / "rules" / "us_fdcpa_regf.yaml"
    data = yaml.safe_load(pack.read_text(encoding="utf-8"))
    data["lexicons"]["debt_mention"][0] = r"\bdebts?(\b"
    pack.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape("us_fdcpa_regf.yaml:lexicons.debt_mention")):
        load_scoring_models(content, tmp_path / "cache")
