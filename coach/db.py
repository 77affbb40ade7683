"""Declarative base with a constraint naming convention, and SQLite connection pragmas."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints let Alembic's batch mode alter SQLite tables and drop constraints by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every persistent model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def install_sqlite_pragmas(engine: Engine) -> None:
    """Turn on foreign keys, WAL, a busy timeout and a larger page cache on every new SQLite
    connection, and give it ``power()``, which SQLite builds without math functions lack (the
    skill profiles' decay is summed in SQL)."""
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    # 64 MiB of page cache (the default is 2 MiB): a floor's reports read tens of MB of
    # index pages per request, about a fifth cheaper when they stay cached.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()
    dbapi_connection.create_function("power", 2, math.pow, deterministic=True)
