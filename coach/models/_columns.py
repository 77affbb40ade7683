"""Column helpers shared by the models."""

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum


def utcnow() -> datetime:
    """Timezone-aware now, so SQLite and PostgreSQL store the same instant."""
    return datetime.now(UTC)


def string_enum(cls: type[enum.Enum], length: int = 16) -> Enum:
    """Store an enum by its value in a plain string column (portable, readable in SQL)."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


def as_utc(moment: datetime) -> datetime:
    """``moment`` timezone-aware: SQLite hands back naive datetimes from aware columns, UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
