"""Server-side sessions: a copied cookie stops working when its session ends, for any reason."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from coach.extensions import db
from coach.models import UserSession
from coach.models._columns import utcnow
from coach.services.sessions import token_digest
from coach.web.auth import SESSION_ID
from tests.helpers import Login, csrf_token, sign_in

NEW_PASSWORD = "Harbour-violet-392"


def _signed_in(app: Flask, login: Login) -> FlaskClient:
    client = app.test_client()
    sign_in(client, login)
    return client


def _replay(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser presenting the cookie ``client`` holds now (a saved or stolen copy)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _is_signed_in(client: FlaskClient) -> bool:
    response = client.get("/")
    return response.status_code == 200


def _session_id(app: Flask, client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)[SESSION_ID]


def test_a_cookie_saved_before_sign_out_no_longer_works(app: Flask, people) -> None:
    client = _signed_in(app, people["priya"])
    saved = _replay(app, client)
    assert _is_signed_in(saved)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert not _is_signed_in(client)
    assert not _is_signed_in(saved)
    assert saved.get("/calls/").headers["Location"].startswith("/login")


def test_only_the_hash_of_the_session_id_is_stored(app: Flask, people) -> None:
    client = _signed_in(app, people["priya"])
    token = _session_id(app, client)
    with app.app_context():
        stored = db.session.scalars(select(UserSession.token_hash)).all()
    assert stored == [token_digest(token)]
    assert token not in stored and len(token) >= 40


def test_each_sign_in_is_its_own_session(app: Flask, people) -> None:
    laptop = _signed_in(app, people["priya"])
    phone = _signed_in(app, people["priya"])
    assert _session_id(app, laptop) != _session_id(app, phone)
    laptop.post("/logout", data={"csrf_token": csrf_token(laptop, "/")})
    assert _is_signed_in(phone) and not _is_signed_in(laptop)


def test_password_change_ends_every_other_session(app: Flask, people) -> None:
    priya = people["priya"]
    here, elsewhere = _signed_in(app, priya), _signed_in(app, priya)
    saved = _replay(app, here)
    response = here.post(
        "/account/password",
        data={
            "current": priya.password,
            "new": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_token(here, "/account/password"),
        },
    )
    assert response.status_code == 302
    assert _is_signed_in(here)
    assert _is_signed_in(saved)  # the very session that changed it, not a second one
    assert not _is_signed_in(elsewhere)


def test_admin_reset_ends_every_session_of_the_user(app: Flask, people) -> None:
    sam = _signed_in(app, people["sam"])
    admin = _signed_in(app, people["admin"])
    path = f"/admin/users/{people['sam'].user_id}"
    response = admin.post(f"{path}/reset-password", data={"csrf_token": csrf_token(admin, path)})
    assert response.status_code == 302
    assert not _is_signed_in(sam)
    assert _is_signed_in(admin)


def test_deactivation_ends_every_session_of_the_user(app: Flask, people) -> None:
    sam = _signed_in(app, people["sam"])
    admin = _signed_in(app, people["admin"])
    path = f"/admin/users/{people['sam'].user_id}"
    response = admin.post(
        path,
        data={"name": "Sam Trainee", "roles": ["trainee"], "csrf_token": csrf_token(admin, path)},
    )
    assert response.status_code == 302
    assert not _is_signed_in(sam)
    with app.app_context():
        sessions_left = db.session.scalars(
            select(UserSession.user_id).where(UserSession.user_id == people["sam"].user_id)
        ).all()
    assert sessions_left == []


def _age_sessions(app: Flask, **ago: timedelta) -> None:
    now = utcnow()
    with app.app_context():
        db.session.execute(
            update(UserSession)
            .values({column: now - delta for column, delta in ago.items()})
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def test_an_idle_session_expires(app: Flask, people) -> None:
    client = _signed_in(app, people["priya"])
    idle = app.config["COACH"]["SESSION_IDLE_MINUTES"]
    _age_sessions(app, last_seen_at=timedelta(minutes=idle - 1))
    assert _is_signed_in(client)  # and the request counts as activity
    _age_sessions(app, last_seen_at=timedelta(minutes=idle + 1))
    assert not _is_signed_in(client)
    with app.app_context():
        assert db.session.scalars(select(UserSession)).all() == []


def test_activity_keeps_a_session_alive(app: Flask, people) -> None:
    client = _signed_in(app, people["priya"])
    idle = app.config["COACH"]["SESSION_IDLE_MINUTES"]
    _age_sessions(app, last_seen_at=timedelta(minutes=idle - 1))
    assert _is_signed_in(client)
    with app.app_context():
        seen = db.session.scalar(select(UserSession.last_seen_at))
    assert seen is not None
    assert utcnow() - seen.replace(tzinfo=utcnow().tzinfo) < timedelta(minutes=1)


def test_a_session_seen_within_the_minute_is_not_written_again(app: Flask, people) -> None:
    client = _signed_in(app, people["priya"])
    _age_sessions(app, last_seen_at=timedelta(seconds=30))
    with app.app_context():
        before = db.session.scalar(select(UserSession.last_seen_at))
    assert _is_signed_in(client)
    with app.app_context():
        assert db.session.scalar(select(UserSession.last_seen_at)) == before


def test_a_session_expires_after_its_absolute_lifetime_despite_activity(app: Flask, people) -> None:
    client = _signed_in(app, people["priya"])
    hours = app.config["COACH"]["SESSION_MAX_HOURS"]
    _age_sessions(app, created_at=timedelta(hours=hours, minutes=1), last_seen_at=timedelta(0))
    assert not _is_signed_in(client)


def test_a_signed_cookie_without_a_session_is_refused(app: Flask, people) -> None:
    """A cookie from before server-side sessions (user id only, validly signed) is no key."""
    client = _signed_in(app, people["priya"])
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(client.get_cookie("session").value)
    del data[SESSION_ID]
    forged = app.test_client()
    forged.set_cookie("session", serializer.dumps(data))
    assert not _is_signed_in(forged)


def test_an_operator_can_end_every_session_of_an_account(app: Flask, people) -> None:
    laptop, phone = _signed_in(app, people["sam"]), _signed_in(app, people["sam"])
    priya = _signed_in(app, people["priya"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["coach", "users", "sign-out", "--email", people["sam"].email])
    assert result.exit_code == 0, result.output
    assert "Ended 2 session(s)" in result.output
    assert not _is_signed_in(laptop) and not _is_signed_in(phone)
    assert _is_signed_in(priya)
    unknown = runner.invoke(args=["coach", "users", "sign-out", "--email", "ghost@demo.coach"])
    assert unknown.exit_code != 0 and "No account has that email" in unknown.output
