"""Coach: practice, scoring and certification for debt-collection executives."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a configured Coach app; refuses to start on invalid configuration or content.

    ``config`` overrides settings by their Coach key (see ``coach.config.SETTINGS``);
    ``INSTANCE_PATH`` (or the ``COACH_INSTANCE_PATH`` environment variable) picks the
    instance folder (default ``<repo>/instance``).
    """
    from coach.config import REPO_ROOT, flask_settings, instance_path_from, load_config
    from coach.observability.logs import install_request_logging
    from coach.private_files import private_dir, private_sqlite_files, restrict_new_files
    from coach.wiring import (
        configure_logging,
        init_engines,
        init_extensions,
        init_jobs,
        load_content,
        register_cli,
        register_web,
    )

    overrides = dict(config or {})
    instance_path = Path(
        overrides.pop("INSTANCE_PATH", None) or instance_path_from(os.environ)
    ).resolve()
    restrict_new_files()
    private_dir(instance_path)
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(REPO_ROOT / "templates"),
    )
    settings = load_config(instance_path, overrides)
    app.config.update(flask_settings(settings))
    app.config["COACH"] = settings
    private_dir(Path(settings["RECORDINGS_DIR"]))
    private_sqlite_files(settings["DATABASE_URL"])
    configure_logging(settings["LOG_LEVEL"], settings["LOG_FORMAT"])
    load_content(app)
    init_extensions(app)
    init_engines(app)
    init_jobs(app)
    register_web(app)
    install_request_logging(app)
    register_cli(app)
    return app
