"""Alembic environment: runs Coach's migrations against the app's own engine (batch mode)."""

import logging

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")
config = context.config


def _engine():
    return current_app.extensions["migrate"].db.engine


def _metadata():
    return current_app.extensions["migrate"].db.metadata


def run_migrations_offline() -> None:
    """Emit SQL to stdout (``flask db upgrade --sql``) without a database connection."""
    context.configure(
        url=_engine().url.render_as_string(hide_password=False),
        target_metadata=_metadata(),
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty(_context, _revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty)
    with _engine().connect() as connection:
        context.configure(connection=connection, target_metadata=_metadata(), **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
