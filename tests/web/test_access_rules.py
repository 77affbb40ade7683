"""Every route declares an access rule, and the rules hold for each role."""

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.web.access import rule_for


def test_every_route_declares_an_access_rule(app: Flask) -> None:
    missing = [
        rule.endpoint for rule in app.url_map.iter_rules() if rule_for(rule.endpoint, app) is None
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("priya", "/admin/users", 403),
        ("priya", "/team", 403),
        ("priya", "/compliance", 403),
        ("coach", "/admin/teams", 403),
        ("coach", "/team", 200),
        ("compliance", "/compliance", 200),
        ("compliance", "/admin/audit", 403),
        ("admin", "/admin/audit", 200),
        ("admin", "/compliance", 200),
    ],
)
def test_role_rules(client: FlaskClient, sign_in_as, who: str, path: str, status: int) -> None:
    sign_in_as(who)
    assert client.get(path).status_code == status


def test_coach_sees_own_trainee_but_trainee_not_a_peer(
    client: FlaskClient, sign_in_as, people
) -> None:
    sign_in_as("coach")
    assert client.get(f"/people/{people['sam'].user_id}").status_code == 200
    assert client.get(f"/people/{people['compliance'].user_id}").status_code == 404
    client.get("/")
    other = client.application.test_client()
    from tests.helpers import sign_in

    sign_in(other, people["priya"])
    assert other.get(f"/people/{people['sam'].user_id}").status_code == 404
    assert other.get(f"/people/{people['priya'].user_id}").status_code == 200


def test_forbidden_page_is_friendly(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("priya")
    body = client.get("/admin/users").get_data(as_text=True)
    assert "Your account does not have access" in body and "Traceback" not in body
