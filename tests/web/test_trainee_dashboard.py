"""The trainee's dashboard names their team and its coach, and no one else's."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from coach.services.demo import DEMO_TEAM
from tests.helpers import Login


def test_a_trainee_sees_their_team_and_who_coaches_it(
    client: FlaskClient, sign_in_as: Callable[[str], Login]
) -> None:
    sign_in_as("priya")
    body = client.get("/").get_data(as_text=True)
    card = body[body.index("Your team</h3>") :].split("</div>", 1)[0]
    assert f"<strong>{DEMO_TEAM}</strong> — coached by Morgan Coach" in card
    assert "not in a team yet" not in card
