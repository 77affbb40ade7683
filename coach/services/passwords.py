"""Password hashing (argon2id) and the strength policy applied on every password change.

Strength is estimated by zxcvbn (dictionaries of common passwords, names and words, keyboard
walks, sequences, repeats, dates); its own feedback tells the user what to change.
"""

from __future__ import annotations

import re
import secrets
import string
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from coach.errors import ServiceError

# "low" exists so test suites can create many accounts quickly; never use it in production.
_HASHERS = {
    "standard": PasswordHasher(),
    "low": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}

# The passwords (and stems) that breach lists show first; any of them inside a password fails it.
_COMMON_STEMS = (
    "password",
    "passw0rd",
    "123456",
    "qwerty",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "abc123",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "coach",
)

# zxcvbn's top score: an estimated 10^10 guesses or more ("very unguessable"). Score 3 still
# passes reversed keyboard rows with a symbol, such as "mnbvcxz!09876".
MIN_SCORE = 4
# zxcvbn estimates only the first characters: its matching is quadratic in the length, and
# 4.5 raises ValueError beyond 72. A strong start makes a longer password at least as strong.
_ESTIMATED_PREFIX = 72


class WeakPassword(ServiceError):
    """The new password does not meet the policy; the message says which part."""


def hash_password(password: str, cost: str = "standard") -> str:
    return _HASHERS[cost].hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; malformed hashes count as a mismatch, never a crash."""
    try:
        return _HASHERS["standard"].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def dummy_hash(cost: str = "standard") -> str:
    """A hash to verify against when the email is unknown, so both cases take the same time."""
    return hash_password(secrets.token_urlsafe(16), cost)


def check_strength(password: str, *, min_length: int, email: str = "", name: str = "") -> None:
    """Raise :class:`WeakPassword` explaining the first rule the password breaks."""
    if len(password) < min_length:
        raise WeakPassword(f"Use at least {min_length} characters.")
    lowered = password.lower()
    local_part, _, domain = email.lower().partition("@")
    personal = [*re.split(r"[._+\-]", local_part), *name.lower().split()]
    if any(len(part) >= 4 and part in lowered for part in personal):
        raise WeakPassword("Do not use your name or email address in your password.")
    if any(stem in lowered for stem in _COMMON_STEMS):
        raise WeakPassword("That password is too common; choose something less guessable.")
    context = [*personal, *domain.split("."), "coach"]
    estimate = zxcvbn(password[:_ESTIMATED_PREFIX], user_inputs=context)
    if estimate["score"] < MIN_SCORE:
        raise WeakPassword(_advice(estimate["feedback"]))


def _advice(feedback: dict[str, object]) -> str:
    """The estimator's warning and suggestions as one message."""
    suggestions = feedback.get("suggestions") or []
    parts = [str(feedback.get("warning") or "That password is too easy to guess.")]
    parts += [str(tip) for tip in suggestions] if isinstance(suggestions, list) else []
    return " ".join(part if part.endswith(".") else part + "." for part in parts)


def generate_password(length: int = 16) -> str:
    """A random password that passes the policy (used for invitations and demo users)."""
    alphabet = string.ascii_letters + string.digits + "-_.!"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        try:
            check_strength(candidate, min_length=min(length, 12))
        except WeakPassword:
            continue
        return candidate
