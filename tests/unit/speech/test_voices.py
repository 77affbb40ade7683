"""Pauses and voices measured in the signal, on made-up sounds (no speech model)."""

from __future__ import annotations

import numpy as np

from coach.speech.voices import SAMPLE_RATE, find_pauses, voice_sides


def tone(seconds: float, hz: float, harmonics: int) -> np.ndarray:
    """A buzz with ``harmonics`` overtones: few sounds dull, many bright (another voice)."""
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    wave = sum(np.sin(2 * np.pi * hz * k * t) / k for k in range(1, harmonics + 1))
    return (0.3 * wave / np.max(np.abs(wave))).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def test_pauses_are_found_in_the_signal() -> None:
    samples = np.concatenate([tone(1.0, 120, 3), silence(0.4), tone(0.5, 120, 3), silence(0.1)])

    pauses = find_pauses(samples)

    assert len(pauses) == 1
    start, end = pauses[0]
    assert abs(start - 1.0) < 0.02 and abs(end - 1.4) < 0.02


def test_a_dip_shorter_than_a_hand_over_is_no_pause() -> None:
    samples = np.concatenate([tone(1.0, 120, 3), silence(0.1), tone(1.0, 120, 3)])

    assert find_pauses(samples) == []


def test_two_clearly_different_voices_get_opposite_sides() -> None:
    dull, bright = tone(0.8, 110, 2), tone(0.8, 110, 30)
    pieces = [dull, bright, dull, bright, dull, bright]
    samples = np.concatenate([np.concatenate([p, silence(0.3)]) for p in pieces])
    spans = [(i * 1.1, i * 1.1 + 0.8) for i in range(len(pieces))]

    sides = voice_sides(samples, spans)

    assert all(abs(side) > 0.5 for side in sides)
    assert len({np.sign(side) for side in sides[::2]}) == 1
    assert np.sign(sides[0]) != np.sign(sides[1])


def test_one_voice_gives_no_voice_cue() -> None:
    # One sound, louder and softer, over a little background noise.
    rng = np.random.default_rng(0)
    pieces = [
        float(rng.uniform(0.3, 1.0)) * tone(0.8, 110, 6)
        + rng.normal(0, 1e-3, int(0.8 * SAMPLE_RATE)).astype(np.float32)
        for _ in range(8)
    ]
    samples = np.concatenate([np.concatenate([p, silence(0.3)]) for p in pieces])
    spans = [(i * 1.1, i * 1.1 + 0.8) for i in range(len(pieces))]

    assert voice_sides(samples, spans) == [0.0] * len(pieces)
