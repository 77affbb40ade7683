"""Browser tests: the real server in a thread, driven by Debian's headless Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.serving import make_server

from coach.engines import engines_of
from tests.conftest import SessionAudio
from tests.speech_synthesis import convert

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]


@pytest.fixture(scope="session")
def fake_microphone_wav(tmp_path_factory: pytest.TempPathFactory, test_audio: SessionAudio) -> Path:
    """The synthesized speech as the 48 kHz mono 16-bit WAV Chromium's fake microphone plays."""
    wav = tmp_path_factory.mktemp("microphone") / "speech.wav"
    return convert(test_audio.speech, wav, "-r", "48000", "-c", "1", "-b", "16")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict, fake_microphone_wav: Path) -> dict:
    """The system Chromium (never a downloaded browser), closed-network flags, fake microphone."""
    microphone = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={fake_microphone_wav}%noloop",
    ]
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_FLAGS + microphone,
    }


def _closing(app: Flask) -> WSGIApplication:
    """The app, its responses closed however the server lets go of them.

    werkzeug's development server skips ``close()`` when the client resets the connection
    (draining the socket raises first), leaving a streamed recording's file open. Chromium
    resets media connections it may not cache, and recordings are ``no-store``. Here the
    generator's ``finally`` closes the response once the server drops it.
    """

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterator[bytes]:
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(_app: Flask) -> Iterator[str]:
    """Serve the session's app on a free loopback port; yields its base URL.

    The models are prepared first, as ``flask coach setup`` prepares them before a real server
    starts: training the heads on first use is set-up cost, not what a page waits for."""
    engines = engines_of(_app)
    engines.prepare()
    engines.intent_heads()
    engines.transcriber()
    engines.reply_transcriber()
    server = make_server("127.0.0.1", 0, _closing(_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright's base URL is the live server (replaces pytest-base-url's fixture)."""
    return live_server
