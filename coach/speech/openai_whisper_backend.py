"""openai-whisper (PyTorch) backend, for hosts that run PyTorch models or GPUs anyway.

It loads an openai-whisper checkpoint file, or converts a CTranslate2 model directory
(the packaged tiny.en by default) in memory, so it never downloads anything. Audio is passed
as arrays, so the ``ffmpeg`` program is not needed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from coach.speech.transcriber import AsrSettings, Progress
from coach.speech.turns import Segment
from coach.speech.whisper_export import openai_checkpoint_from_ct2
from coach.transcript import Word


class OpenAIWhisperRecognizer:
    """Holds one loaded model; decodes deterministically (temperature 0, no sampling),
    greedy unless a beam size is configured."""

    def __init__(self, settings: AsrSettings) -> None:
        import torch

        self.settings = settings
        if settings.device == "cpu":
            # Process-wide in torch: the sentence encoder in this process shares the setting.
            torch.set_num_threads(settings.cpu_threads)
        self.model = _load_model(settings.model_path(), settings.device)
        # Decoding installs key/value-cache hooks on the shared model: one call at a time.
        self._lock = threading.Lock()

    def recognize(
        self, samples: np.ndarray, progress: Progress | None = None, vad: bool = False
    ) -> list[Segment]:
        """Run the engine over ``samples`` (16 kHz mono float32); openai-whisper has no
        progress hook, so ``progress`` hears only the end. It has no voice-activity filter
        (the transcriber's silence check drops text recognised over silence)."""
        import whisper

        beam_size = self.settings.effective_beam_size()
        if vad:
            raise ValueError("openai-whisper has no voice-activity filter")
        with self._lock:
            result = whisper.transcribe(
                self.model,
                samples,
                language=self.settings.language,
                temperature=0.0,
                beam_size=beam_size if beam_size > 1 else None,
                word_timestamps=self.settings.word_timestamps,
                fp16=self.settings.device == "cuda",
                verbose=None,
            )
        if progress is not None:
            progress(1.0)
        return [
            Segment(
                start=raw["start"],
                end=raw["end"],
                text=raw["text"],
                words=tuple(
                    Word(w=w["word"], start=w["start"], end=w["end"]) for w in raw.get("words", ())
                ),
            )
            for raw in result["segments"]
        ]


def _load_model(model_path: str, device: str) -> Any:
    import torch
    from whisper.model import ModelDimensions, Whisper

    path = Path(model_path)
    if (path / "model.bin").is_file():
        checkpoint = openai_checkpoint_from_ct2(path)
    else:
        checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    model = Whisper(ModelDimensions(**checkpoint["dims"]))
    model.load_state_dict(checkpoint["model_state_dict"])
    heads = checkpoint.get("alignment_heads")
    if heads:
        # Word timestamps follow these cross-attention heads; without them openai-whisper
        # falls back to all heads of the upper half of the decoder, which aligns worse.
        dims = model.dims
        mask = torch.zeros(dims.n_text_layer, dims.n_text_head, dtype=torch.bool)
        for layer, head in heads:
            mask[layer, head] = True
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return model.to(device).eval()
