"""What the audio of a two-speaker mono call says about who speaks when.

Two cheap, deterministic cues for :func:`coach.speech.turns.mono_turns`:

- **Pauses** measured in the signal (frame energy), not in Whisper's word times: tiny.en
  stretches words over short silences, so a debtor's quick "Yes." after the agent's question
  often shows no word gap at all, while the recording has a clear 0.3-0.5 s pause.
- **Voice**: the spectral envelope (MFCC) of each piece of speech, split into two groups.
  It only counts when the two groups are far apart against their spread; two voices that
  sound alike give no cue rather than a wrong one. (Pitch was tried first and dropped: on
  the test call the agent's falling sentence ends sat at the debtor's pitch.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SAMPLE_RATE = 16_000
_FRAME_S = 0.01
# A frame this far below the loud speech of the call is a pause (and never above the floor
# by less than the margin, so a noisy line with no real silence gives no pauses).
_PAUSE_BELOW_SPEECH_DB = 35.0
_PAUSE_ABOVE_FLOOR_DB = 10.0
# Shorter dips are stops inside words; hand-overs in practice calls pause 0.3 s or more.
MIN_PAUSE_S = 0.25
# Voice: mean MFCC 1-12 of pieces at least this long; each of the two groups must have
# _MIN_GROUP pieces. Groups this many pooled standard deviations apart are two voices:
# below _MIN_SEPARATION the cue is off, it reaches full weight at _FULL_SEPARATION.
_COEFFICIENTS = 12
_MIN_PIECE_S = 0.15
_MIN_GROUP = 2
_MIN_SEPARATION = 5.0
_FULL_SEPARATION = 6.0
# ... and their mean envelopes at least this far apart (Euclidean, MFCC units; the two
# voices of the committed test call: 87, pieces of one synthetic buzz: under 10).
_MIN_DISTANCE = 20.0


def find_pauses(samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> list[tuple[float, float]]:
    """``(start, end)`` seconds of every stretch of near-silence at least ``MIN_PAUSE_S`` long."""
    hop = int(_FRAME_S * sample_rate)
    count = samples.size // hop
    if count == 0:
        return []
    frames = np.asarray(samples[: count * hop], dtype=np.float64).reshape(count, hop)
    level = 10.0 * np.log10(np.mean(np.square(frames), axis=1) + 1e-12)
    speech, floor = np.percentile(level, 95), np.percentile(level, 5)
    threshold = speech - _PAUSE_BELOW_SPEECH_DB
    if threshold < floor + _PAUSE_ABOVE_FLOOR_DB and speech - floor < 2 * _PAUSE_ABOVE_FLOOR_DB:
        return []
    quiet = level < max(threshold, floor + _PAUSE_ABOVE_FLOOR_DB)
    pauses = []
    edges = np.flatnonzero(np.diff(np.concatenate(([0], quiet.astype(np.int8), [0]))))
    for first, last in zip(edges[::2], edges[1::2], strict=True):
        if (last - first) * _FRAME_S >= MIN_PAUSE_S:
            pauses.append((first * _FRAME_S, last * _FRAME_S))
    return pauses


def voice_sides(
    samples: np.ndarray, spans: Sequence[tuple[float, float]], sample_rate: int = SAMPLE_RATE
) -> list[float]:
    """For each ``(start, end)`` span, a signed weight in [-1, 1]: the sign names one of two
    voices (which is whose is not known here), the size how sure the voice cue is. All zeros
    when the pieces do not fall into two clearly separate groups.

    Each piece is its mean spectral envelope (MFCC 1-12, Praat); the pieces' main axis of
    variation (first principal component of the standardised means) is split in two where
    the two groups are tightest (exact one-dimensional two-means).
    """
    features = _piece_features(samples, spans, sample_rate)
    known = [i for i, f in enumerate(features) if f is not None]
    if len(known) < 2 * _MIN_GROUP:
        return [0.0] * len(spans)
    matrix = np.array([features[i] for i in known])
    spread = matrix.std(axis=0)
    standard = (matrix - matrix.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    axis = np.linalg.svd(standard, full_matrices=False)[2][0]
    projected = standard @ axis
    order = np.argsort(projected)
    ordered = projected[order]
    best: tuple[float, int] | None = None
    for cut in range(_MIN_GROUP, ordered.size - _MIN_GROUP + 1):
        low, high = ordered[:cut], ordered[cut:]
        within = float(np.sum((low - low.mean()) ** 2) + np.sum((high - high.mean()) ** 2))
        if best is None or within < best[0]:
            best = (within, cut)
    if best is None:
        return [0.0] * len(spans)
    low, high = ordered[: best[1]], ordered[best[1] :]
    # Standardising blows up differences between near-identical pieces: the groups must
    # also differ in the envelope itself.
    apart = matrix[order[best[1] :]].mean(axis=0) - matrix[order[: best[1]]].mean(axis=0)
    if float(np.linalg.norm(apart)) < _MIN_DISTANCE:
        return [0.0] * len(spans)
    pooled = np.sqrt(best[0] / max(1, ordered.size - 2))
    separation = float(high.mean() - low.mean()) / max(float(pooled), 1e-6)
    strength = (separation - _MIN_SEPARATION) / (_FULL_SEPARATION - _MIN_SEPARATION)
    strength = min(1.0, max(0.0, strength))
    if strength == 0.0:
        return [0.0] * len(spans)
    middle = (float(high.mean()) + float(low.mean())) / 2
    half = (float(high.mean()) - float(low.mean())) / 2
    sides = [0.0] * len(spans)
    for index, value in zip(known, projected, strict=True):
        sides[index] = strength * max(-1.0, min(1.0, (float(value) - middle) / half))
    return sides


def _piece_features(
    samples: np.ndarray, spans: Sequence[tuple[float, float]], sample_rate: int
) -> list[np.ndarray | None]:
    """Mean MFCC 1-12 of each span's frames; None for a span too short to say."""
    if samples.size < int(_MIN_PIECE_S * sample_rate):
        return [None] * len(spans)
    import parselmouth

    sound = parselmouth.Sound(np.asarray(samples, dtype=np.float64), float(sample_rate))
    mfcc = sound.to_mfcc(number_of_coefficients=_COEFFICIENTS)
    frames, times = mfcc.to_array().T[:, 1:], np.asarray(mfcc.xs())
    features: list[np.ndarray | None] = []
    for start, end in spans:
        chosen = frames[(times >= start) & (times < end)]
        enough = end - start >= _MIN_PIECE_S and len(chosen) > 0
        features.append(chosen.mean(axis=0) if enough else None)
    return features
