"""The role-play intent heads on the real encoder, trained on the real corpus
(content/intents) and judged on replies written here, not in the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.catalog import load_catalog
from coach.catalog.kinds import INTENT_LINES
from coach.corpus import IntentLine, IntentLines
from coach.engines import intent_heads
from coach.nlp.encoder import SentenceEncoder
from coach.nlp.heads import split_fields
from coach.scenarios.intent_model import IntentHeads, intent_examples, related

pytestmark = pytest.mark.ml

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def heads(encoder: SentenceEncoder, model_cache: Path) -> IntentHeads:
    trained = intent_heads(load_catalog(CONTENT).get(INTENT_LINES), encoder, model_cache)
    assert trained is not None
    return trained


@pytest.mark.parametrize(
    ("debtor", "reply", "expected", "not_expected"),
    [
        (
            "",
            "Hi there, it's Marcus from Oakline Recoveries, am I speaking to Jenna Price?",
            {"greet", "identify_self", "verify_identity"},
            {"threaten", "insult"},
        ),
        (
            "My mum passed away last month and I've not been coping.",
            "Oh, I'm so sorry about your mum. Please don't worry about the account today.",
            {"empathise"},
            {"request_payment", "pressure"},
        ),
        (
            "I honestly can't afford the full amount right now.",
            "If you don't pay by Friday we'll send someone round and take your car.",
            {"threaten"},
            {"empathise", "offer_options"},
        ),
        (
            "This isn't my debt, I never had a card with them.",
            "Okay, I've noted that you dispute it. We'll pause collection and send you the "
            "details so you can check them.",
            {"handle_dispute"},
            {"threaten", "greet"},
        ),
    ],
)
def test_replies_written_here_carry_their_intents(
    heads: IntentHeads, debtor: str, reply: str, expected: set[str], not_expected: set[str]
) -> None:
    heard = set(heads.heard(debtor, reply))
    assert expected <= heard, f"missed {expected - heard}"
    assert not heard & not_expected, f"heard {heard & not_expected}"


def test_judging_is_deterministic_and_covers_every_intent(heads: IntentHeads) -> None:
    pairs = [("", "Good morning, this is Priya from Crestline."), ("I lost my job.", "Right.")]
    first, again = heads.judge(pairs), heads.judge(pairs)
    assert first == again
    assert set(first[0]) == set(heads.heads) and len(heads.heads) == 23


def test_an_intent_often_said_with_another_does_not_learn_it_as_a_no() -> None:
    lines = IntentLines(
        "w",
        (
            IntentLine("greet", "positive", "direct", "Hello, good morning."),
            IntentLine("greet", "negative", "near_miss", "Goodbye then."),
            IntentLine("identify_self", "positive", "direct", "Hi, I'm Sam from Acme."),
            IntentLine("threaten", "positive", "direct", "We'll take your car."),
        ),
    )
    assert "identify_self" in related("greet")
    labels = {reply_of(e.text): e.label for e in intent_examples([lines], "greet")}
    assert labels == {
        "Hello, good morning.": "yes",
        "Goodbye then.": "no",
        "We'll take your car.": "no",
    }
    every = intent_examples([lines], "greet", skip_related=False)
    assert {reply_of(e.text): e.label for e in every}["Hi, I'm Sam from Acme."] == "no"


def reply_of(text: str) -> str:
    """The reply field of a head's two-field text (the debtor turn comes first)."""
    [[_debtor], [reply]] = split_fields([text], 2)
    return reply
