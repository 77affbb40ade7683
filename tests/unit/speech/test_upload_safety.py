"""Files that once hurt Coach are refused from their headers, decoding stops at the length
limit, a crashing or slow decoder costs only its child, and cut files of every format are
told apart from whole ones."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from pathlib import Path

import pytest

from coach.speech.audio import AudioError, AudioLimits, decode_audio
from coach.speech.isolation import DecodeBudget, decode_isolated
from coach.speech.probe import probe_audio
from tests import bad_audio

LIMITS = AudioLimits(max_seconds=60)
BUDGET = DecodeBudget(memory_mb=256, seconds=20)


@pytest.mark.parametrize("extension", bad_audio.MANY_CHANNEL_FORMATS)
def test_eight_channels_are_refused_before_decoding(tmp_path: Path, extension: str) -> None:
    path = bad_audio.many_channels(tmp_path, extension, 8)

    with pytest.raises(AudioError, match="8 channels; Coach accepts mono or stereo"):
        probe_audio(path, LIMITS)
    with pytest.raises(AudioError, match="8 channels"):
        decode_isolated(path, LIMITS, BUDGET)


def test_a_decoder_crash_in_the_child_is_an_unusable_recording(tmp_path: Path) -> None:
    # Allowing 8 channels lets PyAV reach the to_ndarray call that segfaults on them (the
    # crash from issue #10); should a PyAV release fix it, find another crashing input.
    path = bad_audio.many_channels(tmp_path, "wav", 8)

    with pytest.raises(AudioError, match="could not be decoded safely"):
        decode_isolated(path, AudioLimits(max_seconds=60, max_channels=8), BUDGET)
    assert decode_isolated(bad_audio.tone(tmp_path / "after.wav"), LIMITS, BUDGET).duration > 0


def test_a_decode_past_its_wall_deadline_is_stopped(tmp_path: Path) -> None:
    path = bad_audio.tone(tmp_path / "tone.wav")

    with pytest.raises(AudioError, match="took too long to decode"):
        decode_isolated(path, LIMITS, DecodeBudget(memory_mb=256, seconds=0.000_001))


def test_isolated_decode_returns_the_same_samples(tmp_path: Path) -> None:
    path = bad_audio.tone(tmp_path / "tone.flac", seconds=1.0, channels=2)

    isolated, inline = decode_isolated(path, LIMITS, BUDGET), decode_audio(path, LIMITS)

    assert isolated.samples.shape == inline.samples.shape == (2, 16_000)
    assert (isolated.samples == inline.samples).all()
    assert (isolated.container, isolated.codec, isolated.source_rate) == ("flac", "flac", 8000)


def test_a_25_hz_wav_is_refused_from_its_header(tmp_path: Path) -> None:
    samples = bytes(343_000)  # 6,860 s at 25 Hz: once 47 s and +850 MB of resampling
    path = tmp_path / "rate25.wav"
    path.write_bytes(bad_audio.wav_header(rate=25, data_size=len(samples), body=samples))

    with pytest.raises(AudioError, match=r"sample rate \(25 Hz\)"):
        probe_audio(path, LIMITS)
    with pytest.raises(AudioError, match=r"sample rate \(25 Hz\)"):
        decode_isolated(path, LIMITS, BUDGET)


def test_a_header_declaring_2_to_the_35_samples_is_refused_from_its_header(
    tmp_path: Path,
) -> None:
    flac = bad_audio.tone(tmp_path / "short.flac").read_bytes()
    path = tmp_path / "huge.flac"
    path.write_bytes(bad_audio.flac_declaring(flac, 2**35))

    assert probe_audio(path).declared_duration == pytest.approx(2**35 / 8000)
    with pytest.raises(AudioError, match="more than 100 hours long; the limit is 60 seconds"):
        decode_isolated(path, LIMITS, BUDGET)


def test_a_long_silent_flac_is_refused_from_its_declared_length(tmp_path: Path) -> None:
    path = tmp_path / "silence.flac"
    subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", str(path), "trim", "0", "120"],
                   check=True)  # fmt: skip

    with pytest.raises(AudioError, match="2 minutes long; the limit is 60 seconds"):
        probe_audio(path, LIMITS)


def test_decoding_stops_at_the_limit_when_nothing_is_declared(tmp_path: Path) -> None:
    """A browser webm declares no length: the decoder must stop at the limit by itself."""
    path = bad_audio.tone(tmp_path / "long.webm", seconds=30.0)
    assert probe_audio(path).declared_duration is None

    with pytest.raises(AudioError, match="the limit is 10 seconds"):
        decode_audio(path, AudioLimits(max_seconds=10))
    assert decode_audio(path, AudioLimits(max_seconds=40)).duration == pytest.approx(30, abs=0.1)


@pytest.mark.parametrize(
    ("rate", "message"),
    [(7_999, r"\(7999 Hz\)"), (192_001, r"\(192001 Hz\)"), (0, r"\(0 Hz\)|not a recognised")],
)
def test_absurd_sample_rates_are_refused(tmp_path: Path, rate: int, message: str) -> None:
    path = tmp_path / "odd.wav"
    path.write_bytes(bad_audio.wav_header(rate=rate, data_size=1600, body=bytes(1600)))

    with pytest.raises(AudioError, match=message):
        decode_isolated(path, LIMITS, BUDGET)


@pytest.mark.parametrize("extension", sorted(bad_audio.FORMATS))
@pytest.mark.parametrize("kept", [0.5, 0.97])
def test_cut_files_of_every_format_are_refused(tmp_path: Path, extension: str, kept: float) -> None:
    whole = bad_audio.tone(tmp_path / f"whole.{extension}", seconds=3.0)
    # Raw AAC declares no length; FFmpeg's estimate from the bit rate runs a little long.
    assert decode_audio(whole, LIMITS).duration == pytest.approx(3.0, abs=0.25)
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{extension}"
    cut.write_bytes(data[: int(len(data) * kept)])

    with pytest.raises(AudioError, match=r"cut off|not a recognised audio format|corrupt"):
        decode_isolated(cut, LIMITS, BUDGET)


def test_an_mp3_over_the_limit_is_stopped_while_decoding(tmp_path: Path) -> None:
    """An mp3's length is only estimated (from its bit rate): it is judged by decoding."""
    path = bad_audio.tone(tmp_path / "long.mp3", seconds=15.0)

    with pytest.raises(AudioError, match="the limit is 10 seconds"):
        decode_isolated(path, AudioLimits(max_seconds=10), BUDGET)


def test_the_child_closes_the_descriptors_it_inherited(tmp_path: Path) -> None:
    """Another thread's decode pipe held open in this child would hide that decode's end."""
    path = bad_audio.tone(tmp_path / "long.flac", seconds=600.0)
    other_read, other_write = os.pipe()
    done = threading.Event()
    decoder = threading.Thread(
        target=lambda: (decode_isolated(path, AudioLimits(max_seconds=700), BUDGET), done.set())
    )
    decoder.start()
    seen_closed = False
    while decoder.is_alive() and not seen_closed:
        children = Path(f"/proc/self/task/{decoder.native_id}/children")
        for child in children.read_text().split() if children.exists() else []:
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                held = os.listdir(f"/proc/{child}/fd")
                running = "0" in held  # an exited (zombie) child lists no descriptor at all
                seen_closed = running and not {str(other_read), str(other_write)} & set(held)
    decoder.join(timeout=60)
    os.close(other_read)
    os.close(other_write)

    assert seen_closed, "the child kept descriptors of its parent"
    assert done.is_set()
