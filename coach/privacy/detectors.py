"""Which digit stretches are which kind of number: check digits, shapes, and the words before.

Card and Aadhaar numbers carry check digits, so they are found anywhere; a US SSN or a UK sort
code written in its usual shape (123-45-6789, 12-34-56) is found by shape. Everything else
(expiry dates, security codes, account, routing and id numbers said without a check digit, or a
card number Whisper misheard) is recognised by what was said just before it ("the expiry date
is …", "and the three digits on the back are …") or just after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from coach.privacy.checksums import luhn_valid, verhoeff_valid
from coach.privacy.digits import DigitToken
from coach.privacy.kinds import Kind

CONTEXT_BEFORE_CHARS = 60
CONTEXT_AFTER_CHARS = 30
CARD_LENGTHS = range(13, 20)
LONG_NUMBER_DIGITS = 12  # any longer unexplained digit run is redacted too

# Letter-bearing ids, matched on the text itself before any digits are looked at.
PATTERNS: dict[Kind, re.Pattern[str]] = {
    # UK National Insurance: two prefix letters (not D F I Q U V; second not O; not BG GB KN
    # NK NT TN ZZ), six digits, suffix A-D; spaces, dots or dashes allowed between characters.
    Kind.UK_NINO: re.compile(
        r"\b(?!(?:B\W?G|G\W?B|K\W?N|N\W?K|N\W?T|T\W?N|Z\W?Z)\b)"
        r"[A-CEGHJ-PR-TW-Z][\s.-]?[A-CEGHJ-NPR-TW-Z](?:[\s.-]?\d){6}[\s.-]?[A-D]\b",
        re.IGNORECASE,
    ),
    # India PAN: five letters (the fourth says what holds it), four digits, a letter.
    Kind.IN_PAN: re.compile(r"\b[A-Z]{3}[PCHFATBLJG][A-Z][\s-]?\d{4}[\s-]?[A-Z]\b"),
}

CONTEXT: dict[Kind, re.Pattern[str]] = {
    Kind.SORT_CODE: re.compile(r"\bsort\s?code\b"),
    Kind.SECURITY_CODE: re.compile(
        r"\b(cvv2?|cvc2?|cv2|csc|security (code|number|digits)|verification (code|number|value)"
        r"|digits on the back|back of the card|code)\b"
    ),
    Kind.EXPIRY: re.compile(
        r"\b(expir\w*|exp|valid (thru|through|until|till|to)|end date|good (thru|through))\b"
    ),
    Kind.CARD: re.compile(r"\b(card|long number|visa|mastercard|amex|american express)\b"),
    Kind.ROUTING: re.compile(r"\b(routing|aba|transit number)\b"),
    Kind.BANK_ACCOUNT: re.compile(r"\b(account|acct|a/c|iban)\b"),
    Kind.US_SSN: re.compile(r"\b(social security|ssn|social)\b"),
    Kind.IN_AADHAAR: re.compile(r"\b(aadhaar|aadhar|adhaar|uid|uidai)\b"),
}
# A National Insurance number whose six digits were spoken: the letters either side of them.
_NINO_PREFIX = re.compile(r"\b[A-CEGHJ-PR-TW-Z][\s.-]?[A-CEGHJ-NPR-TW-Z][\s.,-]*$")
_NINO_SUFFIX = re.compile(r"^[\s.,-]*[A-D]\b")
_MONTH = re.compile(
    r"\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?"
    r"|oct(ober)?|nov(ember)?|dec(ember)?)\W*$"
)


@dataclass(frozen=True)
class Claim:
    """Tokens ``first``..``last`` (inclusive) of a run are a number of ``kind``."""

    kind: Kind
    first: int
    last: int


def _digits(run: list[DigitToken], first: int, last: int) -> str:
    return "".join(token.digits for token in run[first : last + 1])


def checked_claims(run: list[DigitToken]) -> list[Claim]:
    """Numbers found without context: check digits (card, Aadhaar) and shapes (SSN, sort code)."""
    claims: list[Claim] = []
    taken: set[int] = set()
    for finder in (_card, _aadhaar, _ssn_shape, _sort_code_shape):
        for claim in finder(run, taken):
            claims.append(claim)
            taken.update(range(claim.first, claim.last + 1))
    return claims


def _free_windows(run: list[DigitToken], taken: set[int]) -> list[tuple[int, int]]:
    """Every window of untaken tokens, longest first then leftmost."""
    windows = [
        (first, last)
        for first in range(len(run))
        for last in range(first, len(run))
        if not taken.intersection(range(first, last + 1))
    ]
    return sorted(windows, key=lambda w: (w[0] - w[1], w[0]))


def _claim_windows(
    run: list[DigitToken], taken: set[int], kind: Kind, fits: Callable[[int, int], bool]
) -> list[Claim]:
    claims: list[Claim] = []
    used = set(taken)
    for first, last in _free_windows(run, taken):
        if not used.intersection(range(first, last + 1)) and fits(first, last):
            claims.append(Claim(kind, first, last))
            used.update(range(first, last + 1))
    return claims


def _card(run: list[DigitToken], taken: set[int]) -> list[Claim]:
    def fits(first: int, last: int) -> bool:
        digits = _digits(run, first, last)
        return len(digits) in CARD_LENGTHS and luhn_valid(digits)

    return _claim_windows(run, taken, Kind.CARD, fits)


def _aadhaar(run: list[DigitToken], taken: set[int]) -> list[Claim]:
    """Twelve digits said on their own: a Verhoeff window inside a longer run is more likely
    a card number with a digit misheard (one window in ten passes the check by chance)."""

    def fits(first: int, last: int) -> bool:
        digits = _digits(run, first, last)
        alone = first == 0 and last == len(run) - 1
        return alone and len(digits) == 12 and digits[0] not in "01" and verhoeff_valid(digits)

    return _claim_windows(run, taken, Kind.IN_AADHAAR, fits)


def _ssn_shape(run: list[DigitToken], taken: set[int]) -> list[Claim]:
    """123-45-6789 (or with spaces) with a possible area, group and serial."""

    def fits(first: int, last: int) -> bool:
        group = run[first : last + 1]
        if [len(t.digits) for t in group] != [3, 2, 4] or not all(t.written for t in group):
            return False
        area, middle, serial = (t.digits for t in group)
        return area not in ("000", "666") and area[0] != "9" and middle != "00" and serial != "0000"

    return _claim_windows(run, taken, Kind.US_SSN, fits)


def _sort_code_shape(run: list[DigitToken], taken: set[int]) -> list[Claim]:
    """12-34-56: exactly three dash-joined written pairs, nothing dash-joined either side."""

    def fits(first: int, last: int) -> bool:
        group = run[first : last + 1]
        after = run[last + 1].joiner if last + 1 < len(run) else ""
        return (
            [len(t.digits) for t in group] == [2, 2, 2]
            and all(t.written for t in group)
            and [t.joiner for t in group[1:]] == ["-", "-"]
            and group[0].joiner != "-"
            and after != "-"
        )

    return _claim_windows(run, taken, Kind.SORT_CODE, fits)


def _expiry_fits(digits: str, after_month: bool) -> bool:
    if after_month:
        return len(digits) in (2, 4)
    if len(digits) == 3:
        return digits[0] != "0"
    if len(digits) in (4, 6):
        return 1 <= int(digits[:2]) <= 12 and (len(digits) == 4 or digits[2:4] == "20")
    return False


_LENGTHS: dict[Kind, Callable[[str], bool]] = {
    Kind.SORT_CODE: lambda d: len(d) == 6,
    Kind.SECURITY_CODE: lambda d: len(d) in (3, 4),
    Kind.CARD: lambda d: 12 <= len(d) <= 19,
    Kind.ROUTING: lambda d: len(d) == 9,
    Kind.BANK_ACCOUNT: lambda d: 6 <= len(d) <= 17,
    Kind.US_SSN: lambda d: len(d) == 9,
    Kind.IN_AADHAAR: lambda d: len(d) == 12,
}


def context_kind(text: str, digits: str, start: int, end: int) -> tuple[Kind, int, int] | None:
    """The kind the words around ``text[start:end]`` say these digits are, and the span to
    redact (wider than the digits when a month name leads an expiry date, or letters frame
    a National Insurance number)."""
    if len(digits) == 6:
        prefix = _NINO_PREFIX.search(text[max(0, start - 8) : start])
        suffix = _NINO_SUFFIX.match(text[end : end + 4])
        if prefix and suffix:
            return Kind.UK_NINO, start - (len(prefix.string) - prefix.start()), end + suffix.end()
    before = text[max(0, start - CONTEXT_BEFORE_CHARS) : start].lower()
    after = text[end : end + CONTEXT_AFTER_CHARS].lower()
    month = _MONTH.search(before)
    # The nearest words decide; on a tie ("back of the card") the earlier entry of CONTEXT.
    nearest = sorted(
        (match.end(), -order, kind)
        for order, (kind, pattern) in enumerate(CONTEXT.items())
        for match in pattern.finditer(before)
    )
    for _, _, kind in reversed(nearest):
        if kind == Kind.EXPIRY:
            if _expiry_fits(digits, month is not None):
                offset = len(before) - month.start() if month else 0
                return kind, start - offset, end
        elif _LENGTHS[kind](digits):
            return kind, start, end
    for kind, pattern in CONTEXT.items():
        found = pattern.search(after)
        fits = _LENGTHS.get(kind, _never)
        if found and found.start() < CONTEXT_AFTER_CHARS // 2 and fits(digits):
            return kind, start, end
    return None


def _never(_digits: str) -> bool:
    return False
