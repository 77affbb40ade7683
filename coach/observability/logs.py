"""Structured logs without personal data: JSON lines (or text), request ids, access lines.

``COACH_LOG_FORMAT=json`` writes one JSON object per line to stderr::

    {"ts": "2025-01-31T09:15:02.123Z", "level": "INFO", "logger": "coach.access",
     "message": "request", "request_id": "3f2a…", "method": "GET",
     "endpoint": "calls.detail", "route": "/calls/<id:call_id>", "status": 200,
     "duration_ms": 12.5}

Every line has ``ts`` (UTC, milliseconds), ``level``, ``logger`` and ``message``; a line
logged while a request is served has ``request_id``; structured fields given as
``log.info("...", extra={"fields": {"call_id": 7}})`` become top-level keys (a field named
like one of the fixed keys is written as ``field_<name>``). An exception adds ``exc_type``
(its class name), ``exc_chain`` (the class names of its causes, when it has any) and
``traceback`` (``file:line in function`` frames): never the exception's message, which may
quote SQL parameters, a transcript or an email address.

The text format (the default) is the same information on one line per record,
``<time> <LEVEL> <logger>: [<request id>] <message> key=value …``, with exceptions shown the
same way, as frames without messages.

Personal data stays out by construction, not by filtering: the access line names the route
template (``/calls/<id:call_id>``), never the path or the query string, and carries no client
address or user agent; what Coach logs elsewhere is ids and class names.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
import uuid
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from flask import Flask, Response, g, has_request_context, request

FORMATS = ("text", "json")
REQUEST_ID_HEADER = "X-Request-ID"
# An incoming request id is kept only when it is this plain (a proxy's or a load balancer's
# id); anything else, which could be any text a client chose, is replaced by a fresh one.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
ACCESS_LOGGER = "coach.access"
access_log = logging.getLogger(ACCESS_LOGGER)
# Probed every few seconds by each load balancer: a healthy answer is logged at DEBUG so it
# does not drown the requests of people; a failing one stays at INFO, where it is wanted.
_PROBES = frozenset({"health.live", "health.ready"})
_FIXED_KEYS = frozenset(
    {"ts", "level", "logger", "message", "request_id", "exc_type", "exc_chain", "traceback"}
)
_OWN_HANDLER = "_coach_log_handler"
_PREVIOUS_FORMATTER = "_coach_previous_formatter"
_werkzeug_level_set = False


# --- request ids --------------------------------------------------------------------------


def valid_request_id(value: str | None) -> bool:
    return value is not None and _REQUEST_ID.fullmatch(value) is not None


def request_id_for(header: str | None) -> str:
    """The incoming header when it is a plain id (8-64 of ``A-Za-z0-9._-``), else a new one."""
    return header if header is not None and valid_request_id(header) else uuid.uuid4().hex


def current_request_id() -> str | None:
    """The id of the request being served (made now if no hook made it yet), or None."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        g.request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
    return str(g.request_id)


# --- formatters ---------------------------------------------------------------------------


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _record_request_id(record: logging.LogRecord) -> str | None:
    explicit = getattr(record, "request_id", None)
    return str(explicit) if explicit is not None else current_request_id()


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, "fields", None)
    if not isinstance(fields, dict):
        return {}
    return {(f"field_{key}" if key in _FIXED_KEYS else str(key)): v for key, v in fields.items()}


def _cause(error: BaseException | None) -> BaseException | None:
    """What ``error`` was raised from, as a traceback would show it."""
    if error is None:
        return None
    if error.__cause__ is not None or error.__suppress_context__:
        return error.__cause__
    return error.__context__


def _exception_parts(
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None],
) -> dict[str, Any]:
    """The exception's class, its causes' classes and its frames: no message, no locals."""
    exc_type, error, tb = exc_info
    chain: list[str] = []
    seen = {id(error)}
    cause = _cause(error)
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        chain.append(type(cause).__name__)
        cause = _cause(cause)
    frames = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
    parts: dict[str, Any] = {"exc_type": exc_type.__name__}
    if chain:
        parts["exc_chain"] = chain
    parts["traceback"] = frames
    return parts


