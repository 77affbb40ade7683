"""The production entry (``gunicorn coach.wsgi:app``): it builds the app from the
environment and freezes the start-up heap, so full collections stop walking the content."""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

import pytest

from coach.engines import engines_of


def test_wsgi_module_serves_an_app_built_from_the_environment_with_its_heap_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, model_cache: Path
) -> None:
    monkeypatch.setenv("COACH_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("COACH_MODEL_CACHE_DIR", str(model_cache))
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{tmp_path / 'coach.sqlite3'}")
    monkeypatch.setenv("COACH_JOB_RUNNER", "inline")
    monkeypatch.delitem(sys.modules, "coach.wsgi", raising=False)
    gc.unfreeze()
    try:
        wsgi = importlib.import_module("coach.wsgi")
        frozen = gc.get_freeze_count()
        page = wsgi.app.test_client().get("/login")
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual
        sys.modules.pop("coach.wsgi", None)
    assert page.status_code == 200
    assert wsgi.app.instance_path == str((tmp_path / "instance").resolve())
    assert frozen > 10_000  # the loaded content, not a handful of objects
    # A trainee's first role-play reply finds its models loaded, not waiting for them.
    assert {"encoder", "scoring", "intents"} <= set(engines_of(wsgi.app)._loaded)
