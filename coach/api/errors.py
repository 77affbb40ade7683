"""The API's one error shape, ``{"error": {"code", "message"}}``, for every refusal.

Errors raised in the API's views reach the blueprint's handlers; a URL under the API that
matches no route, or a method it does not take, fails in routing, before any blueprint is
known, so :func:`install` puts the same shape in front of the app's own handlers for paths
under ``PREFIX`` (and leaves every other path to them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request
from flask.typing import ErrorHandlerCallable
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from coach.errors import NotFound, ServiceError
from coach.services.user_limits import RateLimited
from coach.web.errors import RETRY_AFTER_S

PREFIX = "/api/"
REALM = 'Bearer realm="Coach API"'
log = logging.getLogger(__name__)

_HTTP = {
    400: ("bad_request", "The request could not be understood."),
    401: ("unauthorized", "Send a valid API token: Authorization: Bearer <token>."),
    404: ("not_found", "There is nothing at this address, or you may not see it."),
    405: ("method_not_allowed", "The API is read-only: only GET is allowed."),
    500: ("server_error", "Something went wrong on the server; it has been logged."),
}


class BadParameter(ServiceError):
    """A query parameter is not usable; ``parameter`` names it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def api_error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: str
) -> Response:
    response = jsonify(error={"code": code, "message": message, **extra})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def unauthorized(code: str, message: str) -> Response:
    """401 with the challenge RFC 6750 asks for (``error="invalid_token"`` for a bad one)."""
    challenge = REALM if code == "missing_token" else f'{REALM}, error="invalid_token"'
    return api_error(401, code, message, {"WWW-Authenticate": challenge})


def register(bp: Blueprint) -> None:
    """The handlers of errors raised inside the API's views."""
    bp.register_error_handler(BadParameter, _bad_parameter)
    bp.register_error_handler(NotFound, _not_found)
    bp.register_error_handler(RateLimited, _rate_limited)
    bp.register_error_handler(ServiceError, _refused)
    bp.register_error_handler(HTTPException, _http_error)
    bp.register_error_handler(DBAPIError, _database_unavailable)
    bp.register_error_handler(Exception, _unexpected)


def install(app: Flask) -> None:
    """Answer in the API's shape for routing errors and failures under ``PREFIX``; call after
    the app's own handlers are registered (they keep every other path)."""
    for kind, handler in (
        (HTTPException, _http_error),
        (DBAPIError, _database_unavailable),
        (Exception, _unexpected),
    ):
        previous = app.error_handler_spec[None][None].get(kind)
        app.register_error_handler(kind, _for_api_paths(handler, previous))


def _for_api_paths(
    handler: Callable[..., Response], previous: ErrorHandlerCallable | None
) -> ErrorHandlerCallable:
    def choose(error: Any) -> Any:  # whatever ``previous`` answers (Flask's own union)
        if request.path.startswith(PREFIX) or previous is None:
            return handler(error)
        return previous(error)

    return choose


def _bad_parameter(error: BadParameter) -> Response:
    return api_error(400, "bad_parameter", str(error), parameter=error.parameter)


def _not_found(error: NotFound) -> Response:
    return api_error(404, "not_found", str(error))


def _refused(error: ServiceError) -> Response:
    return api_error(400, "bad_request", str(error))


def _rate_limited(error: RateLimited) -> Response:
    return api_error(429, "rate_limited", str(error), {"Retry-After": str(error.retry_after)})


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    code, message = _HTTP.get(status, (f"http_{status}", error.description or ""))
    headers = {"Allow": "GET, HEAD, OPTIONS"} if status == 405 else None
    return api_error(status, code, message, headers)


def _database_unavailable(error: DBAPIError) -> Response:
    log.warning("database error on %s: %s", request.endpoint, type(error.orig).__name__)
    return api_error(
        503,
        "unavailable",
        "Coach cannot reach its database just now. Try again in a moment.",
        {"Retry-After": str(RETRY_AFTER_S)},
    )


def _unexpected(_error: BaseException) -> Response:
    log.exception("unhandled error on %s", request.endpoint)
    code, message = _HTTP[500]
    return api_error(500, code, message)
