"""Redaction of payment and identity numbers, as typed and as Whisper writes speech."""

from __future__ import annotations

import re

import pytest

from coach.privacy import redact_strings, redact_text, redact_transcript
from coach.privacy.checksums import luhn_valid, verhoeff_valid
from coach.transcript import Transcript, Turn, Word

CARD = "[card number redacted]"


@pytest.mark.parametrize(
    "said",
    [
        "4532 0151 1283 0366",
        "4532-0151-1283-0366",
        "4532015112830366",
        "four five three two zero one five one one two eight three zero three six six",
        "Four, five, three, two. Oh, one, five, one. One, two, eight, three. Oh, three, six, six",
        "forty five thirty two oh one fifty one twelve eighty three oh three sixty six",
        "4-5-3-2-0-1-5-1-1-2-8-3-0-3-6-6",
        "4532, um, 0151, uh, 1283 0366",
    ],
)
def test_card_numbers_in_every_written_and_spoken_form(said: str) -> None:
    assert redact_text(f"Sure, it's {said}, thanks.") == f"Sure, it's {CARD}, thanks."


def test_double_and_triple_digits_count() -> None:
    # 4111 1111 1111 1111 said with "double" and "triple".
    said = "four one double one one one triple one one one one one one one one"
    assert redact_text(said) == CARD


def test_sixteen_digits_failing_luhn_are_not_a_card_without_context() -> None:
    # Check digit wrong: no card; under 12 digits nothing long either.
    assert redact_text("Reference 4532 0151 1283 0367.") == "Reference [long number redacted]."
    assert redact_text("Reference 4532 0151 12.") == "Reference 4532 0151 12."


def test_misheard_card_number_is_still_redacted_when_called_a_card() -> None:
    assert redact_text("my card number is 4532 0151 1283 0367") == f"my card number is {CARD}"


def test_a_check_digit_window_inside_a_longer_number_takes_the_whole_number() -> None:
    # A card with a digit lost: 13 of its 15 digits pass Luhn, or 12 pass Verhoeff; the rest
    # must not be left behind, nor the whole called an Aadhaar number.
    said = "four nine four five eight zero seven three zero two one five seven three six"
    assert redact_text(f"it's {said}.") == f"it's {CARD}."
    assert redact_text("it's 3787 3598 5222 39.") == "it's [long number redacted]."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it expires oh four slash twenty six", "it expires [expiry date redacted]"),
        ("expiry 04/26", "expiry [expiry date redacted]"),
        ("valid until 04/2026", "valid until [expiry date redacted]"),
        ("the expiry date is April twenty twenty six", "the expiry date is [expiry date redacted]"),
        ("the CVV is 123", "the CVV is [security code redacted]"),
        (
            "and the three digits on the back of the card are seven four one",
            "and the three digits on the back of the card are [security code redacted]",
        ),
        ("security code one two three four", "security code [security code redacted]"),
        ("sort code 12-34-56", "sort code [sort code redacted]"),
        ("it's 20-00-00 then", "it's [sort code redacted] then"),
        ("account number three one nine two six eight one nine", "account number "
         "[bank account number redacted]"),
        ("routing number 021000021", "routing number [routing number redacted]"),
        ("SSN 123-45-6789", "SSN [social security number redacted]"),
        ("it is 123 45 6789", "it is [social security number redacted]"),
        ("my social is one two three four five six seven eight nine",
         "my social is [social security number redacted]"),
        ("NI number JG 10 37 72 A", "NI number [national insurance number redacted]"),
        ("mine is JG103772A.", "mine is [national insurance number redacted]."),
        ("Aadhaar 2345 6789 0124", "Aadhaar [Aadhaar number redacted]"),
        ("it is 234567890124", "it is [Aadhaar number redacted]"),
        ("PAN ABCPE1234F", "PAN [PAN redacted]"),
        ("it's J G one zero three seven seven two A, yes",
         "it's [national insurance number redacted], yes"),
    ],
)  # fmt: skip
def test_each_kind_is_redacted_with_its_marker(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "You owe $1,250.00 on account 12,500, due on 12/15.",
        "Oh, I see. Can you pay 300 pounds by the 5th?",
        "Call us on 800-555-0199 before 5 pm.",
        "This is an attempt to collect a debt (US-FDCPA-1692e11-MINI-MIRANDA).",
        "One moment, I have two options for you: four payments of 75 or one of 300.",
        "Our office code is 2, extension 40.",
        "Your account ending 4821 is 90 days past due.",
        "Expiry of the offer is the 30th.",
    ],
)
def test_ordinary_call_talk_is_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_a_whole_payment_leaves_no_digit_of_the_details() -> None:
    text = (
        "The long number is 4532 0151 1283 0366, it expires 04/27 and the CVV is 852. "
        "Sort code 40-47-84, account number 70872490."
    )
    redacted = redact_text(text)
    assert not re.search(r"\d", redacted), redacted
    assert redact_text(redacted) == redacted  # markers hold no digits: redaction is idempotent


def test_checksums() -> None:
    assert luhn_valid("4532015112830366") and not luhn_valid("4532015112830367")
    assert verhoeff_valid("234567890124") and not verhoeff_valid("234567890125")


def test_transcript_words_collapse_into_one_marker_word_with_their_times() -> None:
    said = "card is four five three two zero one five one one two eight three zero three six six ok"
    words = tuple(Word(w=w, start=i, end=i + 0.5) for i, w in enumerate(said.split()))
    turn = Turn(speaker="debtor", text=said, start=0, end=19.5, words=words)
    redacted = redact_transcript(Transcript(turns=(turn,))).turns[0]
    assert redacted.text == f"card is {CARD} ok"
    assert [w.w for w in redacted.words] == ["card", "is", CARD, "ok"]
    assert (redacted.words[2].start, redacted.words[2].end) == (2.0, 17.5)
    assert (redacted.start, redacted.end, redacted.speaker) == (0, 19.5, "debtor")


def test_strings_in_json_are_redacted_keys_and_numbers_kept() -> None:
    card = {"total": 80, "findings": [{"quote": "CVV is 123", "turn": 2, "rule_id": "US-1692"}]}
    assert redact_strings(card) == {
        "total": 80,
        "findings": [{"quote": "CVV is [security code redacted]", "turn": 2, "rule_id": "US-1692"}],
    }
