"""A quick "Yes." on a one-channel call, heard by the real Whisper and scored for real.

``tests/data/calls/quick_yes.ogg`` (made by ``make_quick_yes.py`` beside it, from
``quick_yes.script``) is a two-voice call mixed into one channel: the agent asks for James
Porter by name and the debtor answers "Yes." after a quarter of a second, then the agent
goes straight on to the mini-Miranda and the account. Whisper runs that answer into the
agent's words (mono) or stamps it as starting before the question ends (stereo); before the
fix the mono transcript lost the debtor's turn, the stereo one put it after the
mini-Miranda, and both scorecards raised a false critical "debt revealed before identity was
verified" finding (total 40 from both files; 73 after the fix, 75 from the text).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.engines import load_scoring_models
from coach.nlp.encoder import SentenceEncoder
from coach.scoring.pipeline import ScoringModels, score_transcript
from coach.scoring.result import Scorecard
from coach.speech.transcriber import AsrSettings, Transcriber, make_transcriber, transcribe_file
from coach.transcript import Transcript
from tests.content import repo_catalog
from tests.speech_synthesis import CALLS_DIR
from tests.wer import normalise_words, read_script

pytestmark = pytest.mark.ml

MONO = CALLS_DIR / "quick_yes.ogg"
STEREO = CALLS_DIR / "quick_yes_stereo.ogg"
SCRIPT = CALLS_DIR / "quick_yes.script"
IDENTITY_FIRST = "US-FDCPA-1692cb-RPV-BEFORE-DISCLOSURE"


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return make_transcriber(AsrSettings(backend="faster-whisper", beam_size=1))


@pytest.fixture(scope="module")
def models(model_cache: Path, encoder: SentenceEncoder) -> ScoringModels:
    return load_scoring_models(repo_catalog(), model_cache, encoder)


@pytest.fixture(scope="module")
def mono(transcriber: Transcriber) -> Transcript:
    return transcribe_file(MONO, channels="mono2", transcriber=transcriber)


@pytest.fixture(scope="module")
def stereo(transcriber: Transcriber) -> Transcript:
    return transcribe_file(STEREO, channels="stereo", transcriber=transcriber)


def score(transcript: Transcript | dict, models: ScoringModels) -> Scorecard:
    return score_transcript(transcript, "US", {}, models)


def verdicts(result: Scorecard) -> set[tuple[str, str]]:
    return {(f.rule_id, f.status) for f in result.findings if f.status in ("violation", "missing")}


def test_the_quick_yes_is_a_debtor_turn_of_its_own(mono: Transcript) -> None:
    asking = next(i for i, t in enumerate(mono.turns) if "porter" in normalise_words(t.text))
    answer, after = mono.turns[asking + 1], mono.turns[asking + 2]

    assert mono.turns[asking].speaker == "agent"
    assert answer.speaker == "debtor"
    assert normalise_words(answer.text)[:1] == ["yes"]
    assert len(normalise_words(answer.text)) <= 3
    assert after.speaker == "agent"
    assert "attempt" in normalise_words(after.text)


def test_the_mono_scorecard_has_no_false_identity_finding(
    mono: Transcript, models: ScoringModels
) -> None:
    gold = {"turns": [{"speaker": s, "text": t} for s, t in read_script(SCRIPT)]}

    assert IDENTITY_FIRST not in {f.rule_id for f in score(gold, models).findings}
    assert IDENTITY_FIRST not in {f.rule_id for f in score(mono, models).findings}


def test_mono_and_stereo_reach_the_same_verdicts(
    mono: Transcript, stereo: Transcript, models: ScoringModels
) -> None:
    from_mono, from_stereo = score(mono, models), score(stereo, models)

    assert verdicts(from_mono) == verdicts(from_stereo)
    assert IDENTITY_FIRST not in {f.rule_id for f in from_stereo.findings}
    assert [t.speaker for t in stereo.turns][:3] == ["agent", "debtor", "agent"]
