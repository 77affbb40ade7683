"""Error pages are friendly and never leak a traceback."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from coach.extensions import db
from coach.services import overview


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page here" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_without_traceback(
    client: FlaskClient,
    sign_in_as,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in_as("coach")

    def explode(_user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(overview, "coach_overview", explode)
    response = client.get("/team")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body


@pytest.mark.parametrize(
    ("failure", "status", "message"),
    [(RuntimeError("secret internals"), 500, "The error has been logged"),
     (MemoryError(), 503, "ran short of memory")],
)  # fmt: skip
def test_errors_are_json_when_json_was_asked_for(
    client: FlaskClient,
    sign_in_as,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
    status: int,
    message: str,
) -> None:
    sign_in_as("coach")

    def explode(_user):
        raise failure

    monkeypatch.setattr(overview, "coach_overview", explode)
    response = client.get("/team", headers={"Accept": "application/json"})
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert message in response.get_json()["error"]
    assert "secret internals" not in response.get_data(as_text=True)


def test_a_connection_lost_while_closing_the_session_is_not_raised_from_teardown(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database restarted between the response and the session's closing rollback: the
    teardown must not raise past the error handlers (the client would get a bare 500)."""
    original_close = Session.close
    failed: list[bool] = []

    def close_once_on_a_dead_connection(session: Session) -> None:
        if not failed:
            failed.append(True)
            raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))
        original_close(session)

    monkeypatch.setattr(Session, "close", close_once_on_a_dead_connection)
    with app.app_context():
        dead = db.session()
        db.session.execute(text("SELECT 1"))
    # Leaving the context ran the teardowns without raising; the dead session was dropped.
    assert failed == [True]
    with app.app_context():
        assert db.session() is not dead
        assert db.session.execute(text("SELECT 1")).scalar() == 1
