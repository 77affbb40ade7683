"""The password policy and hashing."""

import pytest

from coach.services.passwords import (
    WeakPassword,
    check_strength,
    generate_password,
    hash_password,
    verify_password,
)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "at least 12"),
        ("aaaaaaaaaaaaaaaa", "Repeats"),
        ("MyPassword2024!", "too common"),
        ("Qwerty!Asdfgh1", "too common"),
        ("priya-secure-99", "name or email"),
        ("Shah-harbour-2291", "name or email"),
        # What the estimator catches, in its own words.
        ("zxcvbnm,./1234", "Straight rows of keys"),
        ("1qaz2wsx3edc4rfv", "very common password"),
        ("abcdefghijklmnop", "Sequences"),
        ("poiuytrewq0987", "similar to a commonly used password"),
        ("asdfghjkl;1234", "Straight rows of keys"),
        ("mnbvcxz!09876", "too easy to guess"),
        ("iloveyou2iloveyou", "too common"),
        ("trustno1trustno1", "Repeats"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(WeakPassword, match=reason):
        check_strength(password, min_length=12, email="priya@demo.coach", name="Priya Shah")


@pytest.mark.parametrize("password", ["tidal-Marble-41-orbit", "Harbour-violet-392"])
def test_strong_password_is_accepted(password: str) -> None:
    check_strength(password, min_length=12, email="sam@x.org", name="Sam Lee")


def test_long_passwords_are_judged_by_their_start_without_error() -> None:
    """The form allows 256 characters; the estimator refuses more than 72 (a ValueError)."""
    check_strength("tidal-Marble-41-orbit" * 12, min_length=12)
    with pytest.raises(WeakPassword, match="Repeats"):
        check_strength("a" * 256, min_length=12)


def test_the_estimator_sees_the_email_domain() -> None:
    """The domain is no rule of its own (anyone may write "gmail"), but counts as guessable."""
    with pytest.raises(WeakPassword):
        check_strength("northwind2024", min_length=12, email="sam@northwind.org", name="Sam Lee")
    check_strength("tidal-Marble-41-orbit", min_length=12, email="sam@northwind.org")


def test_generated_passwords_pass_the_policy_and_differ() -> None:
    first, second = generate_password(), generate_password()
    assert first != second
    check_strength(first, min_length=12)


def test_hash_verifies_only_the_right_password() -> None:
    hashed = hash_password("tidal-Marble-41-orbit")
    assert verify_password(hashed, "tidal-Marble-41-orbit")
    assert not verify_password(hashed, "tidal-Marble-41-orbiT")
    assert not verify_password("not-a-hash", "anything")
