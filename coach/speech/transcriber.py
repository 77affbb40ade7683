"""Speech recognition port: settings, the Transcriber protocol and the backend registry.

Backends are adapter modules named in :data:`BACKENDS` and imported only when a transcriber
is made, so importing this module never loads an ML library.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, get_args

import numpy as np

from coach.speech.audio import SAMPLE_RATE, DecodedAudio, decode_audio
from coach.speech.model_files import BASE, PACKAGED_MODELS, TINY_EN, assemble_base, tiny_en_path
from coach.speech.turns import (
    Segment,
    clean_segments,
    mono_turns,
    single_speaker_turns,
    stereo_turns,
)
from coach.speech.voices import find_pauses, voice_sides
from coach.transcript import Speaker, Transcript, Turn

Channels = Literal["stereo", "mono1", "mono2"]
Progress = Callable[[float], None]


@dataclass(frozen=True)
class Backend:
    """A registered engine: where its adapter lives and what it can do."""

    adapter: str  # "module:Class", a SpeechRecognizer constructed with AsrSettings
    supports_vad: bool
    default_beam_size: int


BACKENDS: dict[str, Backend] = {
    # Greedy meets the RTF <= 0.05 target on two cores (~0.04x real time, docs/benchmarks.md);
    # beam 5 (~0.055x) misses fewer words: COACH_ASR_BEAM_SIZE=5 where accuracy matters more.
    "faster-whisper": Backend(
        "coach.speech.faster_whisper_backend:FasterWhisperRecognizer", True, 1
    ),
    # Beam search in PyTorch costs ~3x greedy (shared/guides/models.md): greedy by default.
    "openai-whisper": Backend(
        "coach.speech.openai_whisper_backend:OpenAIWhisperRecognizer", False, 1
    ),
}
CHANNEL_MODES: tuple[Channels, ...] = get_args(Channels)
DEVICES = ("cpu", "cuda")
# Below this peak level (-60 dBFS) a channel is silence: Whisper would only hallucinate on it.
_SILENCE_PEAK = 1e-3
_BEFORE_DONE = 0.99
# Channels this correlated carry one signal (a mono recording stored as stereo).
_SAME_SIGNAL_CORRELATION = 0.9


# Whisper tiny gains nothing from more threads than this (its matrices are small).
_MAX_CPU_THREADS = 4


def default_cpu_threads() -> int:
    """Every core, up to four. One model serves every job of a process and runs one
    recording at a time, so a lone transcription should use the whole machine."""
    return max(1, min(os.cpu_count() or 1, _MAX_CPU_THREADS))


@dataclass(frozen=True)
class AsrSettings:
    """How calls are transcribed; invalid values raise ValueError naming the config key."""

    backend: str = "faster-whisper"
    # A packaged model by name (PACKAGED_MODELS: "tiny.en", "base"), or the path of a model
    # folder (an openai-whisper checkpoint file for that backend); None: tiny.en.
    model: str | None = None
    # Where a model that must be assembled first (Whisper base) is put: the model cache.
    model_cache_dir: str | None = None
    device: str = "cpu"
    compute_type: str = "int8"
    beam_size: int | None = None  # None: the backend's default
    # None: voice-activity filter on for stereo channels (each side is silent half the call,
    # where Whisper hallucinates), off for mono (it removes little there and costs ~9 %).
    vad: bool | None = None
    word_timestamps: bool = True
    swap_channels: bool = False
    cpu_threads: int = field(default_factory=default_cpu_threads)
    # Always set: Whisper base is multilingual, and left to detect the language it takes
    # Indian English for Hindi. Both backends pass it to the decoder.
    language: str = "en"

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(
                f"COACH_ASR_BACKEND must be one of {', '.join(BACKENDS)}, not {self.backend!r}"
            )
        if self.device not in DEVICES:
            raise ValueError(f"COACH_ASR_DEVICE must be one of {', '.join(DEVICES)}")
        if self.model is not None and self.model not in PACKAGED_MODELS:
            check_model_path("COACH_ASR_MODEL", self.model)
        if self.model == BASE and not self.model_cache_dir:
            raise ValueError("Whisper base needs a model cache folder to be assembled in")
        if not self.language:
            raise ValueError("a transcription language must be set (Whisper base is multilingual)")
        if self.vad and not BACKENDS[self.backend].supports_vad:
            raise ValueError(f"COACH_ASR_VAD is not available with the {self.backend} backend")
        if self.beam_size is not None and self.beam_size < 1:
            raise ValueError("COACH_ASR_BEAM_SIZE must be at least 1")
        if self.cpu_threads < 1:
            raise ValueError("COACH_ASR_CPU_THREADS must be at least 1")

    def effective_beam_size(self) -> int:
        """The configured beam size, or the backend's default (1 means greedy decoding)."""
        return self.beam_size or BACKENDS[self.backend].default_beam_size

    @property
    def model_name(self) -> str:
        """What the transcript's ASR version names: the packaged model's name ("tiny.en",
        "base"), or the configured folder's (or checkpoint's) name."""
        if self.model is None or self.model in PACKAGED_MODELS:
            return self.model or TINY_EN
        return Path(self.model).name

    def model_path(self, verify: bool = False) -> str:
        """The model's folder (or checkpoint). Whisper base is assembled into the model
        cache on first use; ``verify`` hashes its weights again (set-up, the doctor)."""
        if self.model == BASE:
            return os.fspath(assemble_base(Path(self.model_cache_dir or ""), verify=verify))
        if self.model is None or self.model == TINY_EN:
            return os.fspath(tiny_en_path())
        return os.fspath(self.model)


