"""Administration pages: invite people, edit roles, build teams."""

from flask.testing import FlaskClient

from tests.helpers import csrf_token


def test_admin_invites_a_person_and_sees_the_one_time_password(
    client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("admin")
    token = csrf_token(client, "/admin/users")
    response = client.post(
        "/admin/users",
        data={
            "email": "lena@demo.coach",
            "name": "Lena <b>Ng</b>",
            "roles": ["trainee"],
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "one-time password" in body
    assert "Lena &lt;b&gt;Ng&lt;/b&gt;" in body and "<b>Ng</b>" not in body


def test_duplicate_email_form_shows_error_and_keeps_input(
    client: FlaskClient, sign_in_as, people
) -> None:
    sign_in_as("admin")
    token = csrf_token(client, "/admin/users")
    response = client.post(
        "/admin/users",
        data={
            "email": people["sam"].email,
            "name": "Sam Again",
            "roles": ["trainee"],
            "csrf_token": token,
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "already exists" in body and 'value="Sam Again"' in body


def test_invalid_email_and_missing_role_are_explained(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("admin")
    token = csrf_token(client, "/admin/users")
    response = client.post(
        "/admin/users", data={"email": "not-an-email", "name": "X Y", "csrf_token": token}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Invalid email address" in body and "This field is required" in body


def test_admin_builds_a_team(client: FlaskClient, sign_in_as, people) -> None:
    sign_in_as("admin")
    token = csrf_token(client, "/admin/teams")
    response = client.post(
        "/admin/teams",
        data={"name": "Team East", "coach_id": str(people["coach"].user_id), "csrf_token": token},
    )
    assert response.status_code == 302
    team_page = response.headers["Location"]
    response = client.post(
        team_page,
        data={
            "add-user_id": str(people["sam"].user_id),
            "add-submit": "Add to team",
            "add-csrf_token": token,
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    body = response.get_data(as_text=True)
    assert "Trainee added." in body and "Sam Trainee" in body


def test_admin_edits_roles(client: FlaskClient, sign_in_as, people) -> None:
    sign_in_as("admin")
    path = f"/admin/users/{people['jordan'].user_id}"
    token = csrf_token(client, path)
    response = client.post(
        path,
        data={
            "name": "Jordan T",
            "roles": ["trainee", "coach"],
            "active": "y",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert "Changes saved." in response.get_data(as_text=True)
    assert "Coach" in client.get("/admin/users").get_data(as_text=True)
