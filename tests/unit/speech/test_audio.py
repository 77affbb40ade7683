"""Decoding real files of every format a trainee or browser may send, and refusing bad ones."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from coach.speech.audio import SAMPLE_RATE, AudioError, decode_audio
from coach.speech.probe import probe_audio
from coach.speech.truncation import mp3_frame_length
from tests.helpers import wav_with_unknown_codec

SPEECH_S = 3.0


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True)


def _ffmpeg(*args: str) -> None:
    _run("ffmpeg", "-nostdin", "-loglevel", "error", "-y", *args)


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 3 s 44.1 kHz tone-and-speech source plus its conversions to every upload format."""
    folder = tmp_path_factory.mktemp("media")
    _run("sox", "-n", "-r", "44100", "-c", "1", str(folder / "source.wav"), "synth",
         str(SPEECH_S), "sine", "440", "vol", "0.5")  # fmt: skip
    source = str(folder / "source.wav")
    _ffmpeg("-i", source, str(folder / "call.mp3"))
    _ffmpeg("-i", source, "-c:a", "aac", str(folder / "call.m4a"))
    _ffmpeg("-i", source, "-c:a", "libopus", str(folder / "call.ogg"))
    _ffmpeg("-i", source, "-c:a", "flac", str(folder / "call.flac"))
    # Written to a pipe like a browser's MediaRecorder: no duration in the header.
    with (folder / "browser.webm").open("wb") as out:
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-i", source, "-c:a", "libopus",
             "-f", "webm", "-"],
            check=True, stdout=out,
        )  # fmt: skip
    return folder


@pytest.mark.parametrize(
    ("name", "container"),
    [
        ("source.wav", "wav"),
        ("call.mp3", "mp3"),
        ("call.m4a", "mov,mp4,m4a,3gp,3g2,mj2"),
        ("call.ogg", "ogg"),
        ("call.flac", "flac"),
        ("browser.webm", "matroska,webm"),
    ],
)
def test_every_upload_format_decodes_to_16khz_float32(
    media: Path, name: str, container: str
) -> None:
    audio = decode_audio(media / name)

    assert audio.samples.dtype == np.float32
    assert audio.samples.shape == (1, round(audio.duration * SAMPLE_RATE))
    assert audio.channels == 1
    assert audio.container == container
    assert audio.duration == pytest.approx(SPEECH_S, abs=0.06)
    assert 0.3 < float(np.abs(audio.samples).max()) <= 1.0


def test_source_rate_and_codec_are_reported(media: Path) -> None:
    audio = decode_audio(media / "call.ogg")

    assert audio.codec == "opus"
    assert audio.source_rate == 48_000


def test_browser_webm_without_duration_header_gets_duration_from_samples(media: Path) -> None:
    assert probe_audio(media / "browser.webm").declared_duration is None
    assert decode_audio(media / "browser.webm").duration == pytest.approx(SPEECH_S, abs=0.06)


def test_stereo_channels_stay_separate(tmp_path: Path) -> None:
    left, right, both = (str(tmp_path / n) for n in ("l.wav", "r.wav", "lr.wav"))
    _run("sox", "-n", "-r", "8000", "-c", "1", left, "synth", "2", "sine", "300", "vol", "0.5")
    _run("sox", "-n", "-r", "8000", "-c", "1", right, "trim", "0", "2")
    _run("sox", "-M", left, right, both)

    audio = decode_audio(both)

    assert audio.channels == 2
    assert audio.samples.shape == (2, 2 * SAMPLE_RATE)
    assert float(np.abs(audio.channel(0)).max()) > 0.4
    assert float(np.abs(audio.channel(1)).max()) == 0.0
    assert audio.mono().shape == (2 * SAMPLE_RATE,)


def _assert_user_facing(error: pytest.ExceptionInfo[AudioError], tmp_path: Path) -> None:
    message = str(error.value)
    assert "\n" not in message
    assert str(tmp_path) not in message
    assert "Traceback" not in message


def test_empty_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "call.wav").write_bytes(b"")

    with pytest.raises(AudioError, match="empty") as error:
        decode_audio(tmp_path / "call.wav")
    _assert_user_facing(error, tmp_path)


def test_text_file_renamed_wav_is_refused(tmp_path: Path) -> None:
    (tmp_path / "call.wav").write_text("these are my meeting notes, not a recording\n")

    with pytest.raises(AudioError, match="not a recognised audio format") as error:
        decode_audio(tmp_path / "call.wav")
    _assert_user_facing(error, tmp_path)


