"""Redaction precision and recall on generated call sentences, per kind of number.

    .venv/bin/python bench/redaction.py [--per-kind 200] [--seed 7] [--out docs/benchmarks.md]

Each positive sentence holds one secret (a Luhn-valid card number, an expiry date, a security
code, a sort code, an account, routing, SSN, National Insurance, Aadhaar (Verhoeff-valid) or
PAN number) written as a transcript may hold it: digits plain, grouped with spaces or dashes,
or spoken as Whisper writes speech ("four five three two", "double four", "oh", "forty five
thirty two", comma-separated digits). Negative sentences are ordinary collection talk full of
numbers that must stay: amounts, dates, times, phone numbers, the last four digits of an
account, counts and percentages.

A secret counts as found when redactions cover every letter and digit of it as the sentence
writes it (spoken digit words included); its kind is right when a covering redaction's marker
names it. Precision is over every redaction made: those overlapping a secret, against those
anywhere else (in a positive sentence beside its secret, or in a negative sentence). The
sentences and the rules were written by the same person, so these are development figures,
not a held-out measurement.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.docs_section import machine, write_section  # noqa: E402
from coach.privacy import Kind, find_redactions  # noqa: E402
from coach.privacy.checksums import luhn_valid  # noqa: E402

WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TENS = ["_", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
TEENS = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
MONTHS = "January February March April May June July August September October November December"


def _spoken_pair(pair: str, rng: random.Random) -> str:
    """Two digits as a number ("forty five", "twelve") or digit by digit; "20" is never said
    "twenty", which a listener could not tell from the start of "twenty five"."""
    if pair[0] == "0" or (pair[1] == "0" and pair[0] != "1") or rng.random() < 0.5:
        return " ".join(_digit_word(d, rng) for d in pair)
    if pair[0] == "1":
        return TEENS[int(pair[1])]
    return TENS[int(pair[0])] + " " + WORDS[int(pair[1])]


def _digit_word(digit: str, rng: random.Random) -> str:
    return "oh" if digit == "0" and rng.random() < 0.4 else WORDS[int(digit)]


def say(digits: str, groups: list[int], rng: random.Random) -> str:
    """``digits`` in one of the ways a transcript holds them, grouped as ``groups``."""
    parts, at = [], 0
    for size in groups:
        parts.append(digits[at : at + size])
        at += size
    style = rng.choice(["plain", "spaces", "dashes", "words", "commas", "pairs", "double"])
    if style == "plain":
        return digits
    if style == "spaces":
        return " ".join(parts)
    if style == "dashes":
        return "-".join(parts)
    if style == "commas":
        return ", ".join(", ".join(WORDS[int(d)] for d in part) for part in parts)
    if style == "pairs":
        return ", ".join(
            " ".join(_spoken_pair(p[i : i + 2], rng) for i in range(0, len(p) - 1, 2))
            + (" " + WORDS[int(p[-1])] if len(p) % 2 else "")
            for p in parts
        )
    if style == "double":
        return ", ".join(_with_doubles(part, rng) for part in parts)
    return ", ".join(" ".join(_digit_word(d, rng) for d in part) for part in parts)


def _with_doubles(part: str, rng: random.Random) -> str:
    words, index = [], 0
    while index < len(part):
        if index + 1 < len(part) and part[index] == part[index + 1]:
            words.append(f"double {_digit_word(part[index], rng)}")
            index += 2
        else:
            words.append(_digit_word(part[index], rng))
            index += 1
    return " ".join(words)


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def card_number(rng: random.Random) -> tuple[str, list[int]]:
    prefix, length, groups = rng.choice(
        [("4", 16, [4, 4, 4, 4]), ("5", 16, [4, 4, 4, 4]), ("37", 15, [4, 6, 5])]
    )
    body = prefix + _digits(rng, length - len(prefix) - 1)
    check = next(d for d in string.digits if luhn_valid(body + d))
    return body + check, groups


def verhoeff_number(rng: random.Random) -> str:
    from coach.privacy.checksums import verhoeff_valid

    body = rng.choice("23456789") + _digits(rng, 10)
    return body + next(d for d in string.digits if verhoeff_valid(body + d))


def aba_number(rng: random.Random) -> str:
    body = _digits(rng, 8)
    weights = (3, 7, 1, 3, 7, 1, 3, 7)
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + str((10 - total % 10) % 10)


Positive = tuple[str, Kind, str, str]  # row, kind, sentence, the secret as the sentence has it


def positives(rng: random.Random, per_kind: int) -> list[Positive]:
    makers: dict[Kind, Callable[[], tuple[str, str]]] = {
        Kind.CARD: lambda: _card(rng),
        Kind.EXPIRY: lambda: _expiry(rng),
        Kind.SECURITY_CODE: lambda: _said(
            rng,
            ["the security code is {}", "CVV {}", "and the three digits on the back are {}",
             "the CVC is {}"],
            _digits(rng, 3), [3],
        ),
        Kind.SORT_CODE: lambda: _said(
            rng, ["my sort code is {}", "sort code {}, thanks"], _digits(rng, 6), [2, 2, 2]
        ),
        Kind.BANK_ACCOUNT: lambda: _said(
            rng, ["account number {}", "the account is {}", "my account number is {}"],
            _digits(rng, 8), [4, 4],
        ),
        Kind.ROUTING: lambda: _said(
            rng, ["the routing number is {}", "routing {}"], aba_number(rng), [3, 3, 3]
        ),
        Kind.US_SSN: lambda: _said(
            rng, ["my social security number is {}", "SSN {}", "social is {}"],
            rng.choice("12345678") + _digits(rng, 2) + rng.choice("123456789")
            + _digits(rng, 1) + rng.choice("123456789") + _digits(rng, 3),
            [3, 2, 4],
        ),
        Kind.UK_NINO: lambda: _nino(rng),
        Kind.IN_AADHAAR: lambda: _said(
            rng, ["my Aadhaar number is {}", "it's {}", "Aadhaar {}"],
            verhoeff_number(rng), [4, 4, 4],
        ),
        Kind.IN_PAN: lambda: _pan(rng),
    }  # fmt: skip
    return [(kind.value, kind, *make()) for kind, make in makers.items() for _ in range(per_kind)]


def _hundreds(group: str) -> str:
    """ "4532" as "four thousand five hundred thirty two": a way Whisper can write a group."""
    value, words = int(group), []
    if value >= 1000:
        words.append(f"{WORDS[value // 1000]} thousand")
    if value % 1000 >= 100:
        words.append(f"{WORDS[value % 1000 // 100]} hundred")
    rest = value % 100
    if rest >= 20:
        words.append(TENS[rest // 10] + (f" {WORDS[rest % 10]}" if rest % 10 else ""))
    elif rest >= 10:
        words.append(TEENS[rest - 10])
    elif rest:
        words.append(WORDS[rest])
    return " ".join(words) or "zero"


def hard_cases(rng: random.Random, count: int) -> list[Positive]:
    """Forms the rules are known to struggle with, each its own row."""
    cases: list[Positive] = []
    for _ in range(count):
        number, _groups = card_number(rng)
        dropped = number[:9] + number[10:]  # one digit lost, as Whisper did in the ML test
        spaced = " ".join(dropped[i : i + 4] for i in range(0, len(dropped), 4))
        cases.append(
            (
                "card, a digit misheard, called a card",
                Kind.CARD,
                f"my card number is {spaced}.",
                spaced,
            )
        )
        cases.append(
            ("card, a digit misheard, no context", Kind.LONG_NUMBER, f"it's {spaced}.", spaced)
        )
        groups = ", ".join(_hundreds(number[i : i + 4]) for i in range(0, 16, 4))
        cases.append(
            (
                "card said in thousands and hundreds",
                Kind.CARD,
                f"my card number is {groups}.",
                groups,
            )
        )
        code = _digits(rng, 3)
        cases.append(
            (
                "security code named after it",
                Kind.SECURITY_CODE,
                f"{code} is the security code.",
                code,
            )
        )
        nino = "JG " + " ".join(WORDS[int(d)] for d in _digits(rng, 6)) + " A"
        cases.append(
            (
                "NI number with spoken digits",
                Kind.UK_NINO,
                f"my national insurance number is {nino}.",
                nino,
            )
        )
    return cases  # fmt: skip


def _said(
    rng: random.Random, templates: list[str], digits: str, groups: list[int]
) -> tuple[str, str]:
    spoken = say(digits, groups, rng)
    return rng.choice(templates).format(spoken) + ".", spoken


def _card(rng: random.Random) -> tuple[str, str]:
    number, groups = card_number(rng)
    templates = ["my card number is {}", "it's {}", "the long number is {}", "{}", "OK, {}"]
    return _said(rng, templates, number, groups)


def _expiry(rng: random.Random) -> tuple[str, str]:
    month, year = rng.randint(1, 12), rng.randint(25, 35)
    written = rng.choice(
        [
            f"{month:02d}/{year}",
            f"{month:02d}/20{year}",
            f"{_spoken_pair(f'{month:02d}', rng)} {_spoken_pair(str(year), rng)}",
            f"{MONTHS.split()[month - 1]} twenty {TENS[year // 10]}"
            + (f" {WORDS[year % 10]}" if year % 10 else ""),
            f"{MONTHS.split()[month - 1]} 20{year}",
        ]
    )
    template = rng.choice(["it expires {}", "the expiry date is {}", "expiry {}", "valid until {}"])
    return template.format(written) + ".", written


def _nino(rng: random.Random) -> tuple[str, str]:
    letters = "ABCEGHJKLMNPRSTWXYZ"
    prefix = rng.choice(letters) + rng.choice(letters.replace("O", ""))
    while prefix in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
        prefix = rng.choice(letters) + rng.choice(letters)
    digits, suffix = _digits(rng, 6), rng.choice("ABCD")
    written = rng.choice(
        [f"{prefix}{digits}{suffix}", f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"]
    )
    return f"my national insurance number is {written}.", written


def _pan(rng: random.Random) -> tuple[str, str]:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    pan = letters + rng.choice("PCHFATBLJG") + rng.choice(string.ascii_uppercase)
    pan += _digits(rng, 4) + rng.choice(string.ascii_uppercase)
    return f"my PAN is {pan}.", pan


NEGATIVES = [
    "You owe ${a},{b:03d}.{c:02d} on this account.",
    "I can pay {n} pounds on the {d}th.",
    "Please call us on 800-{p3}-{p4} before {h} pm.",
    "Your account ending {f4} is {n} days past due.",
    "The payment of ${n}.{c:02d} is due on {m}/{d}.",
    "That's {n} percent of the balance.",
    "We last spoke on {m}/{d}/20{y}.",
    "I have {s} children and {s} jobs.",
    "Could you do {n} dollars a month for {s} months?",
    "It has been {n} days since your last payment.",
    "The balance is {a},{b:03d} rupees.",
    "Your reference is {f4}, and my extension is {s}{s}.",
    "I get paid on the {d}th, around {h}:{c:02d}.",
    "Oh, I see. One moment please.",
    "I can offer two options: four payments of {n} or one of {a}{b:03d}.",
    "Section {n} of the agreement says you have {s} weeks.",
    "My postcode is SW1A 1AA and I live at number {n}.",
    "The offer expires in {s} days.",
    "That was back in 20{y}, about {s} years ago.",
    "I paid {n} pounds in March and {n} in April.",
    # Harder: the words that announce a secret, near a number that is not one.
    "My card ends in {f4}, and I can pay {n} by card today.",
    "The door code for the office is {s} {s} {s} {s}.",
    "Your settlement offer expires on {m}/{d}.",
    "Your account has been open {s} years and the balance is {n} pounds.",
    "The security team will call you at {h}:{c:02d} on the {d}th.",
    "Your case reference is {f4}{f4}, quote it when you call.",
]


def negatives(rng: random.Random, count: int) -> list[str]:
    sentences = []
    for index in range(count):
        values = {
            "a": rng.randint(1, 99),
            "b": rng.randint(0, 999),
            "c": rng.randint(0, 99),
            "n": rng.randint(2, 999),
            "d": rng.randint(1, 28),
            "m": rng.randint(1, 12),
            "y": rng.randint(10, 26),
            "h": rng.randint(1, 11),
            "s": rng.randint(2, 9),
            "p3": rng.randint(200, 999),
            "p4": rng.randint(1000, 9999),
            "f4": rng.randint(1000, 9999),
        }
        sentences.append(NEGATIVES[index % len(NEGATIVES)].format(**values))
    return sentences


def evaluate(per_kind: int, seed: int) -> dict:
    rng = random.Random(seed)
    found, right_kind, totals = Counter(), Counter(), Counter()
    true_redactions = false_redactions = 0
    cases = positives(rng, per_kind) + hard_cases(rng, per_kind // 4)
    for row, kind, sentence, secret in cases:
        totals[row] += 1
        start = sentence.index(secret)
        wanted = {i for i in range(start, start + len(secret)) if sentence[i].isalnum()}
        redactions = find_redactions(sentence)
        on_secret = [r for r in redactions if r.start < start + len(secret) and r.end > start]
        covered = {i for r in on_secret for i in range(r.start, r.end)}
        found[row] += wanted <= covered
        right_kind[row] += wanted <= covered and all(r.kind == kind for r in on_secret)
        true_redactions += len(on_secret)
        false_redactions += len(redactions) - len(on_secret)
    spoiled = [s for s in negatives(rng, per_kind * 2) if find_redactions(s)]
    false_redactions += sum(len(find_redactions(s)) for s in spoiled)
    return {
        "totals": totals,
        "found": found,
        "right_kind": right_kind,
        "negatives": per_kind * 2,
        "spoiled": spoiled,
        "precision": true_redactions / max(1, true_redactions + false_redactions),
    }


def report(result: dict, command: str) -> str:
    totals, found, right = result["totals"], result["found"], result["right_kind"]
    lines = [
        "## Redaction (card, bank and id numbers)",
        "",
        f"`{command}` — {datetime.now(UTC):%Y-%m-%d}, {machine()}.",
        "",
        "Generated sentences (see the script's docstring): written, grouped and spoken forms. "
        "Recall: redactions cover every character of the secret; right kind: and name it. "
        "Development figures: the sentences and the rules have the same author.",
        "",
        "| kind | sentences | recall | right kind |",
        "|---|---|---|---|",
    ]
    kinds = {kind.value for kind in Kind}
    for row in totals:
        n = totals[row]
        if row not in kinds and "| *hard cases* | | | |" not in lines:
            lines.append("| *hard cases* | | | |")
        lines.append(f"| {row} | {n} | {found[row] / n:.1%} | {right[row] / n:.1%} |")
        if row == Kind.IN_PAN.value:
            easy = [r for r in totals if r in kinds]
            all_n, all_found = sum(totals[r] for r in easy), sum(found[r] for r in easy)
            all_right = sum(right[r] for r in easy)
            lines.append(f"| **all kinds** | {all_n} | {all_found / all_n:.1%} | "
                         f"{all_right / all_n:.1%} |")  # fmt: skip
    lines += [
        "",
        f"Negative sentences (amounts, dates, phone numbers, last four digits, counts): "
        f"{result['negatives']}, of which {len(result['spoiled'])} lost something to a "
        f"redaction. Precision over all redactions made: {result['precision']:.1%}.",
    ]
    if result["spoiled"]:
        lines += ["", "Negative sentences redacted (first 5):", ""]
        lines += [f"- `{s}`" for s in result["spoiled"][:5]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    result = evaluate(args.per_kind, args.seed)
    markdown = report(result, f".venv/bin/python bench/redaction.py --per-kind {args.per_kind}")
    print(markdown)
    write_section(args.out, "redaction", markdown)


if __name__ == "__main__":
    main()
