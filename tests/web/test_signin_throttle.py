"""Sign-in throttling per account and per client address, shared by every process."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from coach.extensions import db
from coach.models import SignInFailure
from coach.models._columns import utcnow
from tests.helpers import Login, csrf_token


def _attempt(
    client: FlaskClient, email: str, password: str, headers: dict[str, str] | None = None
) -> int:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers=headers or {},
    )
    return response.status_code


def _fail(
    client: FlaskClient, email: str, times: int, headers: dict[str, str] | None = None
) -> None:
    for _ in range(times):
        assert _attempt(client, email, "not the password", headers) == 401


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_the_right_password_is_refused_after_too_many_failures(app: Flask, people) -> None:
    priya: Login = people["priya"]
    limit = app.config["COACH"]["SIGNIN_MAX_FAILURES"]
    client = app.test_client()
    _fail(client, priya.email, limit)
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": priya.email, "password": priya.password, "csrf_token": token}
    )
    assert response.status_code == 429 and response.mimetype == "text/html"
    window = app.config["COACH"]["SIGNIN_WINDOW_MINUTES"]
    assert 0 < int(response.headers["Retry-After"]) <= window * 60
    body = response.get_data(as_text=True)
    assert "Too many failed sign-in attempts" in body
    assert f"Wait {window} minutes" in body
    assert client.get("/").status_code == 302  # not signed in


def test_the_account_is_throttled_from_any_address(app: Flask, people) -> None:
    priya = people["priya"]
    for number in range(app.config["COACH"]["SIGNIN_MAX_FAILURES"]):
        _fail(_from(app, f"192.0.2.{number + 1}"), priya.email, 1)
    assert _attempt(_from(app, "198.51.100.7"), priya.email, priya.password) == 429
    # Other accounts are not affected.
    assert _attempt(_from(app, "198.51.100.7"), people["sam"].email, people["sam"].password) == 302


def test_success_clears_the_accounts_failures(app: Flask, people) -> None:
    priya = people["priya"]
    limit = app.config["COACH"]["SIGNIN_MAX_FAILURES"]
    client = app.test_client()
    _fail(client, priya.email, limit - 1)
    assert _attempt(client, priya.email, priya.password) == 302
    other = app.test_client()
    _fail(other, priya.email, limit - 1)
    assert _attempt(other, priya.email, priya.password) == 302


def test_failures_age_out_of_the_window(app: Flask, people) -> None:
    priya = people["priya"]
    client = app.test_client()
    _fail(client, priya.email, app.config["COACH"]["SIGNIN_MAX_FAILURES"])
    assert _attempt(client, priya.email, priya.password) == 429
    window = app.config["COACH"]["SIGNIN_WINDOW_MINUTES"]
    with app.app_context():
        db.session.execute(
            update(SignInFailure)
            .values(at=utcnow() - timedelta(minutes=window, seconds=1))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    assert _attempt(client, priya.email, priya.password) == 302


def test_an_address_guessing_across_accounts_is_throttled(
    app: Flask, people, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config["COACH"], "SIGNIN_MAX_FAILURES_PER_ADDRESS", 3)
    attacker = _from(app, "203.0.113.9")
    for key in ("priya", "sam", "jordan"):
        _fail(attacker, people[key].email, 1)
    assert _attempt(attacker, people["coach"].email, people["coach"].password) == 429
    colleague = _from(app, "203.0.113.10")
    assert _attempt(colleague, people["coach"].email, people["coach"].password) == 302


def test_unknown_accounts_are_throttled_like_known_ones(app: Flask, people) -> None:
    client = app.test_client()
    ghost = "ghost@demo.coach"
    _fail(client, ghost, app.config["COACH"]["SIGNIN_MAX_FAILURES"])
    assert _attempt(client, ghost, "not the password") == 429


def test_the_count_holds_across_processes(
    app: Flask, people, sibling_app: Callable[..., Flask]
) -> None:
    priya = people["priya"]
    _fail(app.test_client(), priya.email, app.config["COACH"]["SIGNIN_MAX_FAILURES"])
    other_process = sibling_app().test_client()
    assert _attempt(other_process, priya.email, priya.password) == 429


def test_forwarded_for_is_ignored_unless_a_proxy_is_trusted(app: Flask, people) -> None:
    """Without COACH_TRUST_PROXY a client cannot pick a fresh address per guess."""
    client = _from(app, "203.0.113.9")
    for number in range(app.config["COACH"]["SIGNIN_MAX_FAILURES"]):
        _fail(client, people["priya"].email, 1, headers={"X-Forwarded-For": f"10.0.0.{number}"})
    with app.app_context():
        query = select(SignInFailure.subject).where(SignInFailure.scope == "address")
        addresses = set(db.session.scalars(query))
    assert addresses == {"203.0.113.9"}


def test_a_trusted_proxy_supplies_the_client_address(
    app: Flask, people, sibling_app: Callable[..., Flask]
) -> None:
    behind_proxy = sibling_app(TRUST_PROXY=1, SIGNIN_MAX_FAILURES_PER_ADDRESS=2)
    proxy = behind_proxy.test_client()
    proxy.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    for key in ("priya", "sam"):
        _fail(proxy, people[key].email, 1, headers={"X-Forwarded-For": "203.0.113.9"})
    coach = people["coach"]
    refused = _attempt(proxy, coach.email, coach.password, {"X-Forwarded-For": "203.0.113.9"})
    assert refused == 429
    allowed = _attempt(proxy, coach.email, coach.password, {"X-Forwarded-For": "203.0.113.10"})
    assert allowed == 302


def test_the_log_names_the_limit_but_not_the_account_or_address(
    app: Flask, people, caplog: pytest.LogCaptureFixture
) -> None:
    priya = people["priya"]
    client = _from(app, "203.0.113.9")
    _fail(client, priya.email, app.config["COACH"]["SIGNIN_MAX_FAILURES"])
    with caplog.at_level("INFO", logger="coach"):
        assert _attempt(client, priya.email, priya.password) == 429
    assert "too many failures by account" in caplog.text
    assert priya.email not in caplog.text and "203.0.113.9" not in caplog.text


def test_a_stolen_session_cannot_guess_the_password_on_the_change_form(
    app: Flask, client: FlaskClient, sign_in_as, people
) -> None:
    priya = sign_in_as("priya")
    new = "Harbour-violet-392"
    for _ in range(app.config["COACH"]["SIGNIN_MAX_FAILURES"]):
        token = csrf_token(client, "/account/password")
        wrong = client.post(
            "/account/password",
            data={"current": "a guess", "new": new, "confirm": new, "csrf_token": token},
        )
        assert wrong.status_code == 400
        assert "current password is not correct" in wrong.get_data(as_text=True)
    token = csrf_token(client, "/account/password")
    right = client.post(
        "/account/password",
        data={"current": priya.password, "new": new, "confirm": new, "csrf_token": token},
    )
    assert right.status_code == 429 and "Retry-After" in right.headers
    assert "Too many failed sign-in attempts" in right.get_data(as_text=True)
    # The guesses count against the account everywhere, sign-in included.
    assert _attempt(app.test_client(), priya.email, priya.password) == 429
