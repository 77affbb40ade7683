"""Optional facts about a call that the words alone cannot show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from coach.scoring.validation import validated

MetadataField = Literal[
    "call_type",
    "local_time",
    "attempts_last_7_days",
    "debt_time_barred",
    "judgment_exists",
    "right_party_confirmed",
    "consumer_state",
]


class MetadataError(ValueError):
    """Call metadata of the wrong shape; the message names every bad field."""


class CallMetadata(BaseModel):
    """Call facts; every field is optional and ``None`` means "not known"."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    call_type: Literal["initial", "follow_up"] | None = None
    local_time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    attempts_last_7_days: int | None = Field(default=None, ge=0)
    debt_time_barred: bool | None = None
    judgment_exists: bool | None = None
    right_party_confirmed: bool | None = None
    # Two-letter code of the consumer's US state: some states require every party's consent
    # to record a call, which turns a missing recording notice from a lapse into a breach.
    consumer_state: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")

    def minutes(self) -> int | None:
        """Consumer-local time as minutes after midnight, or ``None`` when unknown."""
        return None if self.local_time is None else clock_minutes(self.local_time)


def clock_minutes(clock: str) -> int:
    """ "HH:MM" as minutes after midnight."""
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def parse_metadata(value: CallMetadata | Mapping[str, Any] | None) -> CallMetadata:
    """Validate raw metadata (e.g. request JSON) and raise :class:`MetadataError` on bad types."""
    if isinstance(value, CallMetadata):
        return value
    if value is None:
        return CallMetadata()
    if not isinstance(value, Mapping):
        raise MetadataError(f"call metadata must be a mapping, got {type(value).__name__}")
    return validated(CallMetadata, value, "call metadata", "metadata", MetadataError)
