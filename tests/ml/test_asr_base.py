"""Whisper base (multilingual), assembled from its packages, on real speech; and each use of
an app getting its own model (calls: base, spoken role-play replies: tiny.en)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach import create_app
from coach.engines import engines_of
from coach.speech.model_files import BASE_FOLDER
from coach.speech.transcriber import AsrSettings, Transcriber, make_transcriber, transcribe_file
from tests.conftest import SessionAudio
from tests.speech_synthesis import SPEECH_TEXT
from tests.wer import word_error_rate

pytestmark = pytest.mark.ml


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Transcriber:
    cache = tmp_path_factory.mktemp("base-cache")
    return make_transcriber(AsrSettings(model="base", model_cache_dir=str(cache), beam_size=1))


def test_base_hears_english_speech_word_for_word(
    base: Transcriber, test_audio: SessionAudio
) -> None:
    transcript = transcribe_file(test_audio.speech, transcriber=base)
    text = " ".join(turn.text for turn in transcript.turns)

    assert word_error_rate(SPEECH_TEXT, text) <= 0.05, text
    assert transcript.language == "en"
    assert re.fullmatch(r"[A-Za-z0-9 ,.'?!-]+", text), text  # English, not a translation
    assert base.model_id == "faster-whisper:base"
    # The last utterance of a recording is the one Whisper has been seen to drop.
    assert "no pressure to decide anything on this call" in transcript.turns[-1].text.lower()


def test_an_app_transcribes_calls_with_base_and_replies_with_tiny_en(
    tmp_path: Path, model_cache: Path, test_audio: SessionAudio
) -> None:
    app = create_app(  # inline jobs: no sweeper thread outliving the test
        {"INSTANCE_PATH": tmp_path, "MODEL_CACHE_DIR": str(model_cache), "JOB_RUNNER": "inline"}
    )
    engines = engines_of(app)

    calls, replies = engines.transcriber(), engines.reply_transcriber()

    assert (calls.model_id, replies.model_id) == ("faster-whisper:base", "faster-whisper:tiny.en")
    assert (model_cache / BASE_FOLDER / "model.bin").is_file()  # assembled on first use
    reply = transcribe_file(test_audio.speech, transcriber=replies)
    assert word_error_rate(SPEECH_TEXT, " ".join(t.text for t in reply.turns)) <= 0.05
