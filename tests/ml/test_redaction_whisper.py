"""A card number, expiry date and security code read aloud by a neural voice, transcribed by
the real Whisper model and scored: none of their digits is stored, shown or logged."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from coach.extensions import db
from coach.models import CallScore, TranscriptVersion
from tests import speech_synthesis
from tests.helpers import post_upload, uploaded_call_id

pytestmark = pytest.mark.ml

# Read as a payer reads a card: the number in groups of four digits, then the expiry and code.
SPOKEN = (
    "My card number is four five three two, zero one five one, one two eight three, "
    "zero three six six.",
    "It expires zero four twenty seven, and the security code is eight five two.",
)
DIGIT_WORDS = re.compile(
    r"\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b(\W+\b(zero|oh|one|two|three|"
    r"four|five|six|seven|eight|nine)\b){2,}",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def spoken_card(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("card")
    speech = speech_synthesis.neural_speech(SPOKEN)
    wav = speech_synthesis.write_wav(folder / "card.wav", [speech.samples])
    return speech_synthesis.convert(wav, folder / "card.flac")


def _upload(client: FlaskClient, recording: Path) -> int:
    response = post_upload(client, recording.read_bytes(), "card.flac", title="Taking a payment")
    return uploaded_call_id(response)


def _texts(value: Any, keys: frozenset[str] = frozenset({"text", "quote", "w"})) -> list[str]:
    """Every string under a key that holds transcript words, anywhere in ``value``."""
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k in keys and isinstance(v, str)]
        return found + [t for v in value.values() for t in _texts(v, keys)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v, keys)]
    return []


def test_spoken_card_details_are_stored_without_a_digit(
    client: FlaskClient, sign_in_as, app: Flask, spoken_card: Path
) -> None:
    sign_in_as("priya")
    call_id = _upload(client, spoken_card)
    with app.app_context():
        transcript = db.session.scalars(select(TranscriptVersion)).one().data
        scorecard = db.session.scalars(select(CallScore)).one().data
    said = " ".join(turn["text"] for turn in transcript["turns"])
    assert "[card number redacted]" in said, said
    assert "[security code redacted]" in said, said
    stored = _texts(transcript) + _texts(scorecard)
    assert stored and not [t for t in stored if re.search(r"\d", t) or DIGIT_WORDS.search(t)]
    shown = [
        client.get(f"/calls/{call_id}").get_data(as_text=True),
        client.get(f"/calls/{call_id}/transcript.txt").get_data(as_text=True),
    ]
    assert all("[card number redacted]" in page for page in shown)
    assert not any(re.search(r"4532|0151|1283|0366|852", page) for page in shown)


def test_transcript_text_never_reaches_the_logs_at_debug_level(
    client: FlaskClient, sign_in_as, app: Flask, spoken_card: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in_as("priya")
    _upload(client, spoken_card)
    with app.app_context():
        transcript = db.session.scalars(select(TranscriptVersion)).one().data
        assert db.session.scalars(select(CallScore)).one() is not None
    words = " ".join(turn["text"] for turn in transcript["turns"]).split()
    phrases = [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]
    assert phrases and "scored" in caplog.text  # the pipeline logged as it ran
    assert [p for p in phrases if p in caplog.text] == []


def test_the_transcribe_command_prints_the_card_details_redacted(
    app: Flask, spoken_card: Path
) -> None:
    result = app.test_cli_runner().invoke(args=["coach", "calls", "transcribe", str(spoken_card)])
    assert result.exit_code == 0, result.output
    assert "[card number redacted]" in result.output
    spoken = re.sub(r"^\[\d+:\d\d\] ", "", result.output, flags=re.MULTILINE)  # timestamps
    assert not re.search(r"\d", spoken), result.output
