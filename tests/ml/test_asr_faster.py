"""The default backend (faster-whisper, packaged tiny.en, int8) on synthesized speech:
a natural neural voice, and espeak-ng voices in practice calls."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach.speech.audio import SAMPLE_RATE, AudioError, decode_audio
from coach.speech.transcriber import (
    AsrSettings,
    Transcriber,
    default_channels,
    make_transcriber,
    transcribe_file,
)
from coach.transcript import Transcript
from tests.conftest import SessionAudio
from tests.speech_synthesis import (
    AGENT_VOICE,
    PRACTICE_CALL,
    SPEECH_TEXT,
    espeak,
    two_voice_call,
    write_wav,
)
from tests.wer import read_script, speaker_accuracy, word_error_rate

CALL = [
    ("agent", "Good morning, this is Daniel calling from Northgate Recovery Services."),
    ("debtor", "Who is this? I cannot pay anything right now."),
    ("agent", "I understand. We can set up a payment plan."),
]


@pytest.fixture(scope="session")
def transcriber() -> Transcriber:
    return make_transcriber(AsrSettings(backend="faster-whisper", beam_size=1))


@pytest.fixture(scope="session")
def speech(transcriber: Transcriber, test_audio: SessionAudio) -> tuple[Transcript, list[float]]:
    """The neural voice's speech, saved with the same signal on both channels."""
    progress: list[float] = []
    transcript = transcribe_file(
        test_audio.speech_two_channel, transcriber=transcriber, progress=progress.append
    )
    return transcript, progress


