"""Read what a container says about its audio, and refuse it, before decoding a single frame.

Decoding is where files cost memory and time (and where one PyAV path crashed on many
channels), so everything that can be judged from the headers is judged here: no audio
stream, a video, an unknown codec, more channels than a call has, an absurd sample rate,
or a declared length over the configured limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import av

_FORMATS = "wav, mp3, m4a, ogg, webm or flac"
# Raw MP3/ADTS streams declare no length: FFmpeg estimates one from the bit rate, which a
# variable bit rate makes wrong, so only decoding (bounded by the limit) can judge them.
ESTIMATED_LENGTH_FORMATS = frozenset({"mp3", "aac"})
# A declared length is allowed this much over the limit (containers round, encoders pad).
_DECLARED_SLACK_S = 1.0


class AudioError(ValueError):
    """The file cannot be used as a recording; ``str(error)`` is a user-facing sentence."""


@dataclass(frozen=True)
class AudioLimits:
    """What a recording may be: a phone call is one or two channels at a telephone-to-studio
    rate, no longer than the configured maximum."""

    max_seconds: float
    min_rate: int = 8_000
    max_rate: int = 192_000
    max_channels: int = 2


@dataclass(frozen=True)
class AudioInfo:
    """What the container says about a file, read without decoding it."""

    container: str
    codec: str
    channels: int
    source_rate: int
    declared_duration: float | None


def probe_audio(path: str | os.PathLike[str], limits: AudioLimits | None = None) -> AudioInfo:
    """Describe the one usable audio stream of ``path`` without decoding it; with ``limits``,
    refuse what breaks them."""
    with open_audio(path) as container:
        info = describe(container, audio_stream(container))
    if limits is not None:
        check_limits(info, limits)
    return info


def check_limits(info: AudioInfo, limits: AudioLimits) -> None:
    """Raise :class:`AudioError` when the headers alone show the file is not a usable call."""
    if info.channels < 1 or info.channels > limits.max_channels:
        raise AudioError(
            f"The recording has {info.channels} channels; Coach accepts mono or stereo "
            "(one or two channels). Please export the call as mono or stereo."
        )
    if not limits.min_rate <= info.source_rate <= limits.max_rate:
        raise AudioError(
            f"The recording's sample rate ({info.source_rate} Hz) is not one a call is recorded "
            f"at; Coach accepts {limits.min_rate // 1000} to {limits.max_rate // 1000} kHz."
        )
    declared = info.declared_duration
    estimated = info.container in ESTIMATED_LENGTH_FORMATS
    if declared is not None and not estimated and declared > limits.max_seconds + _DECLARED_SLACK_S:
        raise too_long(declared, limits)


def too_long(seconds: float, limits: AudioLimits) -> AudioError:
    """The refusal for a recording over the length limit (declared or found while decoding)."""
    return AudioError(
        f"The recording is {_minutes(seconds)} long; the limit is "
        f"{_minutes(limits.max_seconds)}. Please upload a shorter call."
    )


def _minutes(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds > 100 * 3600:
        return "more than 100 hours"
    return f"{seconds / 60:.0f} minutes"


def open_audio(path: str | os.PathLike[str]) -> av.container.InputContainer:
    """Open ``path`` for reading, turning every way that can fail into an :class:`AudioError`."""
    file = Path(path)
    if not file.is_file():
        raise AudioError("The recording file could not be found.")
    if file.stat().st_size == 0:
        raise AudioError("The file is empty. Please record or upload the call again.")
    try:
        return av.open(str(file), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise AudioError(
            "The file is not a recognised audio format or is corrupt. "
            f"Please upload a {_FORMATS} recording."
        ) from exc


def audio_stream(container: av.container.InputContainer) -> av.audio.stream.AudioStream:
    """The first audio stream, refusing videos, files without one and unknown codecs."""
    attached_pic = av.stream.Disposition.attached_pic
    if any(not (s.disposition & attached_pic) for s in container.streams.video):
        raise AudioError("This file is a video. Please upload an audio-only recording of the call.")
    if not container.streams.audio:
        raise AudioError("The file has no audio track.")
    stream = container.streams.audio[0]
    if stream.codec_context is None:
        raise AudioError(
            "The audio codec of this file is not supported. Please convert it to "
            f"{_FORMATS} and upload it again."
        )
    if stream.codec_context.name not in av.codec.codecs_available:
        raise AudioError(f"The audio codec '{stream.codec_context.name}' is not supported.")
    return stream


def describe(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream
) -> AudioInfo:
    """The stream's channels, rate, codec and declared length (None when it declares none)."""
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
