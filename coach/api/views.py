"""``/api/v1/``: people, their skills, activities and certificates, read-only, as JSON.

Every list is ``{"data": [...], "next": URL or null}``; ``next`` repeats the request's
filters with the cursor of the following page. Shapes: ``coach.api.serializers``.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from coach.api import errors, params, queries, serializers
from coach.api.auth import api_user, authenticate
from coach.models import ActivityKind
from coach.web.access import AccessRule, allow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(authenticate)
errors.register(bp)

# The app's sign-in rule does not apply: every view here is behind the bearer token that
# ``authenticate`` checks before it, and a browser's session counts for nothing.
BEARER_TOKEN = AccessRule("API bearer token", signed_in=False)

ACTIVITY_KINDS = {kind.value: kind for kind in ActivityKind}


@bp.route("/people")
@allow(BEARER_TOKEN)
def people() -> Response:
    args = _arguments(*params.PAGING)
    page = queries.people(api_user(), params.record_id(args, "after"), params.limit(args))
    teams = queries.memberships([p.id for p in page.items])
    return _list(page, [serializers.person(p, teams.get(p.id, [])) for p in page.items])


@bp.route("/people/<id:person_id>")
@allow(BEARER_TOKEN)
def person(person_id: int) -> Response:
    _arguments()
    subject = queries.person(api_user(), person_id)
    teams = queries.memberships([subject.id])
    return jsonify(data=serializers.person(subject, teams.get(subject.id, [])))


@bp.route("/people/<id:person_id>/skills")
@allow(BEARER_TOKEN)
def skills(person_id: int) -> Response:
    from coach.services import progress

    _arguments()
    subject = queries.person(api_user(), person_id)
    return jsonify(data=[serializers.skill(status) for status in progress.profile(subject)])


@bp.route("/activities")
@allow(BEARER_TOKEN)
def activities() -> Response:
    args = _arguments("person", "kind", "since", "until", *params.PAGING)
    page = queries.activities(
        api_user(),
        person_id=params.record_id(args, "person"),
        kind=params.choice(args, "kind", ACTIVITY_KINDS),
        since=params.moment(args, "since"),
        until=params.moment(args, "until"),
        after=params.record_id(args, "after"),
        limit=params.limit(args),
    )
    return _list(page, [serializers.activity(row) for row in page.items])


@bp.route("/certificates")
@allow(BEARER_TOKEN)
def certificates() -> Response:
    args = _arguments("person", "status", *params.PAGING)
    page = queries.certificates(
        api_user(),
        person_id=params.record_id(args, "person"),
        status=params.choice(args, "status", serializers.CERTIFICATE_STATUSES),
        after=params.record_id(args, "after"),
        limit=params.limit(args),
    )
    return _list(page, [serializers.certificate(row) for row in page.items])


def _arguments(*accepted: str) -> dict[str, str]:
    """The query parameters (the first of each name), refusing any not ``accepted``."""
    params.require_known(request.args, accepted)
    return request.args.to_dict()


def _list(page: queries.Page[object], data: list[serializers.JSON]) -> Response:
    next_url = None
    if page.after is not None:
        following = {**request.args.to_dict(), "after": str(page.after)}
        next_url = url_for(
            request.endpoint or "", _external=True, **request.view_args or {}, **following
        )
    return jsonify(data=data, next=next_url)
