"""faster-whisper (CTranslate2) backend: the default, fastest on CPU with int8 weights."""

from __future__ import annotations

import os

import numpy as np

from coach.speech.audio import SAMPLE_RATE
from coach.speech.transcriber import AsrSettings, Progress
from coach.speech.turns import Segment
from coach.transcript import Word


class FasterWhisperRecognizer:
    """Holds one loaded model; safe to reuse for many recordings in one process."""

    def __init__(self, settings: AsrSettings) -> None:
        # Models come from installed packages only: never let a miss turn into a download.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from faster_whisper import WhisperModel

        self.settings = settings
        self.model = WhisperModel(
            settings.model_path(),
            device=settings.device,
            compute_type=settings.compute_type,
            cpu_threads=settings.cpu_threads,
        )

    def recognize(
        self, samples: np.ndarray, progress: Progress | None = None, vad: bool = False
    ) -> list[Segment]:
        """Run the engine over ``samples`` (16 kHz mono float32), with the bundled Silero
        voice-activity filter when ``vad``."""
        duration = samples.size / SAMPLE_RATE
        generator, _info = self.model.transcribe(
            samples,
            language=self.settings.language,
            beam_size=self.settings.effective_beam_size(),
            word_timestamps=self.settings.word_timestamps,
            vad_filter=vad,
        )
        segments = []
        # The generator is lazy: decoding happens while it is drained.
        for raw in generator:
            segments.append(
                Segment(
                    start=raw.start,
                    end=raw.end,
                    text=raw.text,
                    words=tuple(Word(w=w.word, start=w.start, end=w.end) for w in raw.words or ()),
                )
            )
            if progress is not None and duration > 0:
                progress(float(raw.end) / duration)
        return segments
