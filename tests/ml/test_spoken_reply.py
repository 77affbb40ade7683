"""A trainee's spoken reply, as a browser would send it, heard by Whisper tiny.en; and the
recordings it refuses, each with a sentence the trainee can act on."""

from __future__ import annotations

import io
import subprocess
import wave

import numpy as np
import pytest

from coach.speech.audio import AudioError
from coach.speech.debtor_voice import DebtorVoice, EspeakVoice
from coach.speech.model_files import TINY_EN
from coach.speech.spoken_reply import MAX_BYTES, ReplyAudioError, transcribe_reply
from coach.speech.transcriber import AsrSettings, Transcriber, make_transcriber
from tests.wer import word_error_rate

pytestmark = pytest.mark.ml

REPLY = "I understand. Could we set up a payment plan that works for you?"


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    """The app's reply transcriber settings: tiny.en, greedy, no VAD, two threads."""
    return make_transcriber(AsrSettings(model=TINY_EN, beam_size=1, cpu_threads=2))


def _encode(audio: bytes, *options: str, input_format: str = "wav") -> bytes:
    """``audio`` re-encoded by ffmpeg, written to a pipe as a browser streams it (so a webm
    declares no length, like MediaRecorder's)."""
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", input_format, "-i", "pipe:0"]
    result = subprocess.run(
        [*command, *options, "pipe:1"], input=audio, capture_output=True, check=True
    )
    return result.stdout


def _opus_webm(audio: bytes) -> bytes:
    return _encode(audio, "-c:a", "libopus", "-b:a", "32k", "-f", "webm")


def _tone(seconds: float, *options: str) -> bytes:
    """A 220 Hz tone, small however long (low bit rate Opus)."""
    source = ["-f", "lavfi", "-i", f"sine=frequency=220:duration={seconds}"]
    command = ["ffmpeg", "-hide_banner", "-loglevel", "error", *source, *options, "pipe:1"]
    return subprocess.run(command, capture_output=True, check=True).stdout


def _silence_wav(seconds: float) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48_000)
        out.writeframes(np.zeros(int(seconds * 48_000), "<i2").tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize("voice", [DebtorVoice(), EspeakVoice()], ids=["piper", "espeak"])
def test_a_webm_opus_reply_is_heard(
    voice: DebtorVoice | EspeakVoice, transcriber: Transcriber
) -> None:
    clip = _opus_webm(voice.synthesize(REPLY))
    heard = transcribe_reply(clip, transcriber)
    assert word_error_rate(REPLY, heard) <= 0.2, heard


def test_an_ogg_reply_is_heard(transcriber: Transcriber) -> None:
    clip = _encode(DebtorVoice().synthesize(REPLY), "-c:a", "libopus", "-f", "ogg")
    assert word_error_rate(REPLY, transcribe_reply(clip, transcriber)) <= 0.2


@pytest.mark.parametrize(
    ("clip", "message"),
    [
        (b"", "empty"),
        (np.random.default_rng(0).bytes(20_000), "not audio"),
        (b"RIFF" + bytes(MAX_BYTES), "too big"),
        (_silence_wav(0.1), "too short"),
    ],
    ids=["empty", "random bytes", "over 2 MB", "0.1 s"],
)
def test_unusable_recordings_are_refused(
    clip: bytes, message: str, transcriber: Transcriber
) -> None:
    with pytest.raises(ReplyAudioError, match=message):
        transcribe_reply(clip, transcriber)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("-c:a", "libopus", "-b:a", "12k", "-f", "webm"), "could not be read"),
        (("-c:a", "libopus", "-b:a", "12k", "-f", "ogg"), "70 seconds long"),
    ],
    ids=["webm without a length", "ogg declaring its length"],
)
def test_a_70_second_reply_is_refused(
    options: tuple[str, ...], message: str, transcriber: Transcriber
) -> None:
    with pytest.raises(ReplyAudioError, match=message):
        transcribe_reply(_tone(70, *options), transcriber)


def test_silence_is_refused_as_no_words(transcriber: Transcriber) -> None:
    with pytest.raises(ReplyAudioError, match="No words") as refused:
        transcribe_reply(_opus_webm(_silence_wav(2.0)), transcriber)
    assert isinstance(refused.value, AudioError)  # what upload handlers already catch
