"""``flask coach score`` prints exactly the JSON other tools already parse (golden files).

Each case in ``tests/data/scorecard_contract/`` is a transcript (plus optional metadata) and
the byte-for-byte output the CLI printed for it; ``us_with_audio`` is what the scoring job
stores for a call with a recording (per-turn prosody), which the CLI cannot produce.

Model scores are compared to 1e-3: ONNX Runtime's float sums differ in the last digit between
CPUs (0.4856 here, 0.4857 on CI). Everything else — keys, their order, strings, integers —
must match exactly.

A change that moves a figure (a rule pack, a trained head, the engine) is a deliberate change
to the golden files: regenerate them with
``COACH_UPDATE_GOLDEN=1 pytest tests/ml/test_score_cli_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from coach import create_app
from coach.engines import engines_of
from coach.extensions import db
from coach.scoring.pipeline import score_transcript
from coach.speech.audio import decode_audio

pytestmark = pytest.mark.ml

DATA = Path(__file__).resolve().parents[1] / "data" / "scorecard_contract"
# Case name -> jurisdiction; three jurisdictions, a call without turns, one without an agent.
CASES = {
    "us_timed_with_metadata": "US",
    "uk_hardship": "UK",
    "in_follow_up": "IN",
    "uk_no_turns": "UK",
    "us_debtor_only": "US",
}


@pytest.fixture(scope="module")
def golden_app(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp("golden-instance")
    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "DATABASE_URL": f"sqlite:///{instance / 'coach.sqlite3'}",
            "JOB_RUNNER": "inline",
            "MODEL_CACHE_DIR": str(model_cache),
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def cli(golden_app: Flask) -> FlaskCliRunner:
    return golden_app.test_cli_runner()


def _metadata(name: str) -> Path | None:
    path = DATA / f"{name}.metadata.json"
    return path if path.exists() else None


FLOAT_TOLERANCE = 1e-3


def assert_same_json(printed: str, golden: str) -> None:
    """Exactly the golden JSON, except floats may differ by FLOAT_TOLERANCE."""
    assert printed.endswith("\n") and golden.endswith("\n")
    _assert_same_value(json.loads(printed), json.loads(golden), "$")


def _assert_same_value(got: object, want: object, where: str) -> None:
    if isinstance(want, float) and isinstance(got, float):
        assert abs(got - want) <= FLOAT_TOLERANCE, f"{where}: {got} != {want}"
    elif isinstance(want, dict) and isinstance(got, dict):
        assert list(got) == list(want), f"{where}: keys {list(got)} != {list(want)}"
        for key in want:
            _assert_same_value(got[key], want[key], f"{where}.{key}")
    elif isinstance(want, list) and isinstance(got, list):
        assert len(got) == len(want), f"{where}: {len(got)} items != {len(want)}"
        for index, (item, wanted) in enumerate(zip(got, want, strict=True)):
            _assert_same_value(item, wanted, f"{where}[{index}]")
    else:
        assert type(got) is type(want) and got == want, f"{where}: {got!r} != {want!r}"


def _golden(name: str, printed: str) -> str:
    """The golden output for ``name`` (rewritten from ``printed`` when asked to update)."""
    path = DATA / f"{name}.scorecard.json"
    if os.environ.get("COACH_UPDATE_GOLDEN") == "1":
        path.write_text(printed, encoding="utf-8")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CASES)
def test_score_prints_the_golden_json(cli: FlaskCliRunner, name: str) -> None:
    args = ["coach", "score", str(DATA / f"{name}.transcript.json")]
    args += ["--jurisdiction", CASES[name]]
    metadata = _metadata(name)
    if metadata is not None:
        args += ["--metadata", str(metadata)]
    result = cli.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert_same_json(result.stdout, _golden(name, result.stdout))


def test_batch_prints_the_same_json_one_line_each(cli: FlaskCliRunner, tmp_path: Path) -> None:
    batch = tmp_path / "calls.jsonl"
    with batch.open("w", encoding="utf-8") as out:
        for name, jurisdiction in CASES.items():
            record = {
                "transcript": json.loads((DATA / f"{name}.transcript.json").read_text("utf-8")),
                "jurisdiction": jurisdiction,
            }
            if (metadata := _metadata(name)) is not None:
                record["metadata"] = json.loads(metadata.read_text("utf-8"))
            out.write(json.dumps(record) + "\n")
    result = cli.invoke(args=["coach", "score", "--batch", str(batch)])
    assert result.exit_code == 0, result.output
    golden = [(DATA / f"{name}.scorecard.json").read_text("utf-8") for name in CASES]
    lines = result.stdout.splitlines(keepends=True)
    assert len(lines) == len(golden)
    for line, wanted in zip(lines, golden, strict=True):
        assert_same_json(line, wanted)


def test_a_scored_recording_stores_the_golden_json(golden_app: Flask, test_audio) -> None:
    """Prosody comes only with audio: the synthesized practice call gives the pitch rows."""
    transcript = json.loads((DATA / "us_with_audio.transcript.json").read_text("utf-8"))
    audio = decode_audio(test_audio.call_mono).mono()
    scored = score_transcript(
        transcript,
        "US",
        {"call_type": "initial"},
        engines_of(golden_app).scoring_models(),
        audio=audio,
    )
    printed = json.dumps(scored.to_json_dict(), ensure_ascii=False) + "\n"
    assert_same_json(printed, _golden("us_with_audio", printed))


def test_the_golden_comparison_fails_on_a_moved_figure_or_key() -> None:
    golden = '{"total": 86, "tone": {"professional": 0.4856}}\n'
    assert_same_json('{"total": 86, "tone": {"professional": 0.4857}}\n', golden)
    for changed in (
        '{"total": 85, "tone": {"professional": 0.4856}}\n',
        '{"total": 86, "tone": {"professional": 0.4956}}\n',
        '{"tone": {"professional": 0.4856}, "total": 86}\n',
        '{"total": 86.0, "tone": {"professional": 0.4856}}\n',
    ):
        with pytest.raises(AssertionError):
            assert_same_json(changed, golden)
