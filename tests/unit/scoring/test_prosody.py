"""Prosody per turn on synthetic tones and a real espeak-ng utterance."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from coach.scoring.prosody import SAMPLE_RATE, measure_turn, measure_turns
from coach.transcript import Turn, Word


def sine(freq_start: float, freq_end: float, seconds: float, amplitude: float = 0.3) -> np.ndarray:
    """A tone gliding linearly from ``freq_start`` to ``freq_end`` Hz."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    phase = 2 * np.pi * (freq_start * t + (freq_end - freq_start) * t**2 / (2 * seconds))
    return (amplitude * np.sin(phase)).astype(np.float32)


def words(*spans: tuple[float, float]) -> tuple[Word, ...]:
    return tuple(Word(w=f"w{i}", start=a, end=b) for i, (a, b) in enumerate(spans))


def test_steady_tone_has_its_pitch_and_no_spread() -> None:
    result = measure_turn(sine(200, 200, 2.0), 0.0, 2.0)
    assert result.pitch_median_hz == pytest.approx(200, abs=1)
    assert result.pitch_range_semitones is not None and result.pitch_range_semitones < 0.1
    assert result.duration == pytest.approx(2.0)


def test_rising_glide_has_a_wide_pitch_range() -> None:
    result = measure_turn(sine(150, 300, 2.0), 0.0, 2.0)  # one octave
    assert result.pitch_range_semitones == pytest.approx(12 * 0.9, abs=1.5)
    assert result.pitch_sd_semitones is not None and result.pitch_sd_semitones > 2


def test_loudness_is_rms_in_dbfs() -> None:
    loud = measure_turn(sine(200, 200, 1.0, amplitude=0.5), 0.0, 1.0)
    quiet = measure_turn(sine(200, 200, 1.0, amplitude=0.05), 0.0, 1.0)
    assert loud.loudness_db == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.1)
    assert loud.loudness_db - quiet.loudness_db == pytest.approx(20, abs=0.1)


def test_words_per_minute_from_word_timestamps() -> None:
    spoken = words((0.0, 0.4), (0.5, 0.9), (1.0, 1.4), (1.5, 2.0))
    assert measure_turn(sine(200, 200, 2.0), 0.0, 2.0, spoken).words_per_minute == 120


def test_silence_gives_no_pitch_and_no_loudness() -> None:
    result = measure_turn(np.zeros(SAMPLE_RATE, dtype=np.float32), 0.0, 1.0)
    assert (result.pitch_median_hz, result.loudness_db) == (None, None)


def test_very_short_turn_gives_no_pitch_or_rate_but_does_not_crash() -> None:
    result = measure_turn(sine(200, 200, 1.0), 0.50, 0.53, words((0.50, 0.53)))
    assert result.pitch_median_hz is None
    assert result.pitch_range_semitones is None
    assert result.words_per_minute is None
    assert result.loudness_db is not None


def test_turn_beyond_the_audio_is_clamped_to_nothing() -> None:
    result = measure_turn(sine(200, 200, 1.0), 3.0, 4.0)
    assert result.duration == 0
    assert (result.pitch_median_hz, result.loudness_db, result.words_per_minute) == (
        None,
        None,
        None,
    )


def test_turns_without_times_get_no_prosody() -> None:
    audio = sine(200, 200, 2.0)
    turns = [Turn(speaker="agent", text="hello"), Turn(speaker="agent", text="hi", start=0, end=1)]
    first, second = measure_turns(audio, turns)
    assert first is None
    assert second is not None and second.pitch_median_hz == pytest.approx(200, abs=1)


def espeak_clip(tmp_path: Path, text: str) -> np.ndarray:
    """Synthesise ``text`` with espeak-ng and resample it to 16 kHz mono float32."""
    path = tmp_path / "clip.wav"
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True)
    with wave.open(str(path)) as clip:
        rate = clip.getframerate()
        pcm = np.frombuffer(clip.readframes(clip.getnframes()), dtype=np.int16)
    samples = pcm.astype(np.float32) / 32768
    target = np.arange(int(len(samples) * SAMPLE_RATE / rate)) * rate / SAMPLE_RATE
    return np.interp(target, np.arange(len(samples)), samples).astype(np.float32)


def test_synthetic_speech_has_a_voice_pitch_and_a_speaking_rate(tmp_path: Path) -> None:
    audio = espeak_clip(tmp_path, "Hello, I am calling about the balance on your account today.")
    seconds = len(audio) / SAMPLE_RATE
    spoken = words(*[(i * seconds / 11, (i + 1) * seconds / 11) for i in range(11)])
    result = measure_turn(audio, 0.0, seconds, spoken)
    assert result.pitch_median_hz is not None and 70 < result.pitch_median_hz < 300
    assert result.pitch_range_semitones is not None and result.pitch_range_semitones > 1
    assert result.loudness_db is not None and -40 < result.loudness_db < 0
    assert result.words_per_minute == pytest.approx(11 * 60 / seconds)
