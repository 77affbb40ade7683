"""Payment terms in collection-call wording: amounts, dates, methods and option types.

Covers US, UK and Indian phrasing ("ACH", "direct debit", "UPI", "EMI", "fortnightly",
"rupees", "a fiver") in typed and ASR text, where amounts may be written out in words.
"""

from __future__ import annotations

import re

from coach.scoring.text_cues import cue, cue_text

_UNITS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "lakh": 100_000}
_NUMBER_WORD = r"(?:" + "|".join([*_UNITS, *_SCALES]) + r")"
_SPELLED = rf"{_NUMBER_WORD}(?:[- ](?:and )?{_NUMBER_WORD})*"
_CURRENCY_WORD = r"(?:dollars|bucks|pounds|quid|rupees|rs|inr|euros)"
_PERIOD = r"(?:a|per|each|every) (?:month|week|fortnight)"
# "£50 a month", "a hundred a month", "a few pounds a month" (not "what you earn each month").
_PER_PERIOD = rf"(?:[$£₹]?\d[\d,]*|{_SPELLED}|{_CURRENCY_WORD}|a fiver|a tenner) {_PERIOD}"

AMOUNT = cue(
    r"[$£₹]\s?\d[\d,]*(?:\.\d+)?",
    r"(?:rs\.?|inr) ?\d[\d,]*",
    rf"\d[\d,]*(?:\.\d+)? ?{_CURRENCY_WORD}",
    rf"{_SPELLED} {_CURRENCY_WORD}",
    _PER_PERIOD,
    r"a (?:fiver|tenner)",
    r"(?<=pay )\d{1,3}(?:,\d{3})+",
    r"(?<=full )\d{1,3}(?:,\d{3})+",
    r"\d{1,3}(?:,\d{3})+(?= (?:today|tomorrow|now|by|on))",
    r"(?:the )?(?:whole|full|entire) (?:balance|amount|thing)",
    r"half (?:now|today|of it|the (?:balance|amount))",
)
DATE = cue(
    r"today",
    r"tonight",
    r"tomorrow(?: morning| evening| afternoon)?",
    r"(?:this|next|on|by) (?:mon|tues|wednes|thurs|fri|satur|sun)day",
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day",
    r"next (?:week|month|pay ?day)",
    r"end of (?:the |this |next )?month",
    r"(?:pay ?day|salary day)",
    r"(?:on |by |from )?the \d{1,2}(?:st|nd|rd|th)?",
    r"\d{1,2}(?:st|nd|rd|th)",
    r"(?:on |by )?the (?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
    r"|eleventh|twelfth|fifteenth|twentieth|twenty[- ]\w+|thirtieth|thirty[- ]first)"
    r"(?! (?:payment|time|thing|call))",
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
    r" \d{1,2}(?:st|nd|rd|th)?",
    r"(?:within|in) \d+ days",
)
METHOD = cue(
    r"debit card",
    r"credit card",
    r"card",
    r"ach",
    r"bank transfer",
    r"direct debit",
    r"standing order",
    r"cheque",
    r"(?:a|by|mail a|postdated) checks?",
    r"upi",
    r"neft",
    r"imps",
    r"rtgs",
    r"net ?banking",
    r"payment link",
    r"cash",
    r"(?:online|payment) portal",
    r"paypal",
    r"venmo",
    r"zelle",
    r"(?:google pay|gpay|phonepe|paytm)",
    r"(?:checking|savings|bank) account",
    r"money order",
)
# One pattern per distinct kind of payment option an agent can put to the debtor.
OPTIONS: dict[str, re.Pattern[str]] = {
    "full_payment": cue(
        r"full (?:balance|amount|payment|[$£₹]?\d[\d,]*)",
        r"pay full",
        r"(?:whole|entire) (?:balance|amount|thing)",
        r"pay (?:it|this|that|everything) off",
        r"get (?:it|this|that) paid(?: off)?",
        r"clear (?:the lot|it all|the (?:full )?balance)",
    ),
    "instalments": cue(
        r"(?:payment|repayment|monthly|weekly|fortnightly) plan",
        r"(?:monthly|weekly|fortnightly) (?:payments?|instal?ments?)",
        r"instal?ments?",
        _PER_PERIOD,
        r"every (?:other )?(?:month|week|two weeks|friday)",
        r"spread (?:it|this|that|the \w+) over",
        r"split (?:it|this|that|the \w+) (?:into|over)",
        r"(?:the )?(?:rest|remaining|remainder)(?: [$£₹]?\d[\d,]*(?: rupees| dollars| pounds)?)?"
        r" (?:on|by|next|later|\w+day)",
        r"part later",
        r"reduced emi",
        r"restructur\w*",
    ),
    "settlement": cue(
        r"settle(?:ment)?",
        r"discount",
        r"\d+ ?(?:%|percent) off",
        r"(?:thirty|forty|fifty|twenty) percent off",
        r"(?:reduced|lower) (?:balance|amount|lump sum)",
    ),
    "deferral": cue(
        r"on hold",
        r"hold (?:the|on|for)",
        r"\w+[- ]day hold",
        r"breathing space",
        r"pause",
        r"defer\w*",
        r"postpone\w*",
        r"(?:payment|emi) holiday",
    ),
    "partial_payment": cue(
        r"(?:pay |do )?something (?:today|now|this week)",
        r"pay something",
        r"put (?:something|a little|some) down",
        r"token payment",
        r"partial payment",
        r"part payment",
        r"at least (?:[$£₹]?\d|something|a little|some)",
        r"even [$£₹]?\d[\d,]*",
        rf"even {_SPELLED}(?: {_CURRENCY_WORD})?",
        r"(?:a )?smaller amount",
        r"some of (?:it|the balance)",
        r"minimum (?:we can|payment|of)",
    ),
}
_PAY = cue(r"pay")
# "In full" names a full payment, except in settlement talk ("settles the account in full").
_IN_FULL = cue(r"in full")
DISPUTE_CONTEXT = cue(r"disput\w*", r"investigat\w*", r"verif\w*")


