"""Sign-in, sign-out, CSRF and password change through HTTP."""

from flask.testing import FlaskClient

from tests.helpers import csrf_token, sign_in


def test_anonymous_visitor_is_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/users")


def test_wrong_password_shows_clear_message(client: FlaskClient, people) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": people["priya"].email, "password": "not-it", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Email or password is not correct" in response.get_data(as_text=True)


def test_unknown_email_gets_the_same_message(client: FlaskClient, people) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": "ghost@demo.coach", "password": "whatever-it-is", "csrf_token": token},
    )
    assert response.status_code == 401
    assert "Email or password is not correct" in response.get_data(as_text=True)


def test_missing_csrf_token_is_refused_with_explanation(client: FlaskClient, people) -> None:
    response = client.post(
        "/login", data={"email": people["priya"].email, "password": people["priya"].password}
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "security token" in body and "Traceback" not in body


def test_tampered_csrf_token_is_refused(client: FlaskClient, people) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "email": people["priya"].email,
            "password": people["priya"].password,
            "csrf_token": token[:-4] + "abcd",
        },
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still signed out


def test_sign_in_then_sign_out(client: FlaskClient, people) -> None:
    sign_in(client, people["coach"])
    assert "Your teams" in client.get("/").get_data(as_text=True)
    token = csrf_token(client, "/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_open_redirect_after_sign_in_is_ignored(client: FlaskClient, people) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login?next=https://evil.example.org/",
        data={
            "email": people["sam"].email,
            "password": people["sam"].password,
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/"


def test_invited_user_must_change_password_first(client: FlaskClient, people, app) -> None:
    from coach.models import Role
    from coach.services import accounts
    from tests.helpers import Login

    with app.app_context():
        invitation = accounts.create_user(
            None,
            organisation_id=1
            if False
            else accounts.find_by_email(people["admin"].email).organisation_id,
            email="new.hire@demo.coach",
            name="New Hire",
            roles=[Role.TRAINEE],
        )
        login = Login(
            Role.TRAINEE, invitation.user.email, invitation.temporary_password, invitation.user.id
        )
    sign_in(client, login)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    token = csrf_token(client, "/account/password")
    weak = client.post(
        "/account/password",
        data={"current": login.password, "new": "short", "confirm": "short", "csrf_token": token},
    )
    assert weak.status_code == 400 and "at least 12" in weak.get_data(as_text=True)
    done = client.post(
        "/account/password",
        data={
            "current": login.password,
            "new": "Harbour-violet-392",
            "confirm": "Harbour-violet-392",
            "csrf_token": token,
        },
    )
    assert done.status_code == 302
    assert client.get("/").status_code == 200
