"""HTTP hardening: security headers, no caching of personal pages, cookie flags, proxies.

Every response but a static file gets ``Cache-Control: no-store``: everything else is either
personal (pages behind sign-in, transcripts, recordings, exports) or a form with a CSRF token.
The session cookie is ``Secure`` when COACH_HTTPS is set or the request itself came over
HTTPS (directly, or as a trusted proxy says with X-Forwarded-Proto).
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure on any HTTPS request, not only by config."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(super().get_cookie_secure(app)) or request.is_secure


def install(app: Flask) -> None:
    """Trust the configured number of proxies, secure the cookie, add the response headers."""
    hops = int(app.config["COACH"]["TRUST_PROXY"])
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0
        )
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(harden_response)


def harden_response(response: Response) -> Response:
    """Defence in depth: no framing, no MIME sniffing, own scripts only, no stored copies."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response