@pytest.fixture(scope="session")
def stereo_call(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_wav(tmp_path_factory.mktemp("stereo") / "call.wav", two_voice_call(CALL))


@pytest.fixture(scope="session")
def stereo_transcript(transcriber: Transcriber, stereo_call: Path) -> Transcript:
    return transcribe_file(stereo_call, transcriber=transcriber)


def full_text(transcript: Transcript) -> str:
    return " ".join(turn.text for turn in transcript.turns)


@pytest.mark.ml
def test_real_speech_is_transcribed_word_for_word(
    speech: tuple[Transcript, list[float]], test_audio: SessionAudio
) -> None:
    transcript, _ = speech

    assert word_error_rate(SPEECH_TEXT, full_text(transcript)) <= 0.05
    assert transcript.language == "en"
    assert transcript.duration == pytest.approx(test_audio.speech_duration, abs=0.01)


@pytest.mark.ml
def test_identical_stereo_channels_are_treated_as_one_speaker(
    speech: tuple[Transcript, list[float]], test_audio: SessionAudio
) -> None:
    transcript, _ = speech

    assert default_channels(decode_audio(test_audio.speech_two_channel)) == "mono1"
    assert {turn.speaker for turn in transcript.turns} == {"agent"}


@pytest.mark.ml
def test_word_times_are_aligned_and_within_the_recording(
    speech: tuple[Transcript, list[float]], test_audio: SessionAudio
) -> None:
    transcript, _ = speech
    words = [w for turn in transcript.turns for w in turn.words]

    # "Together" opens the second sentence, whose first sound the synthesis located.
    together = next(w for w in words if w.w.strip(",.").lower() == "together")
    assert together.start == pytest.approx(test_audio.speech_sentence_starts[1], abs=0.3)
    assert all(0 <= w.start <= w.end <= transcript.duration for w in words)
    assert [w.start for w in words] == sorted(w.start for w in words)
    assert all(0 <= t.start <= t.end <= transcript.duration for t in transcript.turns)


@pytest.mark.ml
def test_progress_rises_monotonically_to_one(speech: tuple[Transcript, list[float]]) -> None:
    _, progress = speech

    assert progress[-1] == 1.0
    assert progress == sorted(set(progress))
    assert len(progress) >= 2
    assert all(0 < p <= 1 for p in progress)


@pytest.mark.ml
def test_stereo_turns_go_to_the_speaker_of_each_channel(stereo_transcript: Transcript) -> None:
    transcript = stereo_transcript

    assert [t.speaker for t in transcript.turns] == ["agent", "debtor", "agent"]
    assert "northgate" in transcript.turns[0].text.lower()
    assert "pay" in transcript.turns[1].text.lower()
    assert speaker_accuracy(CALL, transcript) == 1.0


@pytest.mark.ml
def test_the_final_turn_of_a_recording_is_transcribed(stereo_transcript: Transcript) -> None:
    transcript = stereo_transcript

    last = transcript.turns[-1]
    assert last.speaker == "agent"
    assert "plan" in last.text.lower()
    assert last.end <= transcript.duration


@pytest.mark.ml
def test_swapped_channels_swap_the_speakers(stereo_call: Path) -> None:
    swapped = make_transcriber(AsrSettings(beam_size=1, swap_channels=True))

    transcript = transcribe_file(stereo_call, transcriber=swapped)

    assert [t.speaker for t in transcript.turns] == ["debtor", "agent", "debtor"]


@pytest.mark.ml
def test_a_silent_debtor_channel_gives_only_agent_turns(
    transcriber: Transcriber, tmp_path: Path
) -> None:
    agent = espeak(CALL[0][1], AGENT_VOICE)
    path = write_wav(tmp_path / "one_side.wav", [agent, np.zeros_like(agent)])

    transcript = transcribe_file(path, channels="stereo", transcriber=transcriber)

    assert transcript.turns
    assert {t.speaker for t in transcript.turns} == {"agent"}


@pytest.mark.ml
def test_silence_gives_a_transcript_without_turns(transcriber: Transcriber, tmp_path: Path) -> None:
    path = write_wav(tmp_path / "silence.wav", [np.zeros(3 * SAMPLE_RATE, np.float32)])

    transcript = transcribe_file(path, transcriber=transcriber)

    assert transcript.turns == ()
    assert transcript.duration == 3.0


@pytest.mark.ml
def test_mono_two_speaker_call_is_attributed_by_what_is_said(
    transcriber: Transcriber, test_audio: SessionAudio
) -> None:
    script = read_script(PRACTICE_CALL)

    transcript = transcribe_file(test_audio.call_mono, channels="mono2", transcriber=transcriber)

    assert word_error_rate(" ".join(text for _, text in script), full_text(transcript)) <= 0.25
    assert speaker_accuracy(script, transcript) >= 0.85
    assert transcript.turns[0].speaker == "agent"
    last = transcript.turns[-1]
    assert last.speaker == "debtor"
    assert "every other friday" in last.text.lower()
    assert all(0 <= (t.speaker_confidence or 0) <= 1 for t in transcript.turns)


@pytest.mark.ml
def test_an_unusable_file_raises_audio_error(transcriber: Transcriber, tmp_path: Path) -> None:
    (tmp_path / "call.wav").write_text("not audio")

    with pytest.raises(AudioError):
        transcribe_file(tmp_path / "call.wav", transcriber=transcriber)


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"backend": "whisper.cpp"}, "COACH_ASR_BACKEND"),
        ({"model": "/nonexistent/model"}, "COACH_ASR_MODEL"),
        ({"device": "tpu"}, "COACH_ASR_DEVICE"),
        ({"backend": "openai-whisper", "vad": True}, "COACH_ASR_VAD"),
        ({"cpu_threads": 0}, "COACH_ASR_CPU_THREADS"),
    ],
)
def test_bad_settings_name_the_config_key(settings: dict[str, object], key: str) -> None:
    with pytest.raises(ValueError, match=key):
        AsrSettings(**settings)  # type: ignore[arg-type]


def test_importing_the_port_loads_no_ml_library() -> None:
    code = (
        "import sys, coach.speech.transcriber; "
        "print(sorted({'faster_whisper', 'whisper', 'torch', 'ctranslate2'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"


def test_beam_size_defaults_to_each_backends_best_trade_off() -> None:
    assert AsrSettings().effective_beam_size() == 1
    assert AsrSettings(backend="openai-whisper").effective_beam_size() == 1
    assert AsrSettings(beam_size=2).effective_beam_size() == 2
