"""The ``<id:...>`` URL converter: record ids are checked before they reach the database.

Only 1..2^31-1 in canonical form (no sign, no leading zero) matches, the range of a
PostgreSQL ``integer`` key; anything else is no route at all, so a clean 404 rather than
a database overflow error (a 500).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

MAX_ID = 2**31 - 1


class IdConverter(BaseConverter):
    regex = r"[1-9][0-9]{0,9}"
    weight = 50  # as specific as werkzeug's own int converter

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def install(app: Flask) -> None:
    """Register the converter; call before any blueprint so its rules can use it."""
    app.url_map.converters["id"] = IdConverter
