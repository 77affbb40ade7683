"""Error pages are friendly and never leak a traceback."""

import pytest
from flask.testing import FlaskClient

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
