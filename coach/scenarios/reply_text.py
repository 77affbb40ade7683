"""Is a typed or heard reply something the debtor could answer? Refused replies cost no turn.

The intent heads and the rule detectors read English: a reply in another language or a run of
random keys would be judged as "nothing happened", and the debtor would react to a reply the
trainee never meant. Coach says so instead, plainly, and keeps the run where it was.

The English test is deliberately cheap and lenient: a reply with three or more lower-case words
must contain at least one very common English word (a collector cannot say a sentence without
one; words shared with Spanish or Italian, like "no" or "me", and words every language
borrows, like "okay" or "payment", do not count), and the letters must be mostly Latin.
Capitalised words are left out, since names ("Sam Ortiz, Meridian Services") are not English
or anything else; short replies ("Okay.", "Hello?") always pass.
"""

from __future__ import annotations

import re

# A reply longer than this is a paste, not something said on a call (the CLI shares it).
MAX_REPLY_CHARS = 1000

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# The commonest English words (function words and call talk): every English sentence of three
# words or more has at least one; other languages written in Latin letters rarely do.
_COMMON_ENGLISH_WORDS = """
    about after all am an and any are as at be because been but by can could did do
    does don't for from get go good got has have her here him his how i i'm if
    is it it's just know let like my need not now of or our please
    right say see she so some sorry that that's the their them then there they this to today
    understand up us was we we'll we're well what when where which who why will with would yes
    you you're your yeah thank thanks
"""
COMMON_ENGLISH = frozenset(_COMMON_ENGLISH_WORDS.split())
_MIN_WORDS_FOR_LANGUAGE_TEST = 3


class UnusableReply(ValueError):
    """A reply Coach cannot judge; ``str(error)`` tells the trainee what to do instead."""


def checked_reply(text: str) -> str:
    """``text`` stripped, or :class:`UnusableReply` saying why it cannot be a reply."""
    said = " ".join(text.split())
    if not said:
        raise UnusableReply("Say something to the debtor first: the reply is empty.")
    if len(said) > MAX_REPLY_CHARS:
        raise UnusableReply(
            f"That reply is {len(said):,} characters long; one thing said on a call is at most "
            f"{MAX_REPLY_CHARS:,}. Say it in your own words, a sentence or two at a time."
        )
    words = _WORD.findall(said)
    if not words:
        raise UnusableReply("That reply has no words in it. Type what you would say to the debtor.")
    letters = [c for c in said if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii())
    if latin < len(letters) / 2:
        raise UnusableReply(
            "Coach's debtors speak English: reply in English so your words can be judged."
        )
    lower = [w for w in words if w.islower()]
    if len(lower) >= _MIN_WORDS_FOR_LANGUAGE_TEST and COMMON_ENGLISH.isdisjoint(lower):
        raise UnusableReply(
            "Coach could not read that as English (no everyday English words in it). "
            "Reply in plain English, as you would say it on the phone."
        )
    return said
