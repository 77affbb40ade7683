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

from coach.speech.probe import (
    AudioError,
    AudioInfo,
    AudioLimits,
    audio_stream,
    check_limits,
    describe,
    open_audio,
    too_long,
)
from coach.speech.truncation import (
    DecodeOutcome,
    adts_frame_length,
    check_complete,
    mp3_frame_length,
)

__all__ = ["SAMPLE_RATE", "AudioError", "AudioLimits", "DecodedAudio", "decode_audio"]

SAMPLE_RATE = 16_000
# Capacity held before the first frame when the container declares no length (browser webm).
_INITIAL_CAPACITY_S = 60.0
DEFAULT_LIMITS = AudioLimits(max_seconds=3600.0)


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


def decode_audio(
    path: str | os.PathLike[str], limits: AudioLimits = DEFAULT_LIMITS
) -> DecodedAudio:
    """Decode the first audio stream of ``path``, keeping channels separate.

    The headers are checked against ``limits`` first; decoding then stops as soon as the
    samples pass ``limits.max_seconds``, so memory is bounded by the limit, not the file."""
    file = Path(path)
    with open_audio(file) as container:
        stream = audio_stream(container)
        info = describe(container, stream)
        check_limits(info, limits)
        samples, outcome = _decode_stream(container, stream, info, limits)
    if samples.shape[1] == 0:
        raise AudioError("The recording contains no sound (0 seconds of audio).")
    check_complete(file, info, outcome)
    return DecodedAudio(
        samples=samples, source_rate=info.source_rate, container=info.container, codec=info.codec
    )


def _decode_stream(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    info: AudioInfo,
    limits: AudioLimits,
) -> tuple[np.ndarray, DecodeOutcome]:
    # One second over the limit is allowed: containers round and encoders pad.
    ceiling = int(limits.max_seconds * SAMPLE_RATE) + SAMPLE_RATE
    expected_s = info.declared_duration or _INITIAL_CAPACITY_S
    buffer = _SampleBuffer(info.channels, int(expected_s * SAMPLE_RATE) + SAMPLE_RATE, ceiling)
    packets = _PacketWatch(container.format.name)
    failed = False
    try:
        for chunk in _resampled(container, stream, packets, limits):
            if buffer.length + chunk.shape[1] > ceiling:
                raise too_long(ceiling / SAMPLE_RATE, limits)
            buffer.append(chunk)
    except av.error.FFmpegError as exc:
        if buffer.length == 0:
            raise AudioError(
                "The recording is corrupt and could not be decoded. Please upload it again."
            ) from exc
        # Decoding failed part-way: keep what was read; the truncation rules decide by format.
        failed = True
    seconds = buffer.length / SAMPLE_RATE
    return buffer.samples(), DecodeOutcome(seconds, failed, packets.last_frame_cut())


def _resampled(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    packets: _PacketWatch,
    limits: AudioLimits,
) -> Iterator[np.ndarray]:
    # Planar float keeps one row per channel; the source layout keeps channels apart.
    resampler = av.AudioResampler(format="fltp", layout=stream.layout, rate=SAMPLE_RATE)
    for packet in container.demux(stream):
        packets.saw(packet)
        for frame in packet.decode():
            # A stream may change mid-way from what its header said: judge every frame too.
            check_limits(_frame_info(frame), limits)
            for out in resampler.resample(frame):
                yield out.to_ndarray()
    for out in resampler.resample(None):
        yield out.to_ndarray()


def _frame_info(frame: av.AudioFrame) -> AudioInfo:
    return AudioInfo(
        container="",
        codec="",
        channels=len(frame.layout.channels),
        source_rate=frame.sample_rate,
        declared_duration=None,
    )


class _PacketWatch:
    """Remembers the last MP3 or ADTS packet, to tell whether the file stops inside a frame."""

    def __init__(self, container: str) -> None:
        frame_lengths = {"mp3": mp3_frame_length, "aac": adts_frame_length}
        self._frame_length = frame_lengths.get(container)
        self._last: bytes = b""

    def saw(self, packet: av.Packet) -> None:
        if self._frame_length is not None and packet.size:
            self._last = bytes(packet)

    def last_frame_cut(self) -> bool:
        if self._frame_length is None:
            return False
        expected = self._frame_length(self._last[:7])
        return expected is not None and len(self._last) < expected


class _SampleBuffer:
    """Growable ``(channels, n)`` array: sized from the declared length, so a long call is
    held once in memory instead of as a list of frames plus their concatenation. It never
    grows past ``ceiling`` samples (the caller refuses longer recordings first)."""

    def __init__(self, channels: int, capacity: int, ceiling: int) -> None:
        self._ceiling = ceiling
        self._data = np.zeros((channels, max(min(capacity, ceiling), 1)), dtype=np.float32)
        self.length = 0

    def append(self, chunk: np.ndarray) -> None:
        end = self.length + chunk.shape[1]
        if end > self._data.shape[1]:
            grown = np.zeros(
                (self._data.shape[0], min(max(end, self._data.shape[1] * 3 // 2), self._ceiling)),
                np.float32,
            )
            grown[:, : self.length] = self._data[:, : self.length]
            self._data = grown
        self._data[:, self.length : end] = chunk
        self.length = end

    def samples(self) -> np.ndarray:
        if self.length < self._data.shape[1] * 3 // 4:
            return self._data[:, : self.length].copy()
        return self._data[:, : self.length]
