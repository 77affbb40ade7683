"""gunicorn's own log (workers booted, exited or timed out, a request that crashed) in
Coach's format and without personal data: ``logger_class`` of deploy/gunicorn.conf.py.

gunicorn names the failing request's path and query string, and a malformed request's
client address and text, in its messages; Coach's lines never carry those (see
:mod:`coach.observability.logs`), so they are cut here before any handler formats them.
"""

from __future__ import annotations

import logging

from gunicorn.config import Config
from gunicorn.glogging import Logger

from coach.config import read_setting
from coach.observability.logs import formatter_for

# gunicorn's messages that name the request: what of them is kept.
_FAILED_REQUEST = "Error handling request"
_INVALID_REQUEST = "Invalid request from ip="


class WithoutRequestDetails(logging.Filter):
    """Keep the method of a request that failed, not its path or query string; keep that a
    request was malformed, not the client's address or what it sent."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg
        if not isinstance(message, str):  # gunicorn logs some exceptions as the message
            record.msg, record.args = type(message).__name__, ()
        elif message.startswith(_FAILED_REQUEST):
            args = record.args if isinstance(record.args, tuple) else ()
            method = args[0] if message.count("%s") == 2 and args else None
            record.msg = f"{_FAILED_REQUEST} %s" if method else _FAILED_REQUEST
            record.args = (method,) if method else ()
        elif message.startswith(_INVALID_REQUEST):
            record.msg, record.args = "Invalid request (client address and detail not logged)", ()
        return True


class CoachLogger(Logger):
    """gunicorn's logger with Coach's formatter (JSON lines when ``COACH_LOG_FORMAT=json``;
    an exception as its class names and frames, never its message) and request details cut."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        formatter = formatter_for(read_setting("LOG_FORMAT"))
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)
        if not any(isinstance(f, WithoutRequestDetails) for f in self.error_log.filters):
            self.error_log.addFilter(WithoutRequestDetails())
