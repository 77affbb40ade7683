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
        ("aaaaaaaaaaaaaaaa", "variety"),
        ("MyPassword2024!", "too common"),
        ("priya-secure-99", "name or email"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, reason: str) -> None:
    with pytest.raises(WeakPassword, match=reason):
        check_strength(password, min_length=12, email="priya@demo.coach", name="Priya Shah")


def test_strong_password_is_accepted() -> None:
    check_strength("tidal-Marble-41-orbit", min_length=12, email="sam@x.org", name="Sam Lee")


def test_generated_passwords_pass_the_policy_and_differ() -> None:
    first, second = generate_password(), generate_password()
    assert first != second
    check_strength(first, min_length=12)


def test_hash_verifies_only_the_right_password() -> None:
    hashed = hash_password("tidal-Marble-41-orbit")
    assert verify_password(hashed, "tidal-Marble-41-orbit")
    assert not verify_password(hashed, "tidal-Marble-41-orbiT")
    assert not verify_password("not-a-hash", "anything")
