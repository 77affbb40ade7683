"""Liveness and readiness for a load balancer or an orchestrator, without signing in.

``/healthz`` answers while the process can answer at all; ``/readyz`` says whether it can
serve: the database answers, and Redis does when jobs go through rq. A failing check is named
but not explained (the reason, logged here, may describe the infrastructure).
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify

from coach.jobs.doctor import readiness
from coach.web.access import PUBLIC, allow

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@bp.route("/healthz")
@allow(PUBLIC)
def live() -> Response:
    return jsonify(status="ok")


@bp.route("/readyz")
@allow(PUBLIC)
def ready() -> tuple[Response, int]:
    checks = readiness()
    for check in checks:
        if check.problem is not None:
            log.warning("not ready: %s: %s", check.name, check.problem)
    failing = [check.name for check in checks if check.problem is not None]
    body = jsonify(
        status="unavailable" if failing else "ok",
        checks={check.name: "failing" if check.problem else "ok" for check in checks},
    )
    return body, 503 if failing else 200
