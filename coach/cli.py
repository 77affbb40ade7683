"""``flask coach …`` commands: content checks, set-up, demo data and user administration."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from coach.models import Role
from coach.services import accounts, demo
from coach.services.errors import ServiceError


@click.group("coach")
def coach_group() -> None:
    """Coach administration commands."""


@coach_group.group("content")
def content_group() -> None:
    """Validate the content catalog (skills, rule packs, scenarios, quizzes)."""


@content_group.command("check")
@click.option(
    "--content-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Check this folder instead of the configured one.",
)
@with_appcontext
def content_check(content_dir: Path | None) -> None:
    """Exit non-zero with every error as ``file:path: message``."""
    from coach.catalog import check_content

    folder = content_dir or Path(current_app.config["COACH"]["CONTENT_DIR"])
    errors = check_content(folder)
    for error in errors:
        click.echo(error, err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} content error(s) in {folder}")
    click.echo(f"Content OK: {folder}")


@coach_group.command("setup")
@with_appcontext
def setup_command() -> None:
    """Apply migrations and seed the demo organisation (safe to run again)."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    _seed_demo()


@coach_group.group("demo")
def demo_group() -> None:
    """Demo data for trying Coach out."""


@demo_group.command("seed")
@with_appcontext
def demo_seed() -> None:
    """Create the demo organisation once and print its generated logins."""
    _seed_demo()


def _seed_demo() -> None:
    credentials = Path(current_app.instance_path) / "demo-credentials.txt"
    logins = demo.seed_demo(credentials)
    if logins is None:
        click.echo(f"Demo organisation already present; its logins are in {credentials}")
        return
    click.echo(f"Demo logins (shown once; also saved with mode 600 to {credentials}):")
    for login in logins:
        click.echo(f"  {login.role.value:<11} {login.email:<24} {login.password}")


@coach_group.group("users")
def users_group() -> None:
    """Manage accounts from the command line."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role])
)
@click.option("--organisation-id", type=int, default=1, show_default=True)
@with_appcontext
def users_create(email: str, name: str, roles: tuple[str, ...], organisation_id: int) -> None:
    """Create an account with a one-time password that must be changed at first sign-in."""
    try:
        invitation = accounts.create_user(
            None,
            organisation_id=organisation_id,
            email=email,
            name=name,
            roles=[Role(value) for value in roles],
        )
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Created {invitation.user.email}; one-time password: {invitation.temporary_password}"
    )
