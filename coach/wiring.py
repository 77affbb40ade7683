"""Wiring steps of ``create_app``: logging, content, extensions, web and CLI."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask
from flask_login import current_user
from sqlalchemy.exc import DBAPIError

from coach.db import install_sqlite_pragmas
from coach.extensions import csrf, db, login_manager, migrate
from coach.jobs import JobQueue, Task
from coach.models import JobKind

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)


class InvalidContent(click.ClickException):
    """Content under ``content/`` failed validation; the message lists every error."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            f"Coach cannot start: {len(errors)} content error(s):\n" + "\n".join(errors)
        )
        self.errors = errors


def configure_logging(level: str, fmt: str) -> None:
    """Coach's own level and the log format ("text" or "json"); SQL statement logging stays
    off whatever the root logger says (see coach/observability/logs.py)."""
    from coach.observability.logs import configure

    configure(level, fmt)


def load_content(app: Flask) -> None:
    """Validate and load every content file once; invalid content stops the app."""
    from coach.catalog import ContentError, load_catalog

    try:
        app.extensions["coach.catalog"] = load_catalog(Path(app.config["COACH"]["CONTENT_DIR"]))
    except ContentError as error:
        raise InvalidContent(error.errors) from None


def init_extensions(app: Flask) -> None:
    from coach.web.auth import load_user

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    login_manager.user_loader(load_user)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in
    # reverse): see _release_session.
    app.teardown_appcontext(_release_session)

    with app.app_context():
        install_sqlite_pragmas(db.engine)


def _release_session(_error: BaseException | None) -> None:
    """End the request's database session even when the server dropped its connection.

    Closing rolls back on the connection; if the database went away after the response was
    made (a restart), that rollback raises from teardown, past every error handler, and the
    client gets the WSGI server's bare 500 instead of the answer already made. The dead
    session is discarded instead and its connection invalidated."""
    session = db.session()
    try:
        db.session.remove()
    except DBAPIError as error:
        log.warning("database connection lost while closing a session: %s", type(error).__name__)
        db.session.registry.clear()
        try:
            session.invalidate()  # hands its connections back to the pool as unusable
        except DBAPIError:
            log.warning("the lost connection could not be invalidated either")


def init_engines(app: Flask) -> None:
    """Validate the ASR settings now (fail fast) and attach the app's (still unloaded) models."""
    from coach.config import ConfigError
    from coach.engines import EXTENSION, build_engines

    try:
        app.extensions[EXTENSION] = build_engines(app)
    except ValueError as error:
        raise ConfigError(str(error)) from None


def task_registry() -> dict[str, Task]:
    """Every job kind and the service function that does it (handed to the job queue)."""
    from coach.services import calls, certificates, retention, scoring

    return {
        JobKind.TRANSCRIBE: calls.transcribe_task,
        JobKind.SCORE: scoring.score_task,
        JobKind.RETENTION: retention.retention_task,
        JobKind.RECERTIFICATION: certificates.recertification_task,
    }


def init_jobs(app: Flask) -> None:
    """Attach the job queue: the configured runner with the task registry. The thread
    runner starts its workers and sweeper now when the app is built to serve requests."""
    from coach.jobs.runners import ThreadRunner, make_runner

    runner = make_runner(app)
    app.extensions["coach.jobs"] = JobQueue(runner, task_registry())
    if not _serving():
        return
    if isinstance(runner, ThreadRunner):
        runner.start()
    if app.config["COACH"]["JOB_RUNNER"] == "inline":
        return
    from coach.jobs.periodic import Periodic

    for kind, setting in (
        (JobKind.RETENTION, "RETENTION_EVERY_HOURS"),
        (JobKind.RECERTIFICATION, "RECERTIFY_EVERY_HOURS"),
    ):
        hours = app.config["COACH"][setting]
        if hours:
            app.extensions[f"coach.periodic.{kind}"] = Periodic(app, kind, hours * 3600)


def _serving() -> bool:
    """True unless the app is being built for a one-off CLI command (``flask coach …``):
    a WSGI server, ``flask run`` and tests serve; a command exiting mid-job would only
    interrupt it."""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


def register_web(app: Flask) -> None:
    from coach.api import errors as api_errors
    from coach.api import views as api
    from coach.models import Role
    from coach.web import (
        admin,
        api_tokens,
        auth,
        calls,
        certification,
        certification_admin,
        coaching,
        compliance,
        dashboard,
        health,
        http_security,
        ids,
        metrics,
        privacy,
        question_editor,
        roleplay,
    )
    from coach.web.access import enforce_access
    from coach.web.errors import register_error_handlers
    from coach.web.navigation import navigation_for

    ids.install(app)
    for blueprint in (
        auth.bp,
        dashboard.bp,
        admin.bp,
        calls.bp,
        roleplay.bp,
        certification.bp,
        certification.verify_bp,
        certification_admin.bp,
        question_editor.bp,
        privacy.bp,
        api_tokens.bp,
        api.bp,
        coaching.bp,
        compliance.bp,
        health.bp,
        metrics.bp,
    ):
        app.register_blueprint(blueprint)
    metrics.install(app)  # before the access check, so a refused request is timed too
    app.before_request(enforce_access)
    register_error_handlers(app)
    api_errors.install(app)
    http_security.install(app)
    app.jinja_env.globals["Role"] = Role

    @app.context_processor
    def _navigation() -> dict[str, object]:
        user = current_user if current_user.is_authenticated else None
        return {"navigation": navigation_for(user)}


def register_cli(app: Flask) -> None:
    from coach.cli import coach_group

    app.cli.add_command(coach_group)
