"""Friendly error pages (or JSON errors, when JSON was asked for) that never show a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from coach.engines import EngineUnavailable
from coach.errors import Conflict, NoRoom, ServiceError, TooLarge, UnusableRecording

log = logging.getLogger(__name__)

_MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is no page here. It may have moved, or the link is wrong."),
    405: ("Not allowed", "That action cannot be done this way."),
    413: ("Too large", "That upload is larger than this server accepts."),
    422: ("Cannot use this file", "The file was read and refused."),
    503: (
        "Busy",
        "The server ran short of memory for this request. Nothing was saved; please try "
        "again in a minute.",
    ),
    507: ("No room", "The server has no room to store this right now. Nothing was saved."),
    500: ("Something went wrong", "The error has been logged. Please try again shortly."),
}


# What each kind of refusal a service raises is, in HTTP terms (anything else: 400).
_REFUSAL_CODES: tuple[tuple[type[ServiceError], int], ...] = (
    (TooLarge, 413),
    (UnusableRecording, 422),
    (NoRoom, 507),
    (Conflict, 409),
)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(MemoryError, _out_of_memory)
    app.register_error_handler(Exception, _unexpected_error)
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.register_error_handler(EngineUnavailable, _engine_unavailable)


# Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER_S = 10


def unavailable(code: int, title: str, message: str, retry_after: int) -> Response:
    """A 429/503 answer with Retry-After: JSON when asked, else a page needing no database."""
    if wants_json():
        response = jsonify(error=message)
    else:
        # Straight from the template, without the context processors: they read the
        # signed-in user, which needs the database this page may be about.
        page = current_app.jinja_env.get_template("errors/unavailable.html").render(
            code=code, title=title, message=message, retry_after=retry_after
        )
        response = Response(page, mimetype="text/html")
    response.status_code = code
    response.headers["Retry-After"] = str(retry_after)
    return response


def _database_unavailable(error: DBAPIError) -> Response:
    log.warning("database error on %s: %s", request.endpoint, type(error.orig).__name__)
    return unavailable(
        503,
        "Temporarily unavailable",
        "Coach cannot reach its database just now. Please try again in a moment.",
        RETRY_AFTER_S,
    )


def _engine_unavailable(error: EngineUnavailable) -> Response:
    log.warning("engine unavailable on %s: %s", request.endpoint, error)
    return unavailable(
        503,
        "Temporarily unavailable",
        f"This needs the {error.engine}, which is not available on this server just now "
        "(an administrator can run `flask coach doctor` to see why). Please try again later.",
        RETRY_AFTER_S * 6,
    )


def wants_json() -> bool:
    """Whether the client asked for JSON (the recorder's fetch, any XHR, a ``*.json``
    endpoint) rather than a page."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def refusal_code(error: ServiceError) -> int:
    """The HTTP status for a service's refusal: 413 too large, 422 unusable, 507 no room."""
    return next((code for kind, code in _REFUSAL_CODES if isinstance(error, kind)), 400)


def _render(code: int, detail: str | None = None) -> tuple[str | Response, int]:
    title, message = _MESSAGES.get(code, (f"Error {code}", "The request could not be completed."))
    if wants_json():
        return jsonify(error=detail or message), code
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def _csrf_error(error: CSRFError) -> tuple[str | Response, int]:
    log.warning("CSRF check failed on %s: %s", request.endpoint, error.description)
    return _render(
        400,
        "This form has expired or was changed outside the page (security token missing or "
        "invalid). Reload the page and submit it again; nothing was saved.",
    )


def _http_error(error: HTTPException) -> tuple[str | Response, int]:
    return _render(error.code or 500)


def _out_of_memory(_error: MemoryError) -> tuple[str | Response, int]:
    log.error("out of memory on %s", request.endpoint)
    return _render(503)


def _unexpected_error(error: Exception) -> tuple[str | Response, int]:
    log.exception("unhandled error on %s", request.endpoint)
    return _render(500)
