"""Turn building from hand-made recognised segments: clamping, stereo merge, mono attribution."""

from __future__ import annotations

import pytest

from coach.speech.turns import (
    Segment,
    attribute,
    clean_segments,
    mono_turns,
    single_speaker_turns,
    speaker_evidence,
    split_at_audio_pauses,
    split_at_pauses,
    stereo_turns,
    voice_evidence,
)
from coach.transcript import Word


def seg(start: float, end: float, text: str) -> Segment:
    """A segment whose words share its time span evenly, like an engine's output."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    words = tuple(
        Word(w=token, start=start + i * step, end=start + (i + 1) * step - 0.05)
        for i, token in enumerate(tokens)
    )
    return Segment(start=start, end=end, text=text, words=words)


def test_times_are_clamped_to_the_audio_length() -> None:
    raw = Segment(
        start=8.0,
        end=10.7,
        text=" see you then ",
        words=(Word(w=" see", start=8.0, end=8.5), Word(w=" then", start=9.9, end=10.9)),
    )

    (cleaned,) = clean_segments([raw], duration=10.0)

    assert (cleaned.start, cleaned.end, cleaned.text) == (8.0, 10.0, "see you then")
    assert cleaned.words[-1] == Word(w="then", start=9.9, end=10.0)


def test_empty_segments_and_speech_past_the_end_are_dropped() -> None:
    raw = [
        Segment(start=0.0, end=1.0, text="   "),
        Segment(start=0.5, end=1.0, text=" ... "),
        Segment(start=1.0, end=2.0, text="hello"),
        Segment(start=10.0, end=11.0, text="ghost words"),
    ]

    assert [s.text for s in clean_segments(raw, duration=10.0)] == ["hello"]


def test_empty_words_are_dropped_and_word_text_is_stripped() -> None:
    raw = Segment(
        start=0, end=2, text="hi", words=(Word(w=" ", start=0, end=1), seg(0, 2, "hi").words[0])
    )

    (cleaned,) = clean_segments([raw], duration=5.0)

    assert [w.w for w in cleaned.words] == ["hi"]


def test_stereo_turns_are_ordered_by_time_and_keep_their_speaker() -> None:
    turns = stereo_turns(
        {
            "agent": [seg(0.0, 3.0, "Hello, this is Dan."), seg(8.0, 10.0, "Thanks.")],
            "debtor": [seg(3.5, 7.0, "Who is this?")],
        }
    )

    assert [(t.speaker, t.text) for t in turns] == [
        ("agent", "Hello, this is Dan."),
        ("debtor", "Who is this?"),
        ("agent", "Thanks."),
    ]
    assert all(t.speaker_confidence == 1.0 for t in turns)


def test_stereo_overlap_is_preserved_so_interruptions_can_be_measured() -> None:
    turns = stereo_turns(
        {
            "agent": [seg(0.0, 6.0, "I need to tell you that this call is recorded")],
            "debtor": [seg(4.0, 5.0, "Wait, stop")],
        }
    )

    agent, debtor = turns
    assert (agent.start, agent.end) == (0.0, 6.0)
    assert (debtor.start, debtor.end) == (4.0, 5.0)
    assert debtor.start < agent.end


def test_same_speaker_segments_join_unless_the_other_side_spoke_between() -> None:
    turns = stereo_turns(
        {
            "agent": [seg(0.0, 2.0, "Good morning."), seg(2.4, 4.0, "May I speak with Sarah?")],
            "debtor": [seg(4.5, 5.0, "Yes."), seg(5.3, 5.8, "Speaking.")],
        }
    )

    assert [(t.speaker, t.text) for t in turns] == [
        ("agent", "Good morning. May I speak with Sarah?"),
        ("debtor", "Yes. Speaking."),
    ]
    assert len(turns[0].words) == 7


def test_a_quick_reply_splits_the_other_speakers_turn() -> None:
    turns = stereo_turns(
        {
            "agent": [seg(0.0, 2.0, "Is that right?"), seg(2.8, 4.0, "Thank you.")],
            "debtor": [seg(2.1, 2.6, "Yes.")],
        }
    )

    assert [t.speaker for t in turns] == ["agent", "debtor", "agent"]


def test_a_quick_reply_stamped_before_the_question_ends_still_splits_it() -> None:
    # Word times overlap by 0.3 s, yet most of the "Yes." lies in the agent's pause.
    turns = stereo_turns(
        {
            "agent": [seg(0.0, 5.92, "May I speak with James Porter?"), seg(6.74, 7.9, "Thanks.")],
            "debtor": [seg(5.62, 6.38, "Yes.")],
        }
    )

    assert [t.speaker for t in turns] == ["agent", "debtor", "agent"]


def test_a_segment_running_across_the_other_sides_question_is_cut_there() -> None:
    # Whisper heard "Yes. 9012." as one debtor segment across the agent's question.
    debtor = Segment(
        start=2.0,
        end=6.5,
        text="Yes. 9012.",
        words=(Word(w="Yes.", start=2.0, end=2.4), Word(w="9012.", start=5.8, end=6.5)),
    )
    turns = stereo_turns(
        {
            "agent": [
                seg(0.0, 1.8, "Am I speaking with Keisha?"),
                seg(2.9, 5.3, "Can you confirm your date of birth?"),
            ],
            "debtor": [debtor],
        }
    )

    assert [(t.speaker, t.text) for t in turns] == [
        ("agent", "Am I speaking with Keisha?"),
        ("debtor", "Yes."),
        ("agent", "Can you confirm your date of birth?"),
        ("debtor", "9012."),
    ]


def test_talking_on_through_an_interruption_stays_one_turn() -> None:
    agent = seg(0.0, 6.0, "I need to tell you that this call is recorded")
    turns = stereo_turns({"agent": [agent], "debtor": [seg(4.16, 4.8, "Wait")]})

    assert [t.speaker for t in turns] == ["agent", "debtor"]
    assert turns[0].text == agent.text


def test_single_speaker_recording_is_all_agent() -> None:
    turns = single_speaker_turns([seg(0, 2, "Hello there."), seg(5, 7, "Who is this?")])

    assert [t.speaker for t in turns] == ["agent", "agent"]


def test_segment_is_split_after_a_sentence_end_followed_by_a_pause() -> None:
    words = (
        Word(w="That", start=0.0, end=0.3),
        Word(w="helps.", start=0.35, end=0.8),
        Word(w="I", start=1.3, end=1.4),
        Word(w="lost", start=1.45, end=1.7),
        Word(w="work.", start=1.75, end=2.0),
    )

    pieces = split_at_pauses(
        Segment(start=0.0, end=2.0, text="That helps. I lost work.", words=words)
    )

    assert [(p.text, p.start, p.end) for p in pieces] == [
        ("That helps.", 0.0, 0.8),
        ("I lost work.", 1.3, 2.0),
    ]


def test_a_pause_inside_a_sentence_does_not_split() -> None:
    words = (Word(w="I", start=0.0, end=0.2), Word(w="think", start=1.2, end=1.5))

    assert len(split_at_pauses(Segment(start=0, end=1.5, text="I think", words=words))) == 1


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("Hi, this is Daniel calling from Northgate Recovery.", 1),
        ("This is an attempt to collect a debt.", 1),
        ("Can you make a payment of fifty dollars today?", 1),
        ("We can offer you a payment plan.", 1),
        ("Who is this?", -1),
        ("I lost my job in March.", -1),
        ("I can't afford to pay that right now.", -1),
        ("I don't owe you anything.", -1),
        ("Okay.", 0),
    ],
)
def test_speaker_evidence_points_to_who_says_such_things(text: str, side: int) -> None:
    evidence = speaker_evidence(text)

    assert (evidence > 0) - (evidence < 0) == side


def test_without_cues_speakers_alternate_and_the_agent_opens() -> None:
    labels = attribute(["Hello.", "Hi.", "Well.", "Sure."], [1.0, 1.0, 1.0])

    assert [speaker for speaker, _ in labels] == ["agent", "debtor", "agent", "debtor"]
    assert all(0.5 <= confidence < 0.8 for _, confidence in labels)


def test_a_clear_cue_overrides_alternation() -> None:
    labels = attribute(
        [
            "Good morning, this is Dan calling from Northgate.",
            "This is an attempt to collect a debt.",
        ],
        [1.0],
    )

    assert [speaker for speaker, _ in labels] == ["agent", "agent"]
    assert min(confidence for _, confidence in labels) > 0.8


def test_mono_call_is_attributed_by_content_with_confidence() -> None:
    segments = [
        seg(0.0, 4.0, "Good morning, this is Dan calling from Northgate Recovery."),
        seg(4.8, 6.0, "Who is this?"),
        seg(6.6, 11.0, "This is an attempt to collect a debt. Your balance is past due."),
        seg(11.8, 15.0, "I lost my job and I cannot pay right now."),
        seg(15.5, 19.0, "I am sorry to hear that. We can offer a payment plan."),
    ]

    turns = mono_turns(segments)

    assert [t.speaker for t in turns] == ["agent", "debtor", "agent", "debtor", "agent"]
    assert all(t.speaker_confidence is not None and t.speaker_confidence > 0.85 for t in turns)
    assert turns[2].start == 6.6


def test_mono_pieces_of_one_speaker_join_into_one_turn() -> None:
    turns = mono_turns(
        [
            seg(0.0, 3.0, "Good morning, this is Dan calling from Northgate."),
            seg(3.3, 6.0, "May I please speak with Sarah Mitchell?"),
            seg(7.0, 8.0, "Who is calling?"),
        ]
    )

    assert [t.speaker for t in turns] == ["agent", "debtor"]
    assert turns[0].text.endswith("Sarah Mitchell?")
    assert turns[0].end == 6.0


def test_no_segments_give_no_turns() -> None:
    assert mono_turns([]) == ()
    assert stereo_turns({"agent": [], "debtor": []}) == ()


# Word times as Whisper gave them on tests/data/calls/quick_yes.ogg: the debtor's "Yes," is
# stamped inside the pause that follows it; the recording shows sound at 5.90-6.24.
QUICK_YES = Segment(
    start=5.92,
    end=7.88,
    text="Yes, thank you James.",
    words=(
        Word(w="Yes,", start=6.30, end=6.30),
        Word(w="thank", start=6.74, end=6.98),
        Word(w="you", start=6.98, end=7.36),
        Word(w="James.", start=7.36, end=7.88),
    ),
)
QUICK_YES_PAUSES = [(5.64, 5.90), (6.24, 6.49), (7.92, 8.03)]


def test_a_short_answer_gets_the_sound_between_two_pauses() -> None:
    pieces = split_at_audio_pauses(QUICK_YES, QUICK_YES_PAUSES)

    assert [p.text for p in pieces] == ["Yes,", "thank you James."]


def test_without_a_recorded_pause_between_words_nothing_is_cut() -> None:
    assert split_at_audio_pauses(QUICK_YES, [(9.0, 9.5)]) == [QUICK_YES]
    assert split_at_audio_pauses(QUICK_YES, []) == [QUICK_YES]


def test_the_answer_to_am_i_speaking_with_becomes_a_debtor_turn() -> None:
    opening = seg(0.0, 5.6, "Good morning, this is Laura calling from Harbor Point Services.")
    asking = seg(
        0.0, 5.6, "Good morning, this is Laura from Harbor Point. Am I speaking with James?"
    )
    rest = seg(8.2, 13.0, "This is an attempt to collect a debt.")

    turns = mono_turns([asking, QUICK_YES, rest], QUICK_YES_PAUSES)

    assert [(t.speaker, t.text) for t in turns] == [
        ("agent", asking.text),
        ("debtor", "Yes,"),
        ("agent", "thank you James. This is an attempt to collect a debt."),
    ]
    assert opening.text != asking.text


def test_a_question_makes_a_change_of_speaker_likely() -> None:
    labels = attribute(["Is this James?", "Right.", "Great."], [0.3, 0.3])

    assert [speaker for speaker, _ in labels][:2] == ["agent", "debtor"]


@pytest.mark.parametrize("text", ["Yes.", "Speaking.", "That's me.", "Yes, this is he."])
def test_a_short_answer_alone_sounds_like_the_debtor(text: str) -> None:
    assert speaker_evidence(text) < 0


def test_the_voice_that_carries_the_agents_cues_is_the_agents() -> None:
    content = [3.0, 0.0, 2.0, -3.0]

    assert voice_evidence(content, [1.0, -1.0, 1.0, -1.0]) == [4.0, -4.0, 4.0, -4.0]
    assert voice_evidence(content, [-1.0, 1.0, -1.0, 1.0]) == [4.0, -4.0, 4.0, -4.0]
    assert voice_evidence(content, [0.0, 0.0, 0.0, 0.0]) == [0.0, 0.0, 0.0, 0.0]


def test_a_clear_voice_overrides_weak_content() -> None:
    texts = ["Good morning, this is Dan calling from Northgate.", "Right.", "Okay.", "Sure."]
    gaps = [0.3, 0.3, 0.3]

    without = attribute(texts, gaps)
    labels = attribute(texts, gaps, [1.0, -1.0, -1.0, 1.0])

    assert [s for s, _ in without] != [s for s, _ in labels]
    assert [s for s, _ in labels] == ["agent", "debtor", "debtor", "agent"]
