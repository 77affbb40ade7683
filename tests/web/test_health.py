"""Liveness and readiness for a load balancer: no sign-in, JSON, 503 with the failing
dependency named (never its error text) when the database or Redis does not answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient


def test_liveness_answers_anyone_without_touching_the_database(client: FlaskClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}
    assert answer.headers["Content-Type"].startswith("application/json")


def test_ready_when_the_database_answers(client: FlaskClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok", "checks": {"database": "ok"}}


def test_not_ready_when_the_database_does_not_answer(
    sibling_app: Callable[..., Flask],
) -> None:
    unreachable = sibling_app(DATABASE_URL="postgresql+psycopg://coach@127.0.0.1:1/none")
    answer = unreachable.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json() == {"status": "unavailable", "checks": {"database": "failing"}}
    assert unreachable.test_client().get("/healthz").status_code == 200  # alive, not ready


@pytest.mark.redis
def test_with_rq_readiness_also_needs_redis(
    sibling_app: Callable[..., Flask], redis_url: str
) -> None:
    working = sibling_app(JOB_RUNNER="rq", REDIS_URL=redis_url).test_client().get("/readyz")
    assert working.status_code == 200
    assert working.get_json()["checks"] == {"database": "ok", "redis": "ok"}
    down = sibling_app(JOB_RUNNER="rq", REDIS_URL="redis://127.0.0.1:1/0")
    answer = down.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"] == {"database": "ok", "redis": "failing"}
    assert "Connection" not in answer.get_data(as_text=True)  # no error text for the public
