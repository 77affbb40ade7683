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
