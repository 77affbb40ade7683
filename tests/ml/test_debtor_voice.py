"""The debtor's voice on the real engines: Piper's joe voice, the espeak-ng fallback, and
Piper's speech heard back by the spoken-reply transcriber (Whisper tiny.en)."""

from __future__ import annotations

import io
import logging
import threading
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from coach.engines import Engines
from coach.speech.debtor_voice import (
    MAX_SENTENCE_CHARS,
    DebtorVoice,
    EspeakVoice,
    load_debtor_voice,
    split_sentences,
)
from coach.speech.model_files import TINY_EN
from coach.speech.spoken_reply import transcribe_reply
from coach.speech.transcriber import AsrSettings, Transcriber, make_transcriber
from tests.content import repo_catalog
from tests.wer import word_error_rate

LINE = "I already told you people, I can't pay that right now."


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("I can't pay. Stop calling me!", ["I can't pay.", "Stop calling me!"]),
        ("Mr. Reyes owes $1,240.00. Right?", ["Mr. Reyes owes $1,240.00.", "Right?"]),
        ("Well... I don't know. Maybe.", ["Well...", "I don't know.", "Maybe."]),
        ("You want how much?! That's insane.", ["You want how much?!", "That's insane."]),
        ('She said "no." Then she hung up.', ['She said "no."', "Then she hung up."]),
        ("No. I won't.", ["No.", "I won't."]),
        ("Ask Dr. J. Smith at the U.S. office.", ["Ask Dr. J. Smith at the U.S. office."]),
        ("first line\n\nsecond line", ["first line", "second line"]),
        ("wait... what? no way.", ["wait... what? no way."]),
        ("No full stop at the end", ["No full stop at the end"]),
        ("  ", []),
        ("...", []),
    ],
)  # fmt: skip
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def _wav(data: bytes) -> tuple[np.ndarray, int]:
    """The samples (in [-1, 1]) and rate of a mono 16-bit WAV file, checking its format."""
    with wave.open(io.BytesIO(data), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
        frames = wav.readframes(wav.getnframes())
        assert len(frames) == wav.getnframes() * 2  # the header's length is the real one
        return np.frombuffer(frames, "<i2") / 32768.0, wav.getframerate()


@pytest.fixture(scope="module")
def piper() -> DebtorVoice:
    voice = DebtorVoice()
    voice.load()
    return voice


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    """The app's reply transcriber settings: tiny.en, greedy, no VAD, two threads."""
    return make_transcriber(AsrSettings(model=TINY_EN, beam_size=1, cpu_threads=2))


@pytest.mark.ml
def test_piper_speaks_one_sentence_as_a_wav_of_plausible_length(piper: DebtorVoice) -> None:
    samples, rate = _wav(piper.synthesize(LINE))
    assert rate == 22_050
    seconds = samples.size / rate
    # Eleven words at a speaking pace of 2-5 words a second.
    assert 11 / 5 <= seconds <= 11 / 2
    assert float(np.max(np.abs(samples))) > 0.1
    assert piper.name == "piper:en_US-joe-medium"


@pytest.mark.ml
def test_piper_refuses_what_is_not_one_sentence(piper: DebtorVoice) -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_SENTENCE_CHARS} characters"):
        piper.synthesize("word " * 100)
    with pytest.raises(ValueError, match="no text"):
        piper.synthesize("   ")


@pytest.mark.ml
def test_piper_serves_several_threads_at_once(piper: DebtorVoice) -> None:
    results: dict[int, bytes] = {}

    def speak(index: int) -> None:
        results[index] = DebtorVoice().synthesize("Hello there.")

    threads = [threading.Thread(target=speak, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1, 2]
    for data in results.values():
        samples, rate = _wav(data)
        assert 0.3 <= samples.size / rate <= 3.0


def test_espeak_speaks_one_sentence_as_a_wav() -> None:
    voice = EspeakVoice()
    samples, rate = _wav(voice.synthesize(LINE))
    assert rate == 22_050
    assert 11 / 5 <= samples.size / rate <= 11 / 1.5
    assert float(np.max(np.abs(samples))) > 0.1
    assert voice.name == "espeak-ng:en-us"


def test_espeak_speaks_text_that_looks_like_an_option() -> None:
    """Text reaches espeak-ng on stdin: "--help" is said, not obeyed."""
    samples, rate = _wav(EspeakVoice().synthesize("--help -v xx"))
    assert samples.size / rate > 0.3


@pytest.mark.ml
def test_load_debtor_voice_prefers_piper() -> None:
    assert isinstance(load_debtor_voice(), DebtorVoice)


@pytest.mark.ml
def test_the_engines_hand_out_one_voice(tmp_path: Path) -> None:
    def unused() -> Any:
        raise AssertionError("no other engine is loaded for the voice")

    engines = Engines(repo_catalog(), tmp_path, unused, unused)
    voice = engines.debtor_voice()
    assert isinstance(voice, DebtorVoice)
    assert engines.debtor_voice() is voice


def test_load_debtor_voice_falls_back_to_espeak_then_to_none(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_self: DebtorVoice) -> None:
        raise ImportError("/secret/path/piper is missing")

    monkeypatch.setattr(DebtorVoice, "load", broken)
    with caplog.at_level(logging.WARNING, logger="coach.speech.debtor_voice"):
        assert isinstance(load_debtor_voice(), EspeakVoice)
        monkeypatch.setenv("PATH", "")
        assert load_debtor_voice() is None
    assert "ImportError" in caplog.text and "FileNotFoundError" in caplog.text
    assert "secret" not in caplog.text  # the type only, never the message


@pytest.mark.ml
def test_piper_speech_is_heard_back_by_the_reply_transcriber(
    piper: DebtorVoice, transcriber: Transcriber
) -> None:
    heard = transcribe_reply(piper.synthesize(LINE), transcriber)
    assert word_error_rate(LINE, heard) <= 0.1, heard
