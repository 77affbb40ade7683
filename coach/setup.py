"""Wiring steps of ``create_app``: logging, content, extensions, web and CLI."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask, Response
from flask_login import current_user

from coach.db import install_sqlite_pragmas
from coach.extensions import csrf, db, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class InvalidContent(click.ClickException):
    """Content under ``content/`` failed validation; the message lists every error."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(
            f"Coach cannot start: {len(errors)} content error(s):\n" + "\n".join(errors)
        )
        self.errors = errors


def configure_logging(level: str) -> None:
    logging.getLogger("coach").setLevel(level)
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def load_content(app: Flask) -> None:
    """Validate and load every content file once; invalid content stops the app."""
    from coach.catalog import ContentError, load_catalog

    try:
        app.extensions["coach.catalog"] = load_catalog(Path(app.config["COACH"]["CONTENT_DIR"]))
    except ContentError as error:
        raise InvalidContent(error.errors) from None


def init_extensions(app: Flask) -> None:
    from coach.models import User

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(user_id: str) -> User | None:
        return db.session.get(User, int(user_id))

    with app.app_context():
        install_sqlite_pragmas(db.engine)


def register_web(app: Flask) -> None:
    from coach.web import admin, auth, dashboard
    from coach.web.access import enforce_access
    from coach.web.errors import register_error_handlers
    from coach.web.navigation import navigation_for

    for blueprint in (auth.bp, dashboard.bp, admin.bp):
        app.register_blueprint(blueprint)
    app.before_request(enforce_access)
    register_error_handlers(app)
    app.after_request(_security_headers)

    @app.context_processor
    def _navigation() -> dict[str, object]:
        user = current_user if current_user.is_authenticated else None
        return {"navigation": navigation_for(user)}


def register_cli(app: Flask) -> None:
    from coach.cli import coach_group

    app.cli.add_command(coach_group)


def _security_headers(response: Response) -> Response:
    """Defence in depth: no framing, no MIME sniffing, scripts and styles from this site only."""
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
