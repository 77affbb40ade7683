"""Route access rules: every view declares who may open it, and a request hook enforces it.

Views are decorated with :func:`allow`; a view without a rule is refused (and
``tests/web/test_access_rules.py`` fails), so forgetting a rule can never expose a page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coach.models import Role, User

log = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., object])


@dataclass(frozen=True)
class AccessRule:
    """Who may open a route: anyone, any signed-in user, or holders of any of ``roles``."""

    name: str
    signed_in: bool = True
    roles: frozenset[Role] = frozenset()

    def allows(self, user: User | None) -> bool:
        if not self.signed_in:
            return True
        if user is None:
            return False
        return not self.roles or user.has_role(*self.roles)


PUBLIC = AccessRule("public", signed_in=False)
SIGNED_IN = AccessRule("signed in")


def roles(*allowed: Role) -> AccessRule:
    """A rule admitting holders of any of ``allowed`` (admins are not implied: list them)."""
    return AccessRule("roles: " + ", ".join(sorted(allowed)), roles=frozenset(allowed))


def allow(rule: AccessRule) -> Callable[[View], View]:
    """Declare the access rule of a view function."""

    def decorate(view: View) -> View:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


def rule_for(endpoint: str, app: Flask) -> AccessRule | None:
    """The declared rule of ``endpoint``; static files are public by nature."""
    if endpoint == "static":
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


# Pages a user who must change their password may still open.
_PASSWORD_CHANGE_EXEMPT = {"auth.change_password", "auth.logout", "static"}


def enforce_access() -> Response | None:
    """``before_request`` hook: sign-in redirect, forced password change, then role check."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: let the 404 handler answer
        return None
    rule = rule_for(endpoint, current_app)
    if rule is None:
        log.error("route %s declares no access rule; refusing", endpoint)
        abort(403)
    if not rule.signed_in:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if current_user.must_change_password and endpoint not in _PASSWORD_CHANGE_EXEMPT:
        return redirect(url_for("auth.change_password"))
    if not rule.allows(current_user):
        log.warning("user %s refused %s (%s)", current_user.id, endpoint, rule.name)
        abort(403)
    return None
