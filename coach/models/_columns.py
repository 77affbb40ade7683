"""Column helpers shared by the models."""

import enum
from datetime import UTC, datetime

from sqlalchemy import Enum, Float, cast, func
from sqlalchemy.sql.elements import ColumnElement


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


def seconds_between(start: ColumnElement, end: ColumnElement, dialect: str) -> ColumnElement:
    """``end - start`` in seconds, in SQL: for figures over many rows that are never read
    one by one (job timings, decayed evidence).

    SQLite's Julian day numbers carry about 50 µs of float error at today's dates, enough to
    put a span of exactly one second just above 1.0; rounding to the millisecond keeps a
    span on a bound it sits on (a metrics histogram's bucket)."""
    if dialect == "postgresql":
        return cast(func.extract("epoch", end - start), Float)
    return func.round((func.julianday(end) - func.julianday(start)) * 86400.0, 3)
