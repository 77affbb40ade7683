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
_MP3_HEAD_BYTES = 200  # the frame-count header sits within a first frame's opening bytes
# Raw MP3/ADTS streams declare no length (FFmpeg estimates it from the bit rate), unless an
# MP3 opens with a Xing/Info/VBRI frame count. A cut through one of them shows instead as a
# last frame shorter than its own header says (MP3) or one the decoder rejects (ADTS).
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
        decoded = _decode_stream(container, stream, info)
    samples = decoded.samples
    if samples.shape[1] == 0:
        raise AudioError("The recording contains no sound (0 seconds of audio).")
    decoded_s = samples.shape[1] / SAMPLE_RATE
    declared = info.declared_duration
    estimated = info.container in _ESTIMATED_LENGTH_FORMATS
    if estimated and (decoded.failed_part_way or decoded.cut_last_frame):
        raise AudioError(
            f"The recording is truncated: it ends part-way through, after {decoded_s:.0f} "
            "seconds. Please upload the complete file again."
        )
    exact = not estimated or (info.container == "mp3" and _mp3_declares_length(Path(path)))
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
        raise AudioError(
            "The audio codec of this file is not supported. Please convert it to wav, mp3, "
            "m4a, ogg, webm or flac and upload it again."
        )
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


@dataclass(frozen=True)
class _Decoded:
    samples: np.ndarray
    failed_part_way: bool
    cut_last_frame: bool


def _decode_stream(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    info: AudioInfo,
) -> _Decoded:
    capacity_s = info.declared_duration or _INITIAL_CAPACITY_S
    buffer = _SampleBuffer(info.channels, int(capacity_s * SAMPLE_RATE) + SAMPLE_RATE)
    packets = _PacketWatch(container.format.name == "mp3")
    failed = False
    try:
        for chunk in _resampled(container, stream, packets):
            buffer.append(chunk)
    except av.error.FFmpegError as exc:
        if buffer.length == 0:
            raise AudioError(
                "The recording is corrupt and could not be decoded. Please upload it again."
            ) from exc
        # Decoding failed part-way: keep what was read; the caller decides by format.
        failed = True
    return _Decoded(buffer.samples(), failed, packets.last_frame_cut())


def _resampled(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    packets: _PacketWatch,
) -> Iterator[np.ndarray]:
    # Planar float keeps one row per channel; the source layout keeps channels apart.
    resampler = av.AudioResampler(format="fltp", layout=stream.layout, rate=SAMPLE_RATE)
    for packet in container.demux(stream):
        packets.saw(packet)
        for frame in packet.decode():
            for out in resampler.resample(frame):
                yield out.to_ndarray()
    for out in resampler.resample(None):
        yield out.to_ndarray()


class _PacketWatch:
    """Remembers the last MP3 packet, to tell whether the file stops inside a frame."""

    def __init__(self, mp3: bool) -> None:
        self._mp3 = mp3
        self._last: bytes = b""

    def saw(self, packet: av.Packet) -> None:
        if self._mp3 and packet.size:
            self._last = bytes(packet)

    def last_frame_cut(self) -> bool:
        expected = mp3_frame_length(self._last[:4])
        return expected is not None and len(self._last) < expected


# MPEG audio header tables (ISO 11172-3 / 13818-3), Layer III only: kbit/s by index.
_MP3_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),  # MPEG-1
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),  # MPEG-2 and 2.5
}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def mp3_frame_length(header: bytes) -> int | None:
    """Bytes in the MPEG-1/2/2.5 Layer III frame that starts with ``header`` (None if it is
    not one, or is free-format)."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate_index, rate_index = header[2] >> 4, (header[2] >> 2) & 3
    if layer != 1 or version == 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _MP3_BITRATES[1 if version == 3 else 2][bitrate_index] * 1000
    rate = _MP3_RATES[version][rate_index]
    padding = (header[2] >> 1) & 1
    return (144 if version == 3 else 72) * bitrate // rate + padding


def _mp3_declares_length(path: Path) -> bool:
    """Whether the MP3's first frame is a Xing/Info/VBRI header, which counts the frames
    (then FFmpeg's duration is exact, not estimated from the bit rate)."""
    with path.open("rb") as handle:
        tag = handle.read(10)
        # An ID3v2 tag comes first; its size is four 7-bit ("syncsafe") bytes.
        skip = 0
        if tag[:3] == b"ID3" and len(tag) == 10:
            skip = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(tag[6:10]))
        handle.seek(skip)
        first_frame = handle.read(_MP3_HEAD_BYTES)
    return any(marker in first_frame for marker in (b"Xing", b"Info", b"VBRI"))


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
