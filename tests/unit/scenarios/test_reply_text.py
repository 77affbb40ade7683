"""Which typed or heard replies the role-play refuses, and that it says why."""

from __future__ import annotations

import pytest

from coach.scenarios.reply_text import MAX_REPLY_CHARS, UnusableReply, checked_reply


@pytest.mark.parametrize(
    "text",
    [
        "Okay.",
        "Hello?",
        "Sam Ortiz, Meridian Services",  # names only: not judged as a language
        "I understand. What happened with the payments?",
        "Could we look at £50 a month until you're back in work?",
        "Namaste, Mr Sharma. I'm calling from Apex Recoveries for HDFC Bank.",
    ],
)
def test_ordinary_replies_pass_with_their_spacing_tidied(text: str) -> None:
    assert checked_reply(f"  {text}\n") == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        (" \n\t ", "empty"),
        ("12345 !!", "no words"),
        ("x" * (MAX_REPLY_CHARS + 1), "at most 1,000"),
        ("no puedo pagar ahora mismo", "English"),
        ("aapko payment karna hoga", "English"),
        ("asdkj qwpoe zxcmv", "English"),
        ("आपको भुगतान करना होगा", "reply in English"),
    ],
)
def test_unusable_replies_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(UnusableReply, match=message):
        checked_reply(text)
