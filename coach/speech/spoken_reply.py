"""A trainee's spoken role-play reply, as the browser recorded it, turned into text.

The browser's MediaRecorder sends a short clip (webm/opus, ogg, wav or mp4). It is decoded
by :func:`coach.speech.audio.decode_audio` and heard by the reply transcriber
(``Engines.reply_transcriber()``: Whisper tiny.en, greedy, no voice-activity model,
English), the same code paths as a practice call, with limits fitted to one reply. Every
refusal is a :class:`ReplyAudioError` whose message can be shown to the trainee as is.
"""

from __future__ import annotations

import tempfile

import numpy as np

from coach.speech.audio import AudioError, AudioLimits, DecodedAudio, decode_audio
from coach.speech.probe import probe_audio
from coach.speech.transcriber import Transcriber

MAX_BYTES = 2 * 1024 * 1024
MAX_SECONDS = 60.0
MIN_SECONDS = 0.3
LIMITS = AudioLimits(max_seconds=MAX_SECONDS)
# Containers round and encoders pad: this much over the limit still counts as within it.
_SLACK_S = 1.0
# Below this peak (-50 dBFS) nothing was said: a muted or unplugged microphone, on which
# Whisper would only make words up.
_SILENCE_PEAK = 10 ** (-50 / 20)


class ReplyAudioError(AudioError):
    """A spoken reply that cannot be heard; ``str(error)`` is a sentence for the trainee."""


def transcribe_reply(audio: bytes, transcriber: Transcriber) -> str:
    """The words of one spoken reply (``audio``: the recorded file's bytes), for the
    role-play to answer as if they were typed. Raises :class:`ReplyAudioError` for an empty,
    too big, too short, too long or unreadable recording, or one with no words in it."""
    if not audio:
        raise ReplyAudioError("The recording is empty. Please record your reply again.")
    if len(audio) > MAX_BYTES:
        raise ReplyAudioError(
            f"The recording is too big ({len(audio) / 1e6:.1f} MB; the limit is "
            f"{MAX_BYTES / 1e6:.0f} MB). Please record a shorter reply."
        )
    # decode_audio reads a file: the clip is small and only lives for this call.
    with tempfile.NamedTemporaryFile(prefix="reply-") as file:
        file.write(audio)
        file.flush()
        decoded = _decoded(file.name)
    if float(np.max(np.abs(decoded.samples))) < _SILENCE_PEAK:
        raise _no_words()
    transcript = transcriber.transcribe(decoded, "mono1")
    text = " ".join(turn.text.strip() for turn in transcript.turns).strip()
    if not text:
        raise _no_words()
    return text


def _decoded(path: str) -> DecodedAudio:
    """The clip decoded, refused by its headers first (so a long file is never decoded)."""
    try:
        info = probe_audio(path)
    except AudioError as error:
        raise ReplyAudioError(
            "The recording is not audio Coach can read. Please record your reply again."
        ) from error
    declared = info.declared_duration
    if declared is not None and declared > MAX_SECONDS + _SLACK_S:
        raise _too_long(declared)
    try:
        decoded = decode_audio(path, LIMITS)
    except AudioError as error:
        # Browsers' webm declares no length: only decoding (which stops at the limit) finds it.
        raise ReplyAudioError(
            f"The recording could not be read (it may be longer than {MAX_SECONDS:.0f} "
            "seconds, or cut off). Please record your reply again."
        ) from error
    if decoded.duration < MIN_SECONDS:
        raise ReplyAudioError(
            f"The recording is too short ({decoded.duration:.1f} seconds). "
            "Please record your reply again."
        )
    return decoded


def _too_long(seconds: float) -> ReplyAudioError:
    return ReplyAudioError(
        f"The reply is {seconds:.0f} seconds long; the limit is {MAX_SECONDS:.0f} seconds. "
        "Please record a shorter reply."
    )


def _no_words() -> ReplyAudioError:
    return ReplyAudioError(
        "No words could be heard in the recording. Please check your microphone and "
        "record your reply again."
    )
