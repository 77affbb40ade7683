"""The log formats (coach/observability/logs.py): one JSON object per line with fixed keys,
exceptions as class and frames without their message, request ids checked, text mode."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, abort

from coach.observability import logs
from coach.observability.logs import JsonFormatter, TextFormatter, configure

SECRET = "jane.doe@example.com said: my card is 4111"


def _record(
    message: str = "call %s stored",
    args: tuple[object, ...] = (7,),
    exc_info: Any = None,
    **extra: object,
) -> logging.LogRecord:
    logger = logging.getLogger("coach.test")
    record = logger.makeRecord("coach.test", logging.WARNING, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    return record


def _raised() -> tuple[type[BaseException], BaseException, object]:
    try:
        try:
            raise KeyError(SECRET)
        except KeyError as error:
            raise ValueError(f"duplicate key: Key (email)=({SECRET}) already exists") from error
    except ValueError:
        return sys.exc_info()  # type: ignore[return-value]


def test_json_line_has_the_fixed_keys_and_the_fields() -> None:
    line = JsonFormatter().format(
        _record(fields={"call_id": 7, "duration_ms": 1.5, "level": "shadowed"})
    )
    assert "\n" not in line
    data = json.loads(line)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", data["ts"])
    assert data["level"] == "WARNING" and data["logger"] == "coach.test"
    assert data["message"] == "call 7 stored"
    assert data["call_id"] == 7 and data["duration_ms"] == 1.5
    assert data["field_level"] == "shadowed"  # a field never replaces a fixed key
    assert "request_id" not in data  # not in a request
    assert "exc_type" not in data and "traceback" not in data


def test_json_message_with_newlines_stays_one_line() -> None:
    line = JsonFormatter().format(_record("first\nsecond \u2028 third", ()))
    assert len(line.splitlines()) == 1
    assert json.loads(line)["message"] == "first\nsecond \u2028 third"


def test_exception_is_its_class_and_frames_never_its_message() -> None:
    info = _raised()
    record = _record(exc_info=info)
    data = json.loads(JsonFormatter().format(record))
    assert data["exc_type"] == "ValueError"
    assert data["exc_chain"] == ["KeyError"]
    assert data["traceback"] and all(
        re.fullmatch(r".+:\d+ in \S+", frame) for frame in data["traceback"]
    )
    assert any(frame.endswith(" in _raised") for frame in data["traceback"])
    text = TextFormatter().format(record)
    assert "ValueError (from KeyError) (message not logged)" in text
    for output in (json.dumps(data), text):
        assert "jane.doe" not in output and "4111" not in output and "duplicate key" not in output


def test_a_traceback_cached_by_another_formatter_is_not_reused() -> None:
    record = _record(exc_info=_raised())
    logging.Formatter().format(record)  # caches exc_text, message included
    assert SECRET in (record.exc_text or "")
    assert "jane.doe" not in TextFormatter().format(record)
    assert "jane.doe" not in JsonFormatter().format(record)


def test_text_mode_line() -> None:
    text = TextFormatter().format(_record(fields={"route": "/calls/<id:call_id>", "status": 200}))
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING coach.test: call 7 stored"
        r' route="/calls/<id:call_id>" status=200',
        text,
    )
    assert "[abc12345] " in TextFormatter().format(_record(request_id="abc12345"))


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("abcd1234", True),
        ("req-2025.01_31-XYZ", True),
        ("a" * 64, True),
        ("a" * 65, False),
        ("short", False),
        ("has space in it", False),
        ("jane@example.com", False),
        ("abc12345\nfake line", False),
        ("", False),
        (None, False),
    ],
)
def test_request_id_header_is_kept_only_when_plain(header: str | None, kept: bool) -> None:
    made = logs.request_id_for(header)
    if kept:
        assert made == header
    else:
        assert made != header and re.fullmatch(r"[0-9a-f]{32}", made)


@pytest.fixture
def small_app() -> Flask:
    app = Flask(__name__)

    @app.route("/things/<int:thing_id>")
    def thing(thing_id: int) -> str:
        logging.getLogger("coach.test").warning("inside")
        return "ok"

    @app.route("/refused")
    def refused() -> str:
        abort(403)

    @app.route("/crash")
    def crash() -> str:
        raise RuntimeError(SECRET)

    logs.install_request_logging(app)
    return app


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """What Coach's loggers write, as the JSON formatter renders it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    coach = logging.getLogger("coach")
    coach.addHandler(handler)
    level = coach.level
    coach.setLevel(logging.DEBUG)
    yield stream
    coach.removeHandler(handler)
    coach.setLevel(level)


