"""gunicorn's own log lines (deploy/gunicorn.conf.py's logger): in Coach's format, and
without the path, query string, client address or exception message gunicorn would write.
A real gunicorn serves a one-line WSGI app that fails with personal data in its error."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from deploy.stack import GUNICORN_CONF, REPO
from tests.services import free_port

SECRET = "jane.doe@example.com"
FAILING_APP = f"""
def app(environ, start_response):
    raise RuntimeError("transcript of {SECRET}")
"""


def _serve_and_stop(tmp_path: Path, log_format: str) -> list[str]:
    """Start gunicorn on the failing app, send a failing and a malformed request, stop it;
    what it wrote, line by line."""
    (tmp_path / "failing_app.py").write_text(FAILING_APP, encoding="utf-8")
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "COACH_INSTANCE_PATH": str(tmp_path / "instance"),
        "COACH_LOG_FORMAT": log_format,
        "WEB_CONCURRENCY": "1",
    }
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--bind",
        f"127.0.0.1:{port}", "--pythonpath", str(tmp_path), "failing_app:app",
    ]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        url = f"http://127.0.0.1:{port}/calls?search={SECRET}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
            except urllib.error.HTTPError as error:
                assert error.code == 500
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(f"NOT-HTTP {SECRET}\r\n\r\n".encode())
            raw.recv(1024)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    return output.splitlines()


def test_json_lines_without_request_details_or_exception_messages(tmp_path: Path) -> None:
    lines = [json.loads(line) for line in _serve_and_stop(tmp_path, "json")]
    messages = [line["message"] for line in lines]
    assert {line["logger"] for line in lines} == {"gunicorn.error"}
    assert any(message.startswith("Booting worker") for message in messages)
    failed = next(line for line in lines if line["message"] == "Error handling request GET")
    assert failed["level"] == "ERROR" and failed["exc_type"] == "RuntimeError"
    assert any(frame.endswith("in app") for frame in failed["traceback"])
    assert "Invalid request (client address and detail not logged)" in messages
    for message in messages:
        assert SECRET not in message and "/calls" not in message
        assert "127.0.0.1" not in message or message.startswith("Listening at")  # its own


def test_text_lines_show_exceptions_as_frames_only(tmp_path: Path) -> None:
    output = "\n".join(_serve_and_stop(tmp_path, "text"))
    assert (
        "ERROR gunicorn.error: Error handling request GET\nRuntimeError (message not logged)"
        in (output)
    )
    assert SECRET not in output and "/calls" not in output