def _exc_info(record: logging.LogRecord) -> Any:
    info = record.exc_info
    return info if info and info[0] is not None else None


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line; see the module's docstring for the keys."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _record_request_id(record)
        if request_id is not None:
            line["request_id"] = request_id
        line.update(_fields(record))
        info = _exc_info(record)
        if info is not None:
            line.update(_exception_parts(info))
        # ASCII keeps each record on exactly one line whatever the text (no raw U+2028).
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    """``<time> <LEVEL> <logger>: [<request id>] <message> key=value …``, then any exception
    as its class and frames only (never its message, nor a cached ``exc_text``)."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"{self.formatTime(record)} {record.levelname} {record.name}: "
        request_id = _record_request_id(record)
        if request_id is not None:
            text += f"[{request_id}] "
        text += record.getMessage()
        for key, value in _fields(record).items():
            text += f" {key}={json.dumps(value, default=str)}"
        info = _exc_info(record)
        if info is not None:
            parts = _exception_parts(info)
            chain = "".join(f" (from {name})" for name in parts.get("exc_chain", []))
            text += f"\n{parts['exc_type']}{chain} (message not logged); traceback:"
            text += "".join(f"\n  {frame}" for frame in parts["traceback"])
        return text


# --- set-up -------------------------------------------------------------------------------


def _is_plain_stdlib_handler(handler: logging.Handler) -> bool:
    """A stream or file handler of the standard library's own classes, as
    ``logging.basicConfig`` or an operator's dictConfig makes: its lines are what is shipped.
    Subclasses from elsewhere (pytest's capture handlers) keep the formatter they chose."""
    return isinstance(handler, logging.StreamHandler) and type(handler).__module__.startswith(
        "logging"
    )


def formatter_for(fmt: str) -> logging.Formatter:
    """Coach's formatter for ``COACH_LOG_FORMAT``: also given to gunicorn's own log
    (deploy/gunicorn.conf.py), so that its lines are as structured and message-free."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}")
    return JsonFormatter() if fmt == "json" else TextFormatter()


def configure(level: str, fmt: str) -> None:
    """Set Coach's level and the log format; safe to call again (each app built calls it).

    With no handler on the root logger, a stderr handler with the chosen formatter is added
    (once: later calls change its formatter). Handlers someone else put there are kept; in
    JSON mode the plain stdlib ones among them get the JSON formatter too (and get their
    own back if a later call asks for text), so that every line on stderr is JSON.
    """
    formatter = formatter_for(fmt)
    global _werkzeug_level_set
    logging.getLogger("coach").setLevel(level)
    # SQL statement logging stays off whatever the root logger says: the statements'
    # neighbours in a log are the personal data they carry.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    root = logging.getLogger()
    own = [handler for handler in root.handlers if getattr(handler, _OWN_HANDLER, False)]
    if not root.handlers:
        handler = logging.StreamHandler()  # stderr
        setattr(handler, _OWN_HANDLER, True)
        root.addHandler(handler)
        own = [handler]
    for handler in own:
        handler.setFormatter(formatter)
    for handler in root.handlers:
        if handler in own or not _is_plain_stdlib_handler(handler):
            continue
        if fmt == "json":
            if not hasattr(handler, _PREVIOUS_FORMATTER):
                setattr(handler, _PREVIOUS_FORMATTER, handler.formatter)
            handler.setFormatter(formatter)
        elif hasattr(handler, _PREVIOUS_FORMATTER):
            handler.setFormatter(getattr(handler, _PREVIOUS_FORMATTER))
            delattr(handler, _PREVIOUS_FORMATTER)
    werkzeug = logging.getLogger("werkzeug")
    if fmt == "json":
        # The development server's own line per request carries the client's IP address
        # and the full path with its query string; Coach writes its own access line
        # without them. Its warnings and errors (start-up notices) still come through.
        werkzeug.setLevel(logging.WARNING)
        _werkzeug_level_set = True
    elif _werkzeug_level_set:
        werkzeug.setLevel(logging.NOTSET)  # werkzeug picks its own (INFO) on first use
        _werkzeug_level_set = False


# --- per-request hooks --------------------------------------------------------------------


def install_request_logging(app: Flask) -> None:
    """Give every request an id (echoed as ``X-Request-ID``) and one access line.

    The start hook goes first among the app's hooks, so a request another hook refuses
    (the CSRF check, the access check) is still timed; ``after_request`` writes the line,
    and ``teardown_request`` writes it (as a 500) for a request whose exception escaped
    every handler, so that no request is logged twice or not at all."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_finish_request)
    app.teardown_request(_teardown_request)


def _start_request() -> None:
    current_request_id()
    g.access_started = time.perf_counter()


def _finish_request(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = current_request_id() or ""
    _log_access(response.status_code)
    return response


def _teardown_request(_error: BaseException | None) -> None:
    # Only a request that was dispatched: a ``test_request_context`` made by code or tests
    # also tears down, and is no request served.
    if "access_started" in g:
        _log_access(500)


def _log_access(status: int) -> None:
    if g.get("access_logged"):
        return
    g.access_logged = True
    endpoint = request.endpoint
    if endpoint == "static":
        return
    started = g.get("access_started")
    duration = None if started is None else round((time.perf_counter() - started) * 1000, 1)
    rule = request.url_rule
    level = logging.DEBUG if endpoint in _PROBES and status < 400 else logging.INFO
    access_log.log(
        level,
        "request",
        extra={
            "fields": {
                "method": request.method,
                "endpoint": endpoint,
                "route": rule.rule if rule is not None else None,
                "status": status,
                "duration_ms": duration,
            }
        },
    )
