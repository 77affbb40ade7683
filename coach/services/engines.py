"""Process-wide model instances, loaded once and shared by every job in the process."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from coach.scoring.asr import AsrSettings, Transcriber, make_transcriber

_lock = threading.Lock()
_transcribers: dict[AsrSettings, Transcriber] = {}


def asr_settings(config: Mapping[str, Any]) -> AsrSettings:
    """ASR settings from Coach's config; a bad value raises ValueError naming the key."""
    device = config["ASR_DEVICE"]
    return AsrSettings(
        backend=config["ASR_BACKEND"],
        model=config["ASR_MODEL"],
        device=device,
        compute_type="int8" if device == "cpu" else "float16",
        swap_channels=config["ASR_SWAP_CHANNELS"],
    )


def transcriber(config: Mapping[str, Any]) -> Transcriber:
    """The shared transcriber for these settings (the model loads on first use)."""
    settings = asr_settings(config)
    with _lock:
        if settings not in _transcribers:
            _transcribers[settings] = make_transcriber(settings)
        return _transcribers[settings]


_scoring_models: dict[tuple[str, str], Any] = {}


def scoring_models(config: Mapping[str, Any], instance_path: str) -> Any:
    """The shared scoring models (encoder, tone head, rule packs, scorecards), loaded once."""
    from pathlib import Path

    from coach.scoring.engine import load_scoring_models

    key = (config["CONTENT_DIR"], instance_path)
    with _lock:
        if key not in _scoring_models:
            _scoring_models[key] = load_scoring_models(
                Path(config["CONTENT_DIR"]), Path(instance_path) / "model-cache"
            )
        return _scoring_models[key]
