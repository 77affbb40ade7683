"""Password hashing (argon2id) and the strength policy applied on every password change."""

from __future__ import annotations

import secrets
import string
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

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
    if len(set(password)) < 5:
        raise WeakPassword("Use a greater variety of characters.")
    lowered = password.lower()
    if any(stem in lowered for stem in _COMMON_STEMS):
        raise WeakPassword("That password is too common; choose something less guessable.")
    personal = [email.split("@")[0].lower(), *name.lower().split()]
    if any(len(part) >= 4 and part in lowered for part in personal):
        raise WeakPassword("Do not use your name or email address in your password.")


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
