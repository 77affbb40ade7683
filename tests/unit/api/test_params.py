"""Query parameters of the API: strict parsing, and a refusal that names the parameter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from coach.api import params
from coach.api.errors import BadParameter


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-01-31", datetime(2026, 1, 31, tzinfo=UTC)),
        ("2026-01-31T09:30:00Z", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        ("2026-01-31T09:30", datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        (
            "2026-01-31T09:30:00+05:30",
            datetime(2026, 1, 31, 9, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
    ],
)
def test_moments_are_iso_8601_and_utc_without_a_zone(raw: str, expected: datetime) -> None:
    parsed = params.moment({"since": raw}, "since")
    assert parsed == expected and parsed.tzinfo is not None


@pytest.mark.parametrize("raw", ["yesterday", "2026-02-30", "31/01/2026", "", "2026-01-31T25:00"])
def test_a_bad_moment_names_its_parameter(raw: str) -> None:
    with pytest.raises(BadParameter) as refused:
        params.moment({"until": raw}, "until")
    assert refused.value.parameter == "until" and "ISO 8601" in str(refused.value)


@pytest.mark.parametrize("raw", ["0", "501", "-1", "1.5", "", "\u0661\u0660", "2" * 30])
def test_limits_outside_1_to_500_are_refused(raw: str) -> None:
    with pytest.raises(BadParameter, match="limit must be a whole number from 1 to 500"):
        params.limit({"limit": raw})


def test_limit_defaults_and_bounds() -> None:
    assert params.limit({}) == params.DEFAULT_LIMIT
    assert params.limit({"limit": "500"}) == 500 and params.limit({"limit": "1"}) == 1


def test_ids_stay_in_the_database_range() -> None:
    assert params.record_id({"after": "2147483647"}, "after") == 2**31 - 1
    with pytest.raises(BadParameter):
        params.record_id({"after": "2147483648"}, "after")


def test_choices_and_unknown_parameters() -> None:
    values = {"call": 1, "quiz": 2}
    assert params.choice({"kind": "quiz"}, "kind", values) == 2
    assert params.choice({}, "kind", values) is None
    with pytest.raises(BadParameter, match="kind must be one of: call, quiz"):
        params.choice({"kind": "Quiz"}, "kind", values)
    params.require_known({"kind": "quiz"}, ("kind", "limit"))
    with pytest.raises(BadParameter) as refused:
        params.require_known({"knd": "quiz"}, ("kind", "limit"))
    assert refused.value.parameter == "knd"
