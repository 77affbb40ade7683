"""Who an API request acts as: the owner of its bearer token, checked before every view.

Only the ``Authorization`` header is read: a token in a URL ends up in proxy and server logs
and in browser history. The session cookie is neither read nor written, so a signed-in
browser gets no further here than any other client without a token.
"""

from __future__ import annotations

from flask import Response, g, request

from coach.api.errors import unauthorized
from coach.models import User
from coach.services import api_tokens


def authenticate() -> Response | None:
    """The blueprint's ``before_request``: sets the acting user or answers 401."""
    header = request.headers.get("Authorization")
    if header is None:
        return unauthorized(
            "missing_token", "Send your API token in the header Authorization: Bearer <token>."
        )
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        return unauthorized(
            "malformed_token",
            "The Authorization header must read Bearer, one space and the token.",
        )
    try:
        g.api_user = api_tokens.authenticate(token)
    except api_tokens.TokenRefused as refusal:
        return unauthorized(refusal.code, str(refusal))
    return None


def api_user() -> User:
    """The user the current API request acts as (set by :func:`authenticate`)."""
    user: User = g.api_user
    return user
