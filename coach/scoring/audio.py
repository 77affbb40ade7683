"""Decode any uploaded or browser-recorded audio file into 16 kHz float32 samples per channel.

PyAV bundles FFmpeg, so wav, mp3, m4a/aac, ogg/opus, webm and flac decode without an
external program. Every failure becomes an :class:`AudioError` whose message can be shown
to the trainee as is (one line, no server paths, no traceback text).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

SAMPLE_RATE = 16_000
# A decoded length this far below the length the container declares means the file was cut.
_TRUNCATED_RATIO = 0.9
_TRUNCATED_SLACK_S = 0.5
_INITIAL_CAPACITY_S = 60.0
# Raw MP3/ADTS streams only estimate their length from the bit rate: no truncation check.
_ESTIMATED_LENGTH_FORMATS = frozenset({"mp3", "aac"})


class AudioError(ValueError):
    """The file cannot be used as a recording; ``str(error)`` is a user-facing sentence."""


@dataclass(frozen=True)
class DecodedAudio:
    """Samples in ``[-1, 1]`` at :data:`SAMPLE_RATE`, shape ``(channels, n)``."""

    samples: np.ndarray
    source_rate: int
    container: str
    codec: str

    @property
    def channels(self) -> int:
        """Number of channels kept separate (stereo calls put one speaker on each)."""
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        """Length in seconds, from the decoded samples (browser webm files declare none)."""
        return self.samples.shape[1] / SAMPLE_RATE

    def channel(self, index: int) -> np.ndarray:
        """One channel as a contiguous 1-D array (what the ASR engines take)."""
        return np.ascontiguousarray(self.samples[index])

    def mono(self) -> np.ndarray:
        """All channels averaged, for recordings where both speakers share the signal."""
        if self.channels == 1:
            return self.channel(0)
        return self.samples.mean(axis=0, dtype=np.float32)


@dataclass(frozen=True)
class AudioInfo:
    """What the container says about a file, read without decoding it."""

    container: str
    codec: str
    channels: int
    source_rate: int
    declared_duration: float | None


def probe_audio(path: str | os.PathLike[str]) -> AudioInfo:
    """Check that ``path`` holds one usable audio stream and describe it, without decoding."""
    with _open(path) as container:
        stream = _audio_stream(container)
        return _info(container, stream)


def decode_audio(path: str | os.PathLike[str]) -> DecodedAudio:
    """Decode the first audio stream of ``path``, keeping channels separate."""
    with _open(path) as container:
        stream = _audio_stream(container)
        info = _info(container, stream)
        samples = _decode_stream(container, stream, info)
    if samples.shape[1] == 0:
        raise AudioError("The recording contains no sound (0 seconds of audio).")
    decoded_s = samples.shape[1] / SAMPLE_RATE
    declared = info.declared_duration
    exact = info.container not in _ESTIMATED_LENGTH_FORMATS
    if declared and exact and decoded_s < declared * _TRUNCATED_RATIO - _TRUNCATED_SLACK_S:
        raise AudioError(
            f"The recording is truncated: only {decoded_s:.0f} of {declared:.0f} seconds "
            "could be read. Please upload the complete file again."
        )
    return DecodedAudio(
        samples=samples, source_rate=info.source_rate, container=info.container, codec=info.codec
    )


def _open(path: str | os.PathLike[str]) -> av.container.InputContainer:
    file = Path(path)
    if not file.is_file():
        raise AudioError("The recording file could not be found.")
    if file.stat().st_size == 0:
        raise AudioError("The file is empty. Please record or upload the call again.")
    try:
        return av.open(str(file), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise AudioError(
            "The file is not a recognised audio format or is corrupt. "
            "Please upload a wav, mp3, m4a, ogg, webm or flac recording."
        ) from exc


def _audio_stream(container: av.container.InputContainer) -> av.audio.stream.AudioStream:
    attached_pic = av.stream.Disposition.attached_pic
    if any(not (s.disposition & attached_pic) for s in container.streams.video):
        raise AudioError("This file is a video. Please upload an audio-only recording of the call.")
    if not container.streams.audio:
        raise AudioError("The file has no audio track.")
    stream = container.streams.audio[0]
    if stream.codec_context is None:
        raise AudioError("The audio codec of this file is not supported.")
    if stream.codec_context.name not in av.codec.codecs_available:
        raise AudioError(f"The audio codec '{stream.codec_context.name}' is not supported.")
    return stream


def _info(container: av.container.InputContainer, stream: av.audio.stream.AudioStream) -> AudioInfo:
    declared: float | None = None
    if stream.duration is not None and stream.time_base is not None:
        declared = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        declared = container.duration / av.time_base
    return AudioInfo(
        container=container.format.name,
        codec=stream.codec_context.name,
        channels=stream.codec_context.channels,
        source_rate=stream.codec_context.sample_rate,
        declared_duration=declared,
    )


def _decode_stream(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    info: AudioInfo,
) -> np.ndarray:
    capacity_s = info.declared_duration or _INITIAL_CAPACITY_S
    buffer = _SampleBuffer(info.channels, int(capacity_s * SAMPLE_RATE) + SAMPLE_RATE)
    try:
        for chunk in _resampled(container, stream):
            buffer.append(chunk)
    except av.error.FFmpegError as exc:
        if buffer.length == 0:
            raise AudioError(
                "The recording is corrupt and could not be decoded. Please upload it again."
            ) from exc
        # Decoding failed part-way: keep what was read and let the length check decide.
    return buffer.samples()


def _resampled(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream
) -> Iterator[np.ndarray]:
    # Planar float keeps one row per channel; the source layout keeps channels apart.
    resampler = av.AudioResampler(format="fltp", layout=stream.layout, rate=SAMPLE_RATE)
    for frame in container.decode(stream):
        for out in resampler.resample(frame):
            yield out.to_ndarray()
    for out in resampler.resample(None):
        yield out.to_ndarray()


class _SampleBuffer:
    """Growable ``(channels, n)`` array: sized from the declared length, so a long call is
    held once in memory instead of as a list of frames plus their concatenation."""

    def __init__(self, channels: int, capacity: int) -> None:
        self._data = np.zeros((channels, max(capacity, 1)), dtype=np.float32)
        self.length = 0

    def append(self, chunk: np.ndarray) -> None:
        end = self.length + chunk.shape[1]
        if end > self._data.shape[1]:
            grown = np.zeros(
                (self._data.shape[0], max(end, self._data.shape[1] * 3 // 2)), np.float32
            )
            grown[:, : self.length] = self._data[:, : self.length]
            self._data = grown
        self._data[:, self.length : end] = chunk
        self.length = end

    def samples(self) -> np.ndarray:
        if self.length < self._data.shape[1] * 3 // 4:
            return self._data[:, : self.length].copy()
        return self._data[:, : self.length]
