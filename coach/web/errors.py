"""Friendly error pages that never show a traceback."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

_MESSAGES = {
    400: ("Bad request", "The request could not be understood. Go back and try again."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is no page here. It may have moved, or the link is wrong."),
    405: ("Not allowed", "That action cannot be done this way."),
    413: ("Too large", "That upload is larger than this server accepts."),
    500: ("Something went wrong", "The error has been logged. Please try again shortly."),
}


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = _MESSAGES.get(code, (f"Error {code}", "The request could not be completed."))
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    log.warning("CSRF check failed on %s: %s", request.endpoint, error.description)
    return _render(
        400,
        "This form has expired or was changed outside the page (security token missing or "
        "invalid). Reload the page and submit it again; nothing was saved.",
    )


def _http_error(error: HTTPException) -> tuple[str, int]:
    return _render(error.code or 500)


def _unexpected_error(error: Exception) -> tuple[str, int]:
    log.exception("unhandled error on %s", request.endpoint)
    return _render(500)
