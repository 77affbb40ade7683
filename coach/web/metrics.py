"""``GET /metrics`` for Prometheus, and the request timing behind it.

The endpoint exists only when ``COACH_METRICS_TOKEN`` is set, and answers only a scraper
presenting it as a bearer token: the figures are not personal, but request and job volumes
describe the business, and a public endpoint would hand them to anyone.
"""

from __future__ import annotations

import hmac
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request

from coach.observability import metrics
from coach.web.access import PUBLIC, allow

bp = Blueprint("metrics", __name__)
_UNTIMED = {"static", "metrics.scrape"}


@bp.route("/metrics")
@allow(PUBLIC)
def scrape() -> Response:
    token = current_app.config["COACH"]["METRICS_TOKEN"]
    if not token:
        abort(404)
    presented = request.headers.get("Authorization", "")
    if not hmac.compare_digest(presented.encode(), f"Bearer {token}".encode()):
        return Response(
            "A valid bearer token is required.\n",
            status=401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(metrics.exposition(), content_type=metrics.CONTENT_TYPE)


def install(app: Flask) -> None:
    """Time every request from its first hook (so one refused by the access check counts)."""
    app.before_request(_start_timer)
    app.after_request(_observe)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.pop("metrics_started", None)
    endpoint = request.endpoint or "unmatched"
    if started is not None and endpoint not in _UNTIMED:
        elapsed = time.perf_counter() - started
        metrics.observe_request(request.method, endpoint, response.status_code, elapsed)
    return response
