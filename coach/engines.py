"""Process-wide model instances, loaded once and shared by every job in the process."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from coach.speech.transcriber import (
    AsrSettings,
    Transcriber,
    default_cpu_threads,
    make_transcriber,
)

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
        beam_size=config["ASR_BEAM_SIZE"],
        cpu_threads=config["ASR_CPU_THREADS"] or default_cpu_threads(),
    )


def transcriber(config: Mapping[str, Any]) -> Transcriber:
    """The shared transcriber for these settings (the model loads on first use)."""
    settings = asr_settings(config)
    with _lock:
        if settings not in _transcribers:
            _transcribers[settings] = make_transcriber(settings)
        return _transcribers[settings]


_scoring_models: dict[tuple[str, str], Any] = {}
_encoders: dict[str, Any] = {}


def scoring_models(app: Flask) -> Any:
    """The shared scoring models (encoder, tone head, rule packs, scorecards), loaded once.

    The sentence encoder is shared by every app in the process; the rule packs are the ones
    the app's catalog loaded at start-up; the heads train once into ``COACH_MODEL_CACHE_DIR``
    (default ``instance/model-cache``) and load from there after.
    """
    from coach.nlp.encoder import load_default_encoder
    from coach.scoring.compliance.rules import group_by_jurisdiction
    from coach.scoring.pipeline import load_scoring_models

    config = app.config["COACH"]
    cache_dir = config["MODEL_CACHE_DIR"] or str(Path(app.instance_path) / "model-cache")
    key = (config["CONTENT_DIR"], cache_dir)
    with _lock:
        if "default" not in _encoders:
            _encoders["default"] = load_default_encoder()
        if key not in _scoring_models:
            _scoring_models[key] = load_scoring_models(
                Path(config["CONTENT_DIR"]),
                Path(cache_dir),
                encoder=_encoders["default"],
                packs=group_by_jurisdiction(app.extensions["coach.catalog"].get("rules")),
            )
        return _scoring_models[key]