def check_model_path(key: str, value: str) -> None:
    """ValueError naming ``key`` unless ``value`` is an existing path; a bare word that is
    neither a path nor a packaged model's name is called an unknown model name."""
    if Path(value).exists():
        return
    if os.sep not in value and not value.startswith((".", "~")):
        names = ", ".join(PACKAGED_MODELS)
        raise ValueError(
            f"{key}: unknown model name {value!r} (named models: {names}; "
            f"or give the path of a model folder)"
        )
    raise ValueError(f"{key} points to a missing path: {value}")


class Transcriber(Protocol):
    """Turns decoded audio into a transcript of agent/debtor turns with word times."""

    settings: AsrSettings

    @property
    def model_id(self) -> str:
        """Which engine and model made a transcript (stored beside it)."""
        ...

    def transcribe(
        self, audio: DecodedAudio, channels: Channels, progress: Progress | None = None
    ) -> Transcript:
        """Transcribe ``audio``; ``progress`` receives non-decreasing values ending at 1.0."""
        ...


class SpeechRecognizer(Protocol):
    """One engine pass over one channel: what a backend adapter implements."""

    def recognize(
        self, samples: np.ndarray, progress: Progress | None = None, vad: bool = False
    ) -> list[Segment]:
        """Segments of 16 kHz mono ``samples``; ``progress`` gets the fraction done (0..1);
        ``vad`` only where the backend's registry entry says it supports it."""
        ...


