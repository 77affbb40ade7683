"""The token pages: create (the secret shown once), list, revoke; an administrator's view of
the organisation's tokens."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import ApiToken, AuditEntry
from tests.helpers import Login, csrf_token, sign_in

PAGE = "/account/api-tokens"
SECRET = re.compile(r'id="token-secret"[^>]*value="(coach_[A-Za-z0-9_-]{43})"')


def _create(client: FlaskClient, name: str, expires_on: str = "") -> tuple[int, str]:
    response = client.post(
        PAGE,
        data={"csrf_token": csrf_token(client, PAGE), "name": name, "expires_on": expires_on},
    )
    return response.status_code, response.get_data(as_text=True)


def test_a_created_token_is_shown_once_and_works(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    sign_in(client, people["priya"])
    status, page = _create(client, "LMS sync <b>")
    assert status == 201
    match = SECRET.search(page)
    assert match, page
    secret = match.group(1)
    assert "LMS sync &lt;b&gt;" in page and "LMS sync <b>" not in page
    again = client.get(PAGE).get_data(as_text=True)
    assert secret not in again and secret[:12] in again
    with app.app_context():
        stored = db.session.query(ApiToken).one()
        assert secret not in (stored.secret_sha256, stored.prefix)
        assert db.session.query(AuditEntry).filter_by(action="api_token_created").count() == 1
    api = app.test_client()
    response = api.get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_bad_forms_are_refused_with_a_message_and_create_nothing(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    sign_in(client, people["priya"])
    status, page = _create(client, "   ")
    assert status == 400 and "Give the token a name" in page
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    status, page = _create(client, "LMS", yesterday)
    assert status == 400 and "after today" in page
    status, page = _create(client, "LMS", "31/01/2027")
    assert status == 400 and "Not a valid date" in page
    missing_csrf = client.post(PAGE, data={"name": "LMS"})
    assert missing_csrf.status_code == 400
    with app.app_context():
        assert db.session.query(ApiToken).count() == 0


def test_the_owner_revokes_a_token_and_it_stops_working(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    sign_in(client, people["sam"])
    secret = SECRET.search(_create(client, "HR")[1]).group(1)
    with app.app_context():
        token_id = db.session.query(ApiToken).one().id
    revoke = f"{PAGE}/{token_id}/revoke"
    response = client.post(revoke, data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    page = client.get(PAGE).get_data(as_text=True)
    assert "is revoked" in page and "Revoked " in page
    again = client.post(
        revoke, data={"csrf_token": csrf_token(client, PAGE)}, follow_redirects=True
    )
    assert "already revoked" in again.get_data(as_text=True)
    api = app.test_client().get("/api/v1/people", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401 and api.get_json()["error"]["code"] == "token_revoked"


def test_an_administrator_sees_and_revokes_the_organisations_tokens(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    sign_in(client, people["jordan"])
    _create(client, "Jordan's LMS")
    with app.app_context():
        token_id = db.session.query(ApiToken).one().id
    admin = app.test_client()
    sign_in(admin, people["admin"])
    listing = admin.get("/admin/api-tokens").get_data(as_text=True)
    assert "Jordan&#39;s LMS" in listing and "Jordan" in listing
    assert 'href="/admin/api-tokens"' in admin.get("/admin/users").get_data(as_text=True)
    response = admin.post(
        f"{PAGE}/{token_id}/revoke", data={"csrf_token": csrf_token(admin, "/admin/api-tokens")}
    )
    assert response.headers["Location"] == "/admin/api-tokens"
    listing = admin.get("/admin/api-tokens").get_data(as_text=True)
    assert "by " in listing and "Revoked" in listing
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="api_token_revoked").one()
        assert entry.target_id == token_id and entry.detail == {"by": "admin"}


def test_my_data_links_to_the_token_page(client: FlaskClient, people: dict[str, Login]) -> None:
    sign_in(client, people["coach"])
    assert f'href="{PAGE}"' in client.get("/my-data/").get_data(as_text=True)