def _lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_request_id_is_echoed_replaced_and_carried_by_log_lines(
    small_app: Flask, captured: io.StringIO
) -> None:
    client = small_app.test_client()
    kept = client.get("/things/5?who=ZZTOKENZZ", headers={"X-Request-ID": "lb-0123456789"})
    assert kept.headers["X-Request-ID"] == "lb-0123456789"
    replaced = client.get("/things/5", headers={"X-Request-ID": "<script>x</script>"})
    fresh = replaced.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert client.get("/things/5").headers["X-Request-ID"] != fresh
    lines = _lines(captured)
    inside = [line for line in lines if line["message"] == "inside"]
    assert [line["request_id"] for line in inside[:2]] == ["lb-0123456789", fresh]
    access = [line for line in lines if line["logger"] == "coach.access"]
    assert len(access) == 3
    assert access[0]["request_id"] == "lb-0123456789"
    assert {
        key: access[0][key] for key in ("message", "level", "method", "endpoint", "route", "status")
    } == {
        "message": "request",
        "level": "INFO",
        "method": "GET",
        "endpoint": "thing",
        "route": "/things/<int:thing_id>",
        "status": 200,
    }
    assert isinstance(access[0]["duration_ms"], float)
    assert "ZZTOKENZZ" not in captured.getvalue() and "<script>" not in captured.getvalue()


def test_refused_missing_and_crashed_requests_are_each_logged_once(
    small_app: Flask, captured: io.StringIO
) -> None:
    client = small_app.test_client()
    assert client.get("/refused").status_code == 403
    assert client.get("/nowhere/at/all").status_code == 404
    with pytest.raises(RuntimeError):  # testing: the exception reaches the client
        small_app.testing = True
        client.get("/crash")
    small_app.testing = False
    assert client.get("/crash").status_code == 500  # Flask's own 500 page
    access = [line for line in _lines(captured) if line["logger"] == "coach.access"]
    assert [(line["endpoint"], line["route"], line["status"]) for line in access] == [
        ("refused", "/refused", 403),
        (None, None, 404),
        ("crash", "/crash", 500),
        ("crash", "/crash", 500),
    ]
    assert SECRET not in captured.getvalue()


def test_a_request_context_made_outside_serving_logs_no_access_line(
    small_app: Flask, captured: io.StringIO
) -> None:
    with small_app.test_request_context("/things/5"):
        pass
    assert captured.getvalue() == ""


@pytest.fixture
def clean_werkzeug_level() -> Iterator[None]:
    werkzeug = logging.getLogger("werkzeug")
    level = werkzeug.level
    yield
    configure("INFO", "text")
    werkzeug.setLevel(level)


@pytest.mark.usefixtures("clean_werkzeug_level")
def test_configure_adds_one_handler_once_and_switches_its_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    configure("INFO", "text")
    configure("INFO", "json")
    assert len(root.handlers) == 1
    assert isinstance(root.handlers[0].formatter, JsonFormatter)
    assert logging.getLogger("werkzeug").level == logging.WARNING
    assert logging.getLogger("sqlalchemy.engine").level == logging.WARNING
    configure("DEBUG", "text")
    assert len(root.handlers) == 1
    assert isinstance(root.handlers[0].formatter, TextFormatter)
    assert logging.getLogger("coach").level == logging.DEBUG
    assert logging.getLogger("werkzeug").level == logging.NOTSET


@pytest.mark.usefixtures("clean_werkzeug_level")
def test_configure_keeps_others_handlers_and_makes_plain_ones_json() -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    plain = logging.StreamHandler(io.StringIO())
    own_formatter = logging.Formatter("%(message)s")
    plain.setFormatter(own_formatter)
    root.addHandler(plain)
    try:
        others = {handler: handler.formatter for handler in before}
        configure("INFO", "json")
        assert root.handlers == [*before, plain]  # none added, none removed
        assert isinstance(plain.formatter, JsonFormatter)
        # pytest's capture handlers are not the standard library's own: left as they are
        assert {handler: handler.formatter for handler in before} == others
        configure("INFO", "text")
        assert plain.formatter is own_formatter
    finally:
        root.removeHandler(plain)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="text, json"):
        configure("INFO", "xml")
