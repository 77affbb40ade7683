"""Tone of agent turns and the debtor trajectory, on the real encoder and the real corpus."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from coach.corpus import LabelledText
from coach.engines import debtor_affect, tone_classifier
from coach.nlp.encoder import SentenceEncoder
from coach.nlp.heads import load_or_train_head
from coach.scoring.tone import (
    TONE_CLASSES,
    DebtorAffect,
    ToneClassifier,
    debtor_trajectory,
)
from coach.transcript import Turn
from tests.content import repo_catalog

pytestmark = pytest.mark.ml

TONE_DIR = Path(__file__).resolve().parents[2] / "content" / "tone"


class CountingEncoder:
    """The real encoder, counting how many texts it is asked to embed (to see training)."""

    def __init__(self, inner: SentenceEncoder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts_encoded += len(texts)
        return self.inner.encode(texts)


@pytest.fixture(scope="module")
def tone(encoder: SentenceEncoder, model_cache: Path) -> ToneClassifier:
    return tone_classifier(repo_catalog(), encoder, model_cache)


@pytest.fixture(scope="module")
def affect(encoder: SentenceEncoder, model_cache: Path) -> DebtorAffect:
    return debtor_affect(repo_catalog(), encoder, model_cache)


def label(tone: ToneClassifier, text: str) -> str:
    return tone.classify([text])[0].label


# --- the corpus ---------------------------------------------------------------------------


def test_corpus_is_large_balanced_and_covers_three_locales() -> None:
    rows = [
        json.loads(line)
        for path in TONE_DIR.glob("*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert len(rows) >= 1200
    per_class = Counter(r["label"] for r in rows)
    assert set(per_class) == set(TONE_CLASSES)
    assert min(per_class.values()) >= 120
    assert {r["locale"] for r in rows} == {"US", "UK", "IN"}
    assert len({r["text"].lower() for r in rows}) == len(rows)


# --- agent tone ---------------------------------------------------------------------------


def test_calm_payment_plan_offer_is_not_pushy(tone: ToneClassifier) -> None:
    text = "I can set you up on fifty dollars a month starting on the first. Would that work?"
    assert label(tone, text) in {"professional", "empathetic"}


def test_veiled_threat_is_threatening(tone: ToneClassifier) -> None:
    assert label(tone, "it would be a pity if your employer heard about this wouldn't it") == (
        "threatening"
    )


def test_explicit_threat_of_arrest_is_threatening(tone: ToneClassifier) -> None:
    assert label(tone, "Pay today or the police will come and arrest you.") == "threatening"


def test_empathy_followed_by_a_demand_is_pushy(tone: ToneClassifier) -> None:
    text = "I'm sorry about your job, but I need the full amount today. Which card are you using?"
    assert label(tone, text) == "pushy"


def test_acknowledging_hardship_and_offering_time_is_empathetic(tone: ToneClassifier) -> None:
    text = "I'm so sorry you lost your job. Take your time, we can find something that works."
    assert label(tone, text) == "empathetic"


def test_firm_but_fair_deadline_is_professional(tone: ToneClassifier) -> None:
    text = "sir kindly pay the EMI by the fifth so that late charges are not added"
    assert label(tone, text) == "professional"


def test_talking_down_to_the_debtor_is_condescending(tone: ToneClassifier) -> None:
    assert label(tone, "let me explain this really slowly so even you can follow") == (
        "condescending"
    )


def test_insult_is_hostile(tone: ToneClassifier) -> None:
    assert label(tone, "stop lying to me you people never pay anything") == "hostile"


def test_procedural_question_is_neutral(tone: ToneClassifier) -> None:
    assert label(tone, "can you spell your last name for me") == "neutral"


def test_profanity_in_a_polite_sentence_is_hostile_and_says_why(tone: ToneClassifier) -> None:
    result = tone.classify(["Could you confirm the damn address on the account please?"])[0]
    assert result.label == "hostile"
    assert result.cues == ("profanity",)


def test_profanity_does_not_downgrade_a_threat(tone: ToneClassifier) -> None:
    result = tone.classify(["pay the damn bill or we will have you arrested"])[0]
    assert result.label == "threatening"


@pytest.mark.parametrize(
    "text",
    [
        "There's no warrant and no police involvement; this is only about agreeing a payment.",
        "don't worry nobody is going to arrest you over a credit card",
        "We won't be contacting your employer or your family about this account.",
    ],
)
def test_reassurance_that_denies_a_threat_is_not_threatening(
    tone: ToneClassifier, text: str
) -> None:
    assert label(tone, text) in {"professional", "empathetic"}


@pytest.mark.parametrize(
    "text",
    [
        "The balance on the debt is six hundred and twenty dollars.",
        "the debt was passed to us by the bank in january",
    ],
)
def test_bare_fact_about_the_debt_is_neutral_not_professional(
    tone: ToneClassifier, text: str
) -> None:
    assert label(tone, text) == "neutral"


def test_deadline_demand_is_pushy_not_threatening(tone: ToneClassifier) -> None:
    text = "You need to pay the full three hundred by Friday, no extensions."
    assert label(tone, text) == "pushy"


def test_brushing_aside_debt_advice_is_pushy(tone: ToneClassifier) -> None:
    text = "You don't need to ring a debt charity, just give me the card number now."
    assert label(tone, text) == "pushy"


def test_posing_as_a_police_officer_is_threatening(tone: ToneClassifier) -> None:
    text = "This is Officer Grant from the county sheriff's department about your unpaid bill."
    assert label(tone, text) == "threatening"


def test_calling_the_debtor_a_thief_is_hostile(tone: ToneClassifier) -> None:
    text = "You took the money knowing you'd never pay it back, you thief."
    assert label(tone, text) == "hostile"


def test_denied_arrest_threat_is_not_threatening(tone: ToneClassifier) -> None:
    text = "sir there is no FIR and no police case, we only want to fix a date for the payment"
    assert label(tone, text) in {"professional", "empathetic"}


def test_denied_seizure_reads_as_reassurance_and_says_why(tone: ToneClassifier) -> None:
    # The embedding alone reads this as a threat; every harm it names is denied.
    [result] = tone.classify(["we are not going to seize your property or take your car over this"])
    assert result.label in {"professional", "empathetic"}
    assert "denied threat" in result.cues


def test_wont_hesitate_is_no_denial(tone: ToneClassifier) -> None:
    [result] = tone.classify(["We won't hesitate to take you to court if this isn't paid."])
    assert result.label == "threatening"
    assert result.cues == ()


def test_comforting_denial_of_arrest_is_empathetic(tone: ToneClassifier) -> None:
    text = "nobody's going to arrest you madam please don't worry we'll sort out a small amount"
    assert label(tone, text) == "empathetic"


def test_lawful_credit_reporting_stated_factually_is_professional(tone: ToneClassifier) -> None:
    text = (
        "If it stays unpaid after the notice period, the account will be reported to the credit"
        " reference agencies. I'll put that in writing for you."
    )
    assert label(tone, text) == "professional"


def test_deadline_stated_once_with_options_is_professional(tone: ToneClassifier) -> None:
    text = (
        "The discounted amount is available until the thirtieth, or we can set up monthly"
        " payments instead. I'll email you both options."
    )
    assert label(tone, text) == "professional"


def test_artificial_urgency_is_pushy(tone: ToneClassifier) -> None:
    text = "This discount disappears the second we hang up, so let's just do it now."
    assert label(tone, text) == "pushy"


def test_pressing_a_relative_to_pay_is_pushy(tone: ToneClassifier) -> None:
    text = "Your son's there, isn't he? Put him on, he can pay it for you today."
    assert label(tone, text) == "pushy"


def test_acknowledgement_then_demand_is_pushy(tone: ToneClassifier) -> None:
    text = "I know things are hard right now, but I still need a payment before we end this call."
    assert label(tone, text) == "pushy"


def test_sarcasm_about_competence_is_condescending(tone: ToneClassifier) -> None:
    assert label(tone, "Wow, you managed to find the phone. Well done you.") == "condescending"


def test_mocking_hardship_is_hostile(tone: ToneClassifier) -> None:
    assert label(tone, "Oh boo hoo, you lost your job, nobody cares.") == "hostile"


def test_scores_cover_all_seven_classes_and_sum_to_one(tone: ToneClassifier) -> None:
    for result in tone.classify(["okay", "you're a bloody liar"]):
        assert tuple(result.tone_scores) == TONE_CLASSES
        assert sum(result.tone_scores.values()) == pytest.approx(1.0)
        assert result.tone_scores[result.label] == max(result.tone_scores.values())


def test_empty_batch_gives_no_results(tone: ToneClassifier) -> None:
    assert tone.classify([]) == []


# --- debtor trajectory --------------------------------------------------------------------


def call(*turns: tuple[str, str]) -> list[Turn]:
    return [Turn(speaker=speaker, text=text) for speaker, text in turns]  # type: ignore[arg-type]


ANGRY_TO_CALM = call(
    ("agent", "Hello, this is Sam from Meridian Recovery."),
    ("debtor", "Stop calling me, this is harassment!"),
    ("agent", "I understand, I'm sorry for the calls."),
    ("debtor", "I told you I don't have the money, leave me alone."),
    ("agent", "Could a smaller monthly amount help?"),
    ("debtor", "Maybe, what would that look like?"),
    ("agent", "Fifty a month from the fifteenth."),
    ("debtor", "Okay, that sounds fair."),
    ("agent", "Great, I'll send it in writing."),
    ("debtor", "Thanks for your help, have a good day."),
)


def test_debtor_who_calms_down_is_calmed(affect: DebtorAffect) -> None:
    result = debtor_trajectory(ANGRY_TO_CALM, affect)
    assert result.label == "calmed"
    assert result.first_third is not None and result.last_third is not None
    assert result.first_third > result.last_third
    assert result.evidence_turns == (1, 9)


def test_debtor_who_gets_angrier_is_escalated(affect: DebtorAffect) -> None:
    turns = call(
        ("debtor", "Okay, I can talk for a minute."),
        ("agent", "You owe four hundred."),
        ("debtor", "I think I paid part of that already."),
        ("agent", "I need it today."),
        ("debtor", "I'm not paying a penny, stop ringing me, I'm going to the ombudsman!"),
    )
    result = debtor_trajectory(turns, affect)
    assert result.label == "escalated"
    assert result.evidence_turns == (0, 4)


def test_calm_call_is_steady(affect: DebtorAffect) -> None:
    turns = call(
        ("debtor", "yes this is she"),
        ("debtor", "okay I can do fifty on friday"),
        ("debtor", "thank you, please send it by email"),
    )
    result = debtor_trajectory(turns, affect)
    assert result.label == "steady"
    assert result.evidence_turns == ()


def test_a_single_debtor_turn_gives_no_trajectory(affect: DebtorAffect) -> None:
    result = debtor_trajectory(call(("agent", "hello"), ("debtor", "hi")), affect)
    assert (result.label, result.first_third, result.last_third) == ("steady", None, None)


# --- the generic head cache ---------------------------------------------------------------


def examples(rows: list[tuple[str, str]]) -> list[LabelledText]:
    return [LabelledText(text, label) for text, label in rows]


SMALL = [
    ("thank you so much", "polite"),
    ("I really appreciate it", "polite"),
    ("get lost", "rude"),
    ("shut up", "rude"),
]


def test_head_cache_reused_when_data_unchanged(encoder: SentenceEncoder, tmp_path: Path) -> None:
    data = examples(SMALL)
    counting = CountingEncoder(encoder)
    first = load_or_train_head("small", data, counting, tmp_path / "heads")
    trained_with = counting.texts_encoded
    again = load_or_train_head("small", data, counting, tmp_path / "heads")
    assert trained_with == len(SMALL)
    assert counting.texts_encoded == trained_with  # nothing embedded: loaded from disk
    assert again.version == first.version
    np.testing.assert_allclose(again.predict_proba(["cheers"]), first.predict_proba(["cheers"]))


def test_head_retrained_when_data_changes(encoder: SentenceEncoder, tmp_path: Path) -> None:
    first = load_or_train_head("small", examples(SMALL), encoder, tmp_path / "heads")
    changed = examples([*SMALL, ("you idiot", "rude")])
    counting = CountingEncoder(encoder)
    second = load_or_train_head("small", changed, counting, tmp_path / "heads")
    assert second.version != first.version
    assert counting.texts_encoded == len(SMALL) + 1
    assert len(list((tmp_path / "heads").glob("small-*.pkl"))) == 2


def test_tampered_head_file_is_not_trusted(encoder: SentenceEncoder, tmp_path: Path) -> None:
    data = examples(SMALL)
    load_or_train_head("small", data, encoder, tmp_path / "heads")
    (cached,) = (tmp_path / "heads").glob("small-*.pkl")
    cached.write_bytes(cached.read_bytes() + b"junk")
    counting = CountingEncoder(encoder)
    load_or_train_head("small", data, counting, tmp_path / "heads")
    assert counting.texts_encoded == len(SMALL)


def test_head_version_ignores_line_order(encoder: SentenceEncoder, tmp_path: Path) -> None:
    head_a = load_or_train_head("a", examples(SMALL), encoder, tmp_path / "heads")
    head_b = load_or_train_head("b", examples(SMALL[::-1]), encoder, tmp_path / "heads")
    assert head_a.version == head_b.version


def test_lexical_head_has_its_own_version_and_needs_texts(
    encoder: SentenceEncoder, tmp_path: Path
) -> None:
    # The lexical block keeps words seen in two texts or more, so the words repeat here.
    rows = [("thank you", "polite"), ("thank you so much", "polite")]
    rows += [("shut up", "rude"), ("shut up now", "rude")]
    data = examples(rows)
    plain = load_or_train_head("small", data, encoder, tmp_path / "heads")
    lexical = load_or_train_head("small", data, encoder, tmp_path / "heads", lexical_weight=1.0)
    assert lexical.version != plain.version
    embedded = encoder.encode(["thank you"])
    assert lexical.predict_proba_embeddings(embedded, ["thank you"]).shape == (1, 2)
    with pytest.raises(ValueError, match="needs the texts"):
        lexical.predict_proba_embeddings(embedded)


def test_unexpected_labels_are_refused(encoder: SentenceEncoder, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="differ from the expected"):
        load_or_train_head(
            "small", examples(SMALL), encoder, tmp_path / "heads", classes=TONE_CLASSES
        )
