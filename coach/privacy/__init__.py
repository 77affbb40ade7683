"""Redaction of payment and identity numbers in call text (PURE: no framework, no I/O).

Collectors' practice calls rehearse taking payments, so trainees speak card numbers, expiry
dates, security codes, bank details and national ids. Coach keeps none of them: every text it
stores or shows passes through :func:`redact_text` (or :func:`redact_transcript`), which puts
a visible marker such as ``[card number redacted]`` where a number was, so a reviewer sees that
something was said and what kind of thing it was.
"""

from coach.privacy.kinds import MARKERS, Kind, marker
from coach.privacy.redact import Redaction, find_redactions, redact_text
from coach.privacy.structures import redact_strings, redact_transcript

__all__ = [
    "MARKERS",
    "Kind",
    "Redaction",
    "find_redactions",
    "marker",
    "redact_strings",
    "redact_text",
    "redact_transcript",
]