class WhisperTranscriber:
    """Picks channels, runs the engine on each, cleans its output and builds turns."""

    def __init__(self, settings: AsrSettings, recognizer: SpeechRecognizer) -> None:
        self.settings = settings
        self.recognizer = recognizer

    @property
    def model_id(self) -> str:
        """``backend:model``, e.g. ``faster-whisper:base``; a configured folder by its name."""
        return f"{self.settings.backend}:{self.settings.model_name}"

    def transcribe(
        self, audio: DecodedAudio, channels: Channels, progress: Progress | None = None
    ) -> Transcript:
        """See :class:`Transcriber`."""
        if channels not in CHANNEL_MODES:
            raise ValueError(f"channels must be one of {', '.join(CHANNEL_MODES)}")
        tracks = self._tracks(audio, channels)
        reporter = _ProgressReporter(progress, len(tracks))
        segments: dict[Speaker, list[Segment]] = {}
        vad = channels == "stereo" if self.settings.vad is None else self.settings.vad
        vad = vad and BACKENDS[self.settings.backend].supports_vad
        for index, (speaker, samples) in enumerate(tracks):
            segments[speaker] = self._recognize(samples, vad, reporter.part(index))
        turns: tuple[Turn, ...]
        if channels == "stereo":
            turns = stereo_turns(segments)
        elif channels == "mono2":
            samples = tracks[0][1]
            turns = mono_turns(
                segments["agent"],
                find_pauses(samples),
                lambda spans: voice_sides(samples, spans),
            )
        else:
            turns = single_speaker_turns(segments["agent"])
        reporter.finish()
        return Transcript(duration=audio.duration, language=self.settings.language, turns=turns)

    def _tracks(self, audio: DecodedAudio, channels: Channels) -> list[tuple[Speaker, np.ndarray]]:
        if channels != "stereo":
            return [("agent", audio.mono())]
        if audio.channels != 2:
            raise ValueError(f"a stereo transcription needs 2 channels, got {audio.channels}")
        agent, debtor = (1, 0) if self.settings.swap_channels else (0, 1)
        return [("agent", audio.channel(agent)), ("debtor", audio.channel(debtor))]

    def _recognize(self, samples: np.ndarray, vad: bool, progress: Progress) -> list[Segment]:
        if _is_silent(samples):
            return []
        raw = self.recognizer.recognize(samples, progress, vad)
        segments = clean_segments(raw, samples.size / SAMPLE_RATE)
        return [s for s in segments if not _is_silent(_span(samples, s.start, s.end))]


class _ProgressReporter:
    """Spreads per-channel progress over 0..1 and never lets the reported value go back."""

    def __init__(self, callback: Progress | None, parts: int) -> None:
        self._callback = callback
        self._parts = parts
        self._last = 0.0

    def part(self, index: int) -> Progress:
        def report(fraction: float) -> None:
            overall = (index + min(max(fraction, 0.0), 1.0)) / self._parts
            # 1.0 means done, which only finish() may say: turns are still to be built.
            self._report(min(overall, _BEFORE_DONE))

        return report

    def finish(self) -> None:
        self._report(1.0)

    def _report(self, value: float) -> None:
        if self._callback is not None and value > self._last:
            self._last = value
            self._callback(value)


def _span(samples: np.ndarray, start: float, end: float) -> np.ndarray:
    return samples[int(start * SAMPLE_RATE) : int(np.ceil(end * SAMPLE_RATE))]


def _is_silent(samples: np.ndarray) -> bool:
    """Digital silence (a muted stereo side): text recognised over it is hallucinated."""
    return samples.size == 0 or float(np.max(np.abs(samples))) < _SILENCE_PEAK


def make_recognizer(settings: AsrSettings) -> SpeechRecognizer:
    """Import the configured backend's adapter and load its model."""
    module_name, class_name = BACKENDS[settings.backend].adapter.split(":")
    recognizer_class = getattr(importlib.import_module(module_name), class_name)
    return recognizer_class(settings)


def make_transcriber(settings: AsrSettings | None = None) -> Transcriber:
    """Load the configured backend's model once; reuse the result for many calls."""
    settings = settings or AsrSettings()
    return WhisperTranscriber(settings, make_recognizer(settings))


def default_channels(audio: DecodedAudio) -> Channels:
    """Two different channels are agent/debtor stereo; anything else, including a mono
    recording saved as two copies of one signal, is the trainee alone."""
    if audio.channels != 2:
        return "mono1"
    # Every 8th sample is plenty for a correlation and keeps a long call cheap.
    left, right = audio.samples[0, ::8], audio.samples[1, ::8]
    if float(left.std()) == 0.0 or float(right.std()) == 0.0:
        return "stereo"
    alike = float(np.corrcoef(left, right)[0, 1]) > _SAME_SIGNAL_CORRELATION
    return "mono1" if alike else "stereo"


def transcribe_file(
    path: str | os.PathLike[str],
    channels: Channels | None = None,
    settings: AsrSettings | None = None,
    progress: Progress | None = None,
    transcriber: Transcriber | None = None,
) -> Transcript:
    """Decode and transcribe one file (raises AudioError for unusable files); pass a
    ``transcriber`` to reuse a loaded model."""
    audio = decode_audio(path)
    engine = transcriber or make_transcriber(settings)
    return engine.transcribe(audio, channels or default_channels(audio), progress)
