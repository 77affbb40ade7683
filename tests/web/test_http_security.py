"""Security headers, no stored copies of personal pages, and the session cookie's flags."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.config import ConfigError, flask_settings, load_config
from tests import records
from tests.helpers import Login, csrf_token


def _sign_in_cookie(
    client: FlaskClient, login: Login, base_url: str = "http://localhost", **headers: str
) -> str:
    """Sign in through the form and return the Set-Cookie header of the session cookie."""
    token = csrf_token(client, "/login")
    # Over HTTPS, Flask-WTF also wants a same-site Referer (as a browser sends).
    headers = {"Referer": "https://localhost/login", **headers}
    response = client.post(
        "/login",
        data={"email": login.email, "password": login.password, "csrf_token": token},
        base_url=base_url,
        headers=headers,
    )
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    return cookies[0]


def _flags(set_cookie: str) -> set[str]:
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def test_security_headers_on_pages_and_errors(client: FlaskClient) -> None:
    for response in (client.get("/login"), client.get("/no-such-page")):
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "object-src 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_personal_pages_transcripts_and_recordings_are_never_stored(
    app: Flask, client: FlaskClient, sign_in_as, people
) -> None:
    with app.app_context():
        call_id = records.transcribed_call(people["priya"].user_id)
    sign_in_as("priya")
    paths = [
        "/",
        "/calls/",
        f"/calls/{call_id}",
        f"/calls/{call_id}/status.json",
        f"/calls/{call_id}/transcript.json",
        f"/calls/{call_id}/transcript.txt",
        f"/calls/{call_id}/transcript.vtt",
        f"/calls/{call_id}/audio",
        f"/people/{people['priya'].user_id}",
        "/account/password",
    ]
    for path in paths:
        with client.get(path) as response:
            assert response.status_code == 200, path
            assert response.headers["Cache-Control"] == "no-store", path
            assert "Expires" not in response.headers, path
    with client.get(f"/calls/{call_id}/audio", headers={"Range": "bytes=0-3"}) as ranged:
        assert ranged.status_code == 206 and ranged.headers["Cache-Control"] == "no-store"


def test_admin_pages_and_sign_in_form_are_never_stored(client: FlaskClient, sign_in_as) -> None:
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    sign_in_as("admin")
    for path in ("/admin/users", "/admin/teams", "/admin/audit", "/compliance"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_static_files_may_be_cached(client: FlaskClient) -> None:
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_session_cookie_is_httponly_and_samesite_lax_but_not_secure_over_http(
    client: FlaskClient, people
) -> None:
    flags = _flags(_sign_in_cookie(client, people["priya"]))
    assert {"httponly", "samesite=lax"} <= flags
    assert "secure" not in flags


def test_session_cookie_is_secure_on_https_requests(client: FlaskClient, people) -> None:
    flags = _flags(_sign_in_cookie(client, people["priya"], base_url="https://localhost"))
    assert {"secure", "httponly", "samesite=lax"} <= flags


def test_session_cookie_is_secure_when_configured_for_https(
    people, sibling_app: Callable[..., Flask]
) -> None:
    client = sibling_app(HTTPS=True).test_client()
    assert "secure" in _flags(_sign_in_cookie(client, people["priya"]))


@pytest.mark.parametrize(("trusted", "secure"), [(1, True), (0, False)])
def test_forwarded_proto_counts_only_from_a_trusted_proxy(
    people, sibling_app: Callable[..., Flask], trusted: int, secure: bool
) -> None:
    client = sibling_app(TRUST_PROXY=trusted).test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    flags = _flags(_sign_in_cookie(client, people["priya"], **forwarded))
    assert ("secure" in flags) is secure


@pytest.mark.parametrize(
    ("environ", "secure"),
    [({}, False), ({"COACH_HTTPS": "1"}, True), ({"COACH_SESSION_COOKIE_SECURE": "yes"}, True)],
)
def test_https_setting_marks_every_cookie_secure(
    tmp_path: Path, environ: dict[str, str], secure: bool
) -> None:
    settings = flask_settings(load_config(tmp_path, environ=environ))
    assert settings["SESSION_COOKIE_SECURE"] is secure
    assert settings["REMEMBER_COOKIE_SECURE"] is secure
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["REMEMBER_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == settings["REMEMBER_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("hops", ["-1", "yes"])
def test_trust_proxy_must_be_a_count_of_proxies(tmp_path: Path, hops: str) -> None:
    with pytest.raises(ConfigError, match="COACH_TRUST_PROXY"):
        load_config(tmp_path, environ={"COACH_TRUST_PROXY": hops})