def test_truncated_flac_is_refused(media: Path, tmp_path: Path) -> None:
    whole = (media / "call.flac").read_bytes()
    (tmp_path / "cut.flac").write_bytes(whole[: len(whole) // 3])

    with pytest.raises(AudioError, match="truncated") as error:
        decode_audio(tmp_path / "cut.flac")
    _assert_user_facing(error, tmp_path)


@pytest.mark.parametrize(
    ("name", "encoder"),
    [
        ("cut.mp3", ["-c:a", "libmp3lame"]),  # opens with a Xing/Info frame count
        ("cut-no-header.mp3", ["-c:a", "libmp3lame", "-write_xing", "0"]),
        ("cut.aac", ["-c:a", "aac", "-f", "adts"]),
    ],
)
def test_truncated_stream_without_declared_length_is_refused(
    media: Path, tmp_path: Path, name: str, encoder: list[str]
) -> None:
    whole = tmp_path / f"whole{Path(name).suffix}"
    _ffmpeg("-i", str(media / "source.wav"), *encoder, str(whole))
    data = whole.read_bytes()
    assert decode_audio(whole).duration == pytest.approx(SPEECH_S, abs=0.1)
    # Cut through the middle of a frame, as an interrupted upload or copy does.
    (tmp_path / name).write_bytes(data[: len(data) // 2 + 37])

    with pytest.raises(AudioError, match="truncated") as error:
        decode_audio(tmp_path / name)
    _assert_user_facing(error, tmp_path)


def test_mp3_frame_length_reads_the_frame_header() -> None:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 144 * 128000 / 44100 = 417 bytes (+1 padded).
    assert mp3_frame_length(bytes([0xFF, 0xFB, 0x90, 0x00])) == 417
    assert mp3_frame_length(bytes([0xFF, 0xFB, 0x92, 0x00])) == 418
    # MPEG-2 Layer III, 64 kbit/s, 22.05 kHz: 72 * 64000 / 22050 = 208 bytes.
    assert mp3_frame_length(bytes([0xFF, 0xF3, 0x80, 0x00])) == 208
    assert mp3_frame_length(b"RIFF") is None


def test_unsupported_codec_is_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "call.wav").write_bytes(wav_with_unknown_codec())

    with pytest.raises(AudioError, match=r"codec .*not supported") as error:
        decode_audio(tmp_path / "call.wav")
    _assert_user_facing(error, tmp_path)


def test_video_is_refused_with_a_request_for_audio_only(tmp_path: Path) -> None:
    video = str(tmp_path / "call.mp4")
    _ffmpeg("-f", "lavfi", "-i", "testsrc=duration=1:size=64x64:rate=5",
            "-f", "lavfi", "-i", "sine=duration=1", "-shortest", video)  # fmt: skip

    with pytest.raises(AudioError, match=r"video.*audio-only") as error:
        decode_audio(video)
    _assert_user_facing(error, tmp_path)


def test_file_without_audio_track_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhello\n")
    _ffmpeg("-i", str(tmp_path / "notes.srt"), str(tmp_path / "notes.mkv"))

    with pytest.raises(AudioError, match="no audio track"):
        decode_audio(tmp_path / "notes.mkv")


def test_zero_second_recording_is_refused(tmp_path: Path) -> None:
    _run("sox", "-n", "-r", "16000", "-c", "1", str(tmp_path / "call.wav"), "trim", "0", "0")

    with pytest.raises(AudioError, match="0 seconds"):
        decode_audio(tmp_path / "call.wav")


def test_missing_file_is_refused_without_its_path(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="could not be found") as error:
        decode_audio(tmp_path / "gone.wav")
    _assert_user_facing(error, tmp_path)


def test_audio_error_is_a_value_error() -> None:
    assert issubclass(AudioError, ValueError)


def test_long_recording_without_duration_header_decodes_completely(tmp_path: Path) -> None:
    webm = tmp_path / "long.webm"
    with webm.open("wb") as out:
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
             "sine=frequency=300:duration=75", "-c:a", "libopus", "-f", "webm", "-"],
            check=True, stdout=out,
        )  # fmt: skip

    audio = decode_audio(webm)

    assert audio.duration == pytest.approx(75.0, abs=0.1)
    assert float(np.abs(audio.samples[0, -SAMPLE_RATE:]).max()) > 0.05
