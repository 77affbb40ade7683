"""Structured logs in JSON mode (COACH_LOG_FORMAT=json) through real requests: every line is
a JSON object with the fixed keys, each request has one access line naming its route
template and status, and no email, password, name, query string, file name or transcript
word reaches the log."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.observability.logs import JsonFormatter, configure
from tests.helpers import Login, csrf_token, post_upload, sign_in, uploaded_call_id

REQUIRED_KEYS = {"ts", "level", "logger", "message"}
QUERY_TOKEN = "ZZSECRETZZ"
# A file named after the person on the call, as people do name their recordings.
FILENAME = "Priya Trainee call with Mrs Fairweather.flac"


@dataclass
class JsonApp:
    app: Flask
    client: FlaskClient
    stream: io.StringIO

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def access(self) -> list[dict[str, object]]:
        return [line for line in self.lines() if line["logger"] == "coach.access"]


@pytest.fixture
def json_app(app: Flask, sibling_app: Callable[..., Flask]) -> Iterator[JsonApp]:
    """An app built in JSON mode at DEBUG, its log lines caught by a plain stderr-like handler
    on the root logger (as ``logging.basicConfig`` would leave one), which JSON mode takes
    over: what an operator's log shipper would read."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root.addHandler(handler)
    try:
        built = sibling_app(JOB_RUNNER="inline", LOG_FORMAT="json", LOG_LEVEL="DEBUG")
        built.config["TESTING"] = True
        assert isinstance(handler.formatter, JsonFormatter)
        yield JsonApp(built, built.test_client(), stream)
    finally:
        root.removeHandler(handler)
        configure(app.config["COACH"]["LOG_LEVEL"], "text")  # as the other tests' apps


def _assert_well_formed(lines: list[dict[str, object]]) -> None:
    assert lines
    for line in lines:
        assert line.keys() >= REQUIRED_KEYS, line
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", str(line["ts"]))
    access = [line for line in lines if line["logger"] == "coach.access"]
    ids = [line["request_id"] for line in access]
    assert len(ids) == len(set(ids))  # one line per request, never two
    for line in access:
        assert line["message"] == "request"
        assert {"method", "endpoint", "route", "status", "duration_ms"} <= line.keys()
        assert "?" not in str(line["route"])


def _access_of(logs: JsonApp, response_id: str) -> dict[str, object]:
    [line] = [line for line in logs.access() if line["request_id"] == response_id]
    return line


def _assert_absent(output: str, secrets: list[str]) -> None:
    found = [secret for secret in secrets if secret.lower() in output.lower()]
    assert found == [], f"personal data in the log: {found}"


def test_sign_in_queries_and_misses_log_routes_never_personal_data(
    json_app: JsonApp, people: dict[str, Login]
) -> None:
    client, priya = json_app.client, people["priya"]
    token = csrf_token(client, "/login")
    refused = client.post(
        "/login",
        data={"email": priya.email, "password": "Wrong-" + priya.password, "csrf_token": token},
    )
    assert refused.status_code == 401
    sign_in(client, priya)
    listed = client.get(f"/calls/?person={QUERY_TOKEN}&q={priya.email}")
    assert listed.status_code == 200
    missing_call = client.get("/calls/2147483000")
    nowhere = client.get(f"/no/such/{QUERY_TOKEN}")
    assert (missing_call.status_code, nowhere.status_code) == (404, 404)
    echoed = client.get("/healthz", headers={"X-Request-ID": "lb-probe-0001"})
    assert echoed.headers["X-Request-ID"] == "lb-probe-0001"
    replaced = client.get("/healthz", headers={"X-Request-ID": f"{priya.email}"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["X-Request-ID"])

    lines = json_app.lines()
    _assert_well_formed(lines)
    expected = {
        refused: ("POST", "auth.login", "/login", 401),
        listed: ("GET", "calls.index", "/calls/", 200),
        missing_call: ("GET", "calls.detail", "/calls/<id:call_id>", 404),
        nowhere: ("GET", None, None, 404),
        echoed: ("GET", "health.live", "/healthz", 200),
    }
    for response, (method, endpoint, route, status) in expected.items():
        line = _access_of(json_app, response.headers["X-Request-ID"])
        assert (line["method"], line["endpoint"], line["route"], line["status"]) == (
            method,
            endpoint,
            route,
            status,
        )
    assert _access_of(json_app, "lb-probe-0001")["level"] == "DEBUG"  # a healthy probe
    assert _access_of(json_app, refused.headers["X-Request-ID"])["level"] == "INFO"
    # The refused sign-in was logged by id, inside its request.
    [refusal] = [line for line in lines if "sign-in refused" in str(line["message"])]
    assert refusal["request_id"] == refused.headers["X-Request-ID"]
    _assert_absent(
        json_app.stream.getvalue(),
        [priya.email, priya.password, "Priya Trainee", "priya", QUERY_TOKEN, "127.0.0.1"],
    )


@pytest.mark.ml
def test_an_uploaded_call_leaves_no_file_name_or_transcript_in_the_log(
    json_app: JsonApp, people: dict[str, Login], test_audio
) -> None:
    client = json_app.client
    sign_in(client, people["priya"])
    response = post_upload(client, test_audio.speech.read_bytes(), FILENAME)
    call_id = uploaded_call_id(response)
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert "monthly payment" in page.lower()  # transcribed by the real model, in the request

    lines = json_app.lines()
    _assert_well_formed(lines)
    upload = _access_of(json_app, response.headers["X-Request-ID"])
    assert (upload["method"], upload["route"], upload["status"]) == ("POST", "/calls/new", 302)
    # What the jobs logged while the upload's request ran them carries its request id.
    stored = [line for line in lines if f"call {call_id} stored" in str(line["message"])]
    assert [line["request_id"] for line in stored] == [response.headers["X-Request-ID"]]
    _assert_absent(
        json_app.stream.getvalue(),
        [
            FILENAME,
            "Fairweather",
            "Priya",
            people["priya"].email,
            "afternoon",
            "monthly",
            "budget",
            "pressure",
        ],
    )
