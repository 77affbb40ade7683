"""Friendly error pages (or JSON errors, when JSON was asked for) that never show a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from coach.errors import NoRoom, ServiceError, TooLarge, UnusableRecording

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
)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(MemoryError, _out_of_memory)
    app.register_error_handler(Exception, _unexpected_error)


def wants_json() -> bool:
    """Whether the client asked for JSON (the recorder's fetch, any XHR) rather than a page."""
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        return True
    return request.accept_mimetypes.best == "application/json"


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