def amounts(text: str) -> list[float]:
    """Money amounts in ``text`` that can be read as numbers (spelled-out ones included)."""
    values = []
    for match in AMOUNT.finditer(cue_text(text)):
        value = _value(match.group(0))
        if value is not None:
            values.append(value)
    return values


def options_in(text: str, *, balance: float | None, after_dispute: bool) -> set[str]:
    """Kinds of payment option offered in one agent turn.

    Asking the debtor to pay exactly the balance is a full-payment offer; a hold granted
    because of a dispute is not a payment option.
    """
    found = {kind for kind, pattern in OPTIONS.items() if pattern.search(cue_text(text))}
    if _IN_FULL.search(cue_text(text)) and "settlement" not in found:
        found.add("full_payment")
    if "deferral" in found and (after_dispute or DISPUTE_CONTEXT.search(cue_text(text))):
        found.discard("deferral")
    asks_for_balance = balance and any(abs(v - balance) <= 0.01 * balance for v in amounts(text))
    if asks_for_balance and _PAY.search(cue_text(text)):
        found.add("full_payment")
    return found


def is_split(text: str) -> bool:
    """Two or more amounts on two or more dates: "4,000 today and 4,750 on the 15th"."""
    return len(amounts(text)) >= 2 and len(DATE.findall(cue_text(text))) >= 2


def _value(phrase: str) -> float | None:
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", phrase)
    if digits:
        return float(digits.group(0).replace(",", ""))
    if "fiver" in phrase:
        return 5.0
    if "tenner" in phrase:
        return 10.0
    total, current = 0, 0
    spoken = re.sub(rf" (?:{_PERIOD}|{_CURRENCY_WORD})$", "", phrase)
    for word in re.findall(r"[a-z]+", spoken):
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
    total += current
    return float(total) if total else None
