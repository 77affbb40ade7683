"""Per-turn prosody: pitch range and variability, loudness and speaking rate.

Input is the decoded call (mono float32 at 16 kHz) plus each turn's times and words. Every
measure is optional: a turn that is too short, silent or unvoiced gets ``None`` for what
cannot be measured, so scoring can skip it rather than score noise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coach.transcript import Turn, Word

SAMPLE_RATE = 16_000
# Praat's pitch tracker needs three periods of the lowest pitch in a window: 75 Hz → 40 ms;
# shorter turns (or ones with under 100 ms of voicing) give no meaningful contour.
_PITCH_FLOOR_HZ = 75.0
_PITCH_CEILING_HZ = 500.0
_MIN_PITCH_SECONDS = 0.1
_MIN_VOICED_FRAMES = 10
# Below this RMS (about -80 dBFS) the turn is digital silence: loudness is undefined.
_SILENCE_RMS = 1e-4
# Speaking rate over less than this span (or fewer than two words) is dominated by rounding.
_MIN_RATE_SECONDS = 1.0
_MIN_RATE_WORDS = 2


@dataclass(frozen=True)
class TurnProsody:
    """Prosody of one turn; ``None`` where the turn gives nothing to measure.

    Pitch spread is in semitones (relative to the turn's median) so that it compares across
    low and high voices.
    """

    duration: float
    pitch_median_hz: float | None = None
    pitch_range_semitones: float | None = None
    pitch_sd_semitones: float | None = None
    loudness_db: float | None = None
    words_per_minute: float | None = None


def measure_turn(
    audio: np.ndarray,
    start: float,
    end: float,
    words: Sequence[Word] = (),
    sample_rate: int = SAMPLE_RATE,
) -> TurnProsody:
    """Measure the span ``start`` to ``end`` (seconds, clamped to the audio) of ``audio``."""
    first = max(0, round(start * sample_rate))
    last = min(len(audio), round(end * sample_rate))
    segment = np.asarray(audio[first:last], dtype=np.float64) if last > first else np.zeros(0)
    duration = len(segment) / sample_rate
    pitch = _pitch(segment, sample_rate)
    return TurnProsody(
        duration=duration,
        pitch_median_hz=pitch[0],
        pitch_range_semitones=pitch[1],
        pitch_sd_semitones=pitch[2],
        loudness_db=_loudness_db(segment),
        words_per_minute=_words_per_minute(words),
    )


def measure_turns(
    audio: np.ndarray, turns: Sequence[Turn], sample_rate: int = SAMPLE_RATE
) -> list[TurnProsody | None]:
    """Prosody for each turn in order; ``None`` for turns without times (text-only input)."""
    return [
        None
        if turn.start is None or turn.end is None
        else measure_turn(audio, turn.start, turn.end, turn.words, sample_rate)
        for turn in turns
    ]


def _loudness_db(segment: np.ndarray) -> float | None:
    """RMS level in dB relative to full scale (0 dBFS = a full-scale square wave)."""
    if segment.size == 0:
        return None
    rms = float(np.sqrt(np.mean(np.square(segment))))
    return None if rms < _SILENCE_RMS else 20.0 * float(np.log10(rms))


def _pitch(
    segment: np.ndarray, sample_rate: int
) -> tuple[float | None, float | None, float | None]:
    """Median F0 (Hz), 5th to 95th percentile range and SD (semitones) of the voiced frames."""
    if segment.size < _MIN_PITCH_SECONDS * sample_rate or not np.any(segment):
        return None, None, None
    import parselmouth

    sound = parselmouth.Sound(segment, sampling_frequency=float(sample_rate))
    pitch = sound.to_pitch(pitch_floor=_PITCH_FLOOR_HZ, pitch_ceiling=_PITCH_CEILING_HZ)
    f0 = pitch.selected_array["frequency"]
    voiced = f0[f0 > 0]
    if voiced.size < _MIN_VOICED_FRAMES:
        return None, None, None
    median = float(np.median(voiced))
    semitones = 12.0 * np.log2(voiced / median)
    low, high = np.percentile(semitones, [5, 95])
    return median, float(high - low), float(np.std(semitones))


def _words_per_minute(words: Sequence[Word]) -> float | None:
    """Words over the span from the first word's start to the last word's end."""
    if len(words) < _MIN_RATE_WORDS:
        return None
    span = max(w.end for w in words) - min(w.start for w in words)
    return None if span < _MIN_RATE_SECONDS else 60.0 * len(words) / span
