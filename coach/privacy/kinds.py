"""The kinds of number Coach redacts and the marker each leaves in the text."""

from __future__ import annotations

import enum


class Kind(enum.StrEnum):
    CARD = "card"
    EXPIRY = "expiry"
    SECURITY_CODE = "security_code"
    BANK_ACCOUNT = "bank_account"
    SORT_CODE = "sort_code"
    ROUTING = "routing"
    US_SSN = "us_ssn"
    UK_NINO = "uk_nino"
    IN_AADHAAR = "in_aadhaar"
    IN_PAN = "in_pan"
    LONG_NUMBER = "long_number"


MARKERS: dict[Kind, str] = {
    Kind.CARD: "card number",
    Kind.EXPIRY: "expiry date",
    Kind.SECURITY_CODE: "security code",
    Kind.BANK_ACCOUNT: "bank account number",
    Kind.SORT_CODE: "sort code",
    Kind.ROUTING: "routing number",
    Kind.US_SSN: "social security number",
    Kind.UK_NINO: "national insurance number",
    Kind.IN_AADHAAR: "Aadhaar number",
    Kind.IN_PAN: "PAN",
    Kind.LONG_NUMBER: "long number",
}


def marker(kind: Kind) -> str:
    """What replaces a redacted number: visible, and naming what was removed (no digits)."""
    return f"[{MARKERS[kind]} redacted]"
