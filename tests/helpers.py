"""Helpers for web tests: CSRF tokens from real forms, signing in through the real form."""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from coach.models import Role


@dataclass(frozen=True)
class Login:
    role: Role
    email: str
    password: str
    user_id: int


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str) -> str:
    """Fetch ``path`` and return the CSRF token its form carries."""
    page = client.get(path).get_data(as_text=True)
    match = _CSRF.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def post_upload(
    client: FlaskClient,
    data: bytes,
    filename: str,
    headers: dict[str, str] | None = None,
    **fields: str,
) -> TestResponse:
    """Upload ``data`` through the real New call form: a one-speaker US initial call with
    consent given, unless ``fields`` say otherwise."""
    form: dict[str, object] = {
        "csrf_token": csrf_token(client, "/calls/new"),
        "title": "Practice",
        "call_type": "initial",
        "jurisdiction": "US",
        "speakers": "one",
        "consent": "y",
        "recording": (io.BytesIO(data), filename),
    }
    form.update(fields)
    return client.post(
        "/calls/new", data=form, content_type="multipart/form-data", headers=headers or {}
    )


def uploaded_call_id(response: TestResponse) -> int:
    """The id of the call an accepted upload redirected to."""
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def sign_in(client: FlaskClient, login: Login) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": login.email, "password": login.password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def wav_with_unknown_codec() -> bytes:
    """A valid WAV container whose format tag (0x7777) names a codec FFmpeg cannot decode."""
    fmt = struct.pack("<HHIIHH", 0x7777, 1, 8000, 8000, 1, 8)
    body = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt + b"data"
    body += struct.pack("<I", 4096) + bytes(4096)
    return b"RIFF" + struct.pack("<I", len(body)) + body
