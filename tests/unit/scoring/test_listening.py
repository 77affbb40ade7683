"""Active listening and conversation metrics, on small hand-made transcripts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from coach.scoring.listening import assess_listening
from coach.scoring.paraphrase import LEXICAL, SEMANTIC
from coach.scoring.turn_timing import NOT_TIMED
from coach.transcript import Transcript, Turn


class TableEncoder:
    """A fake :class:`TextEncoder`: texts in the same group get the same unit vector."""

    model_id = "fake-table"

    def __init__(self, groups: Mapping[str, int]) -> None:
        self._groups = groups

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), 16), dtype=np.float32)
        for i, text in enumerate(texts):
            rows[i, self._groups.get(text, 15 - i % 8)] = 1.0
        return rows


def call(*turns: tuple[str, str]) -> Transcript:
    return Transcript(turns=tuple(Turn(speaker=s, text=t) for s, t in turns))  # type: ignore[arg-type]


def timed(*turns: tuple[str, float, float, str]) -> Transcript:
    return Transcript(
        turns=tuple(
            Turn(speaker=s, start=a, end=b, text=t)  # type: ignore[arg-type]
            for s, a, b, t in turns
        )
    )


def test_interruption_detected_from_overlapping_stereo_turns() -> None:
    result = assess_listening(
        timed(
            ("debtor", 0.0, 6.0, "I lost my job in March and since then I have been trying to"),
            ("agent", 4.5, 8.0, "Okay but I need a payment date from you today"),
            ("debtor", 8.5, 10.0, "I can't give you one"),
        )
    )
    assert result.agent_interruptions.value == 1
    assert result.debtor_interruptions.value == 0
    (event,) = result.interruptions
    assert (event.turn, event.interrupted, event.speaker) == (1, 0, "agent")
    assert event.overlap_s == 1.5
    assert result.overtalk_s.value == 1.5


def test_backchannel_overlap_is_overtalk_not_an_interruption() -> None:
    result = assess_listening(
        timed(
            ("agent", 0.0, 6.0, "We can spread the balance over twelve monthly payments"),
            ("debtor", 2.0, 2.6, "mm-hm"),
            ("debtor", 6.5, 8.0, "That would help a lot"),
        )
    )
    assert result.interruptions == ()
    assert result.overtalk_s.value == 0.6


def test_timing_metrics_are_not_assessable_without_times() -> None:
    result = assess_listening(call(("agent", "Hello, is this Dana?"), ("debtor", "Yes.")))
    for measure in (
        result.talk_to_listen_ratio,
        result.longest_monologue_s,
        result.agent_interruptions,
        result.overtalk_s,
        result.median_response_latency_s,
    ):
        assert not measure.assessable
        assert measure.note == NOT_TIMED
    assert result.longest_monologue_words == 4


def test_talk_to_listen_ratio_monologue_and_latency_from_times() -> None:
    result = assess_listening(
        timed(
            ("agent", 0.0, 4.0, "Hello this is Sam from Bluewater"),
            ("agent", 4.2, 10.0, "I am calling about your card balance today"),
            ("debtor", 10.5, 13.5, "Right I know about that"),
            ("agent", 14.5, 16.0, "Thanks for telling me"),
        )
    )
    assert result.talk_to_listen_ratio.value == round((4.0 + 5.8 + 1.5) / 3.0, 2)
    assert result.longest_monologue_s.value == 10.0
    assert result.longest_monologue_words == 14
    assert result.median_response_latency_s.value == 1.0


def test_verbatim_echo_is_not_a_paraphrase() -> None:
    debtor = "I lost my job last month and I cannot pay"
    encoder = TableEncoder({debtor: 0})
    result = assess_listening(call(("debtor", debtor), ("agent", debtor + ".")), encoder)
    assert result.paraphrases == ()


def test_semantic_paraphrase_with_different_words_is_credited() -> None:
    debtor = "I lost my job last month and I cannot pay"
    agent = "So since you were made redundant recently, money has run out?"
    encoder = TableEncoder({debtor: 0, agent: 0})
    result = assess_listening(call(("debtor", debtor), ("agent", agent)), encoder)
    assert [(e.turn, e.quote) for e in result.paraphrases] == [(1, agent)]
    assert result.paraphrase_method == SEMANTIC
    assert result.turn_flags[1].active_listening


def test_dissimilar_reply_is_not_a_paraphrase() -> None:
    debtor = "I lost my job last month and I cannot pay"
    agent = "Can you confirm your date of birth for me?"
    result = assess_listening(
        call(("debtor", debtor), ("agent", agent)), TableEncoder({debtor: 0, agent: 1})
    )
    assert result.paraphrases == ()


def test_without_encoder_only_reflection_cues_count_and_the_result_says_so() -> None:
    result = assess_listening(
        call(
            ("debtor", "My hours got cut at the warehouse"),
            ("agent", "So the warehouse reduced your shifts?"),
            ("debtor", "Yes and now rent is a struggle"),
            ("agent", "So what you're saying is rent comes first right now."),
        )
    )
    assert result.paraphrase_method == LEXICAL
    assert [e.turn for e in result.paraphrases] == [3]


def test_empathy_followed_by_immediate_demand_is_not_credited() -> None:
    result = assess_listening(
        call(
            ("debtor", "My mum passed away last week."),
            ("agent", "I'm sorry to hear that, but can you make a payment today?"),
        )
    )
    assert result.empathy == ()
    assert not result.turn_flags[1].empathy


def test_empathy_then_demand_in_the_next_agent_turn_is_not_credited() -> None:
    result = assess_listening(
        call(
            ("debtor", "I've been in hospital."),
            ("agent", "That must be really hard."),
            ("agent", "When can you pay the arrears?"),
        )
    )
    assert result.empathy == ()


def test_empathy_without_a_demand_is_credited_with_evidence() -> None:
    result = assess_listening(
        call(
            ("debtor", "My wife passed away three weeks ago."),
            ("agent", "I'm so sorry for your loss. Please don't worry about the payment now."),
        )
    )
    assert [(e.turn, e.quote) for e in result.empathy] == [(1, "I'm so sorry for your loss.")]
    assert result.turn_flags[1].empathy and result.turn_flags[1].active_listening
    assert not result.turn_flags[0].empathy


def test_acknowledgement_followed_by_a_demand_is_not_credited() -> None:
    result = assess_listening(
        call(
            ("debtor", "Stop calling me."),
            ("agent", "I hear you, but can you do something today?"),
            ("debtor", "Money is tight."),
            ("agent", "That makes sense. What are your main bills each month?"),
        )
    )
    assert [e.turn for e in result.acknowledgements] == [3]


def test_open_and_closed_questions_are_counted() -> None:
    result = assess_listening(
        call(
            ("agent", "Can you confirm your date of birth? What happened with the account?"),
            ("debtor", "Sure."),
            ("agent", "how are things with work at the moment"),
            ("debtor", "Not great."),
            ("agent", "Would Friday work?"),
        )
    )
    assert (result.agent_questions, result.open_questions, result.closed_questions) == (4, 2, 2)
    assert [(e.turn, e.quote) for e in result.open_question_evidence] == [
        (0, "What happened with the account?"),
        (2, "how are things with work at the moment"),
    ]
    assert result.question_rate == round(4 / 3, 2)


def test_filler_words_counted_but_like_as_a_verb_is_not() -> None:
    result = assess_listening(
        call(
            ("agent", "Um, so, basically we can, like, set up a plan, you know."),
            ("agent", "Would you like to pay by card? I'd like to help."),
        )
    )
    assert sorted(e.quote for e in result.filler_words) == ["basically", "like", "um", "you know"]
    assert result.filler_rate_per_100_words == round(100 * 4 / 23, 2)


def test_summary_before_close_is_found() -> None:
    result = assess_listening(
        call(
            ("agent", "Hello, this is Sam from Bluewater."),
            ("debtor", "Hi."),
            ("agent", "Can you do fifty a month?"),
            ("debtor", "Yes, on the first, by card."),
            ("agent", "So to recap: fifty dollars a month from the first, by card."),
            ("agent", "Thanks for your time, goodbye."),
        )
    )
    assert result.summary_before_close is not None
    assert result.summary_before_close.turn == 4


def test_no_summary_when_the_call_just_ends() -> None:
    result = assess_listening(
        call(("agent", "You owe $300."), ("debtor", "I know."), ("agent", "Bye."))
    )
    assert result.summary_before_close is None
