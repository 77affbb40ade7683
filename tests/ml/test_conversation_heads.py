"""The listening, empathy and outcome heads on the real encoder, trained on the real corpora
(content/listening, content/outcomes) and judged on calls written here, not in the corpora."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.catalog import load_catalog
from coach.catalog.kinds import LISTENING_PAIRS, OUTCOME_CALLS
from coach.engines import moment_heads, outcome_head
from coach.nlp.encoder import SentenceEncoder
from coach.nlp.heads import FIELD_SEPARATOR, join_fields, split_fields
from coach.scoring.listening import assess_listening
from coach.scoring.moments import MOMENT_THRESHOLD, MomentHeads
from coach.scoring.negotiation import assess_negotiation
from coach.scoring.outcome_model import OutcomeHead, with_learned_outcome
from coach.transcript import Transcript, Turn

pytestmark = pytest.mark.ml

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("heads")


@pytest.fixture(scope="module")
def moments(encoder: SentenceEncoder, cache: Path) -> MomentHeads:
    heads = moment_heads(load_catalog(CONTENT).get(LISTENING_PAIRS), encoder, cache)
    assert heads is not None
    return heads


@pytest.fixture(scope="module")
def outcome(encoder: SentenceEncoder, cache: Path) -> OutcomeHead:
    head = outcome_head(load_catalog(CONTENT).get(OUTCOME_CALLS), encoder, cache)
    assert head is not None
    return head


def call(*lines: str) -> Transcript:
    """Alternating turns, the agent first."""
    speakers = ("agent", "debtor")
    return Transcript(
        turns=tuple(Turn(speaker=speakers[i % 2], text=t) for i, t in enumerate(lines))
    )


def test_fields_are_joined_and_split_back():
    texts = [join_fields("a", "b"), join_fields("c", "")]
    assert split_fields(texts, 2) == [["a", "c"], ["b", ""]]
    with pytest.raises(ValueError, match="3 fields"):
        split_fields(texts, 3)
    with pytest.raises(ValueError, match="separator"):
        join_fields(f"a{FIELD_SEPARATOR}b", "c")


@pytest.mark.parametrize(
    ("debtor", "agent", "listening", "empathy"),
    [
        (
            "My husband walked out in June and I've been paying the rent on my own since.",
            "That sounds like a really hard few months. Since June it's just been you covering "
            "the rent - how are you managing with everything else?",
            True,
            True,
        ),
        (
            "I've been off sick with my back since the start of October.",
            "I'm sorry to hear that, but the account is still overdue, so I need a payment "
            "from you today.",
            False,
            False,
        ),
        (
            "The shop cut my hours to sixteen a week, so I get about half what I used to.",
            "So you're on sixteen hours now, roughly half your old pay. What are your rent "
            "and bills each month?",
            True,
            False,
        ),
    ],
)
def test_a_reply_is_judged_beside_what_it_answers(
    moments: MomentHeads, debtor: str, agent: str, listening: bool, empathy: bool
):
    [moment] = moments.judge([(debtor, agent)])
    assert (moment.active_listening >= MOMENT_THRESHOLD) is listening
    assert (moment.empathy >= MOMENT_THRESHOLD) is empathy


def test_listening_flags_and_empathy_credits_come_from_the_heads(
    moments: MomentHeads, encoder: SentenceEncoder
):
    transcript = call(
        "Hello, is that Mr Price? It's Dana from Northway Collections.",
        "Yeah. Look, my mum passed away last week and I haven't even opened the post.",
        "Oh, I'm so sorry about your mum. Please don't worry about this account right now; "
        "I'll put a hold on it for thirty days so you have some space.",
    )
    with_heads = assess_listening(transcript, encoder, moments)
    assert [e.turn for e in with_heads.empathy] == [2]
    assert with_heads.turn_flags[2].empathy and not with_heads.turn_flags[1].empathy
    # The same call judged by the cue phrases alone: the fallback when no heads are loaded.
    assert [e.turn for e in assess_listening(transcript, encoder).empathy] == [2]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            (
                "Hi, it's Sam from Ridge Recovery about your phone bill of 320 dollars.",
                "Yeah, I know about it.",
                "Could you promise me fifty on Friday to get it moving?",
                "No. Honestly I can't pay anything right now, I've got nothing coming in.",
                "Okay, I've noted that.",
                "Fine. Bye.",
            ),
            "refusal",
        ),
        (
            (
                "Hello, it's Priya from Apex Recoveries about the Zenith card arrears.",
                "Yes, I've been meaning to sort it.",
                "Could you clear the 240 pounds by a date that suits you?",
                "I get paid on the twenty-eighth, I'll pay the full 240 then by bank transfer.",
                "Great, so 240 on the 28th by transfer. I'll send a confirmation.",
                "Thanks, bye.",
            ),
            "promise_to_pay",
        ),
        (
            (
                "Good afternoon, this is Mark from Crest Collections about an unpaid balance.",
                "That's not mine. I never had an account with Crest or whoever sold it to you.",
                "I understand. I'll log that you dispute it and we'll send proof of the debt.",
                "Good. Until then I'm not paying a penny.",
                "Collection is on hold until you hear from us in writing.",
                "Right.",
            ),
            "dispute",
        ),
        (
            (
                "Hi, is this Ms Okafor? It's Lee from Harbor Financial.",
                "Yes but I'm at work, I can't talk now.",
                "No problem - when would be a better time?",
                "Call me tomorrow at six in the evening.",
                "Tomorrow at 6 pm it is. Thanks.",
                "Okay bye.",
            ),
            "callback",
        ),
    ],
)
def test_the_outcome_is_read_from_both_sides(outcome: OutcomeHead, lines: tuple, expected: str):
    transcript = call(*lines)
    row = outcome.probabilities(transcript)
    assert outcome.head.classes[int(row.argmax())] == expected
    assert (
        with_learned_outcome(assess_negotiation(transcript), transcript, outcome).outcome
        == expected
    )


def test_heads_are_read_back_from_the_cache(
    encoder: SentenceEncoder, cache: Path, moments: MomentHeads, outcome: OutcomeHead
):
    catalog = load_catalog(CONTENT)
    again = moment_heads(catalog.get(LISTENING_PAIRS), encoder, cache)
    assert again is not None and again.versions == moments.versions
    head = outcome_head(catalog.get(OUTCOME_CALLS), encoder, cache)
    assert head is not None and head.version == outcome.version
    assert sorted(p.name.split("-")[0] for p in cache.glob("*.pkl")) == [
        "moment",
        "moment",
        "outcome",
    ]
