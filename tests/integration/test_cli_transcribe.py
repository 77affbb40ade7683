"""`flask coach calls transcribe` prints the scoring engine's transcript contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import SessionAudio

pytestmark = pytest.mark.ml


def test_transcribe_prints_the_json_contract(app: Flask, test_audio: SessionAudio) -> None:
    result = app.test_cli_runner().invoke(
        args=["coach", "calls", "transcribe", str(test_audio.speech), "--json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"duration", "language", "turns"}
    turn = data["turns"][0]
    assert set(turn) >= {"speaker", "start", "end", "text", "words"}
    assert set(turn["words"][0]) == {"w", "start", "end"}
    assert "monthly payment" in " ".join(t["text"] for t in data["turns"]).lower()


def test_stereo_call_is_split_by_channel(app: Flask, test_audio: SessionAudio) -> None:
    result = app.test_cli_runner().invoke(
        args=["coach", "calls", "transcribe", str(test_audio.call_stereo), "--json"]
    )
    data = json.loads(result.stdout)
    speakers = [t["speaker"] for t in data["turns"]]
    assert speakers.count("agent") >= 3 and speakers.count("debtor") >= 3
    assert data["turns"][-1]["end"] > data["duration"] - 8  # the last turn is transcribed


def test_unusable_file_is_one_clear_line_on_stderr(app: Flask, tmp_path: Path) -> None:
    fake = tmp_path / "notes.wav"
    fake.write_text("meeting notes, not audio\n" * 10)
    result = app.test_cli_runner().invoke(
        args=["coach", "calls", "transcribe", str(fake), "--json"]
    )
    assert result.exit_code != 0 and result.stdout == ""
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_stereo_flag_on_mono_file_is_refused(app: Flask, test_audio: SessionAudio) -> None:
    result = app.test_cli_runner().invoke(
        args=["coach", "calls", "transcribe", str(test_audio.call_mono), "--channels", "stereo"]
    )
    assert result.exit_code != 0 and "two-channel" in result.stderr
