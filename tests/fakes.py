"""Fakes of the model ports (``Transcriber``, ``TextEncoder``) for tests not about the models.

They are real implementations of the ports, cheap and deterministic, so the services, jobs
and pages around them run their real code: the fake transcriber finds speech by energy and
names each stretch; the fake encoder hashes words into a vector. Tests under ``tests/ml`` and
``tests/e2e`` use the real models instead.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from coach.engines import Engines
from coach.speech.audio import SAMPLE_RATE, DecodedAudio
from coach.speech.transcriber import AsrSettings, Channels, Progress
from coach.transcript import Speaker, Transcript, Turn, Word

_FRAME_S = 0.05
_SILENCE_RMS = 0.01
_MIN_PAUSE_S = 0.6
_DIMENSION = 384
_TOKEN = re.compile(r"[a-z0-9']+")


@dataclass
class FakeTranscriber:
    """A :class:`~coach.speech.transcriber.Transcriber` that hears loudness, not words: each
    stretch of sound becomes a turn of one word per half second ("speech1", "speech2", …)."""

    settings: AsrSettings = field(default_factory=AsrSettings)
    model_id: str = "fake:energy"

    def transcribe(
        self, audio: DecodedAudio, channels: Channels, progress: Progress | None = None
    ) -> Transcript:
        speakers: list[Speaker] = ["agent", "debtor"] if channels == "stereo" else ["agent"]
        tracks = (
            [audio.channel(i) for i in range(len(speakers))]
            if channels == "stereo"
            else [audio.mono()]
        )
        turns = [
            _turn(speaker, start, end)
            for speaker, samples in zip(speakers, tracks, strict=True)
            for start, end in _sounding_stretches(samples)
        ]
        if progress is not None:
            progress(1.0)
        turns.sort(key=lambda t: t.start or 0.0)
        return Transcript(duration=round(audio.duration, 3), turns=tuple(turns))


class FakeEncoder:
    """A :class:`~coach.nlp.encoder.TextEncoder` that hashes each word to a random direction:
    texts sharing words are close, so heads still train and rules still match literally."""

    model_id = "fake:hashed-words"
    dimension = _DIMENSION

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            self.texts_encoded += len(texts)
        rows = np.zeros((len(texts), _DIMENSION), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            for token in _TOKEN.findall(text.lower()):
                row += _direction(token)
            norm = float(np.linalg.norm(row))
            row /= norm or 1.0
        return rows


def fake_engines(like: Engines) -> Engines:
    """Engines with the same content and cache as ``like`` but fake models."""
    transcriber, encoder = FakeTranscriber(), FakeEncoder()
    return like.with_models(transcriber=lambda: transcriber, encoder=lambda: encoder)


def _direction(token: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(token.encode()).digest()[:8], "little")
    return np.random.default_rng(seed).standard_normal(_DIMENSION).astype(np.float32)


def _sounding_stretches(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of stretches louder than silence, split at pauses."""
    frame = int(_FRAME_S * SAMPLE_RATE)
    count = len(samples) // frame
    if count == 0:
        return []
    rms = np.sqrt(np.mean(samples[: count * frame].reshape(count, frame) ** 2, axis=1))
    loud = np.flatnonzero(rms > _SILENCE_RMS)
    stretches: list[tuple[float, float]] = []
    for index in loud:
        start, end = index * _FRAME_S, (index + 1) * _FRAME_S
        if stretches and start - stretches[-1][1] < _MIN_PAUSE_S:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    return [(round(s, 3), round(e, 3)) for s, e in stretches]


def _turn(speaker: Speaker, start: float, end: float) -> Turn:
    count = max(1, int((end - start) / 0.5))
    step = (end - start) / count
    words = tuple(
        Word(
            w=f"speech{i + 1}",
            start=round(start + i * step, 3),
            end=round(start + (i + 1) * step, 3),
        )
        for i in range(count)
    )
    return Turn(
        speaker=speaker,
        text=" ".join(w.w for w in words) + ".",
        start=start,
        end=end,
        words=words,
    )
