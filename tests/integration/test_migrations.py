"""The migrations build exactly the schema the models describe, on both databases."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from coach.extensions import db
from coach.models import ActivityKind, Call, CallScore, RuleBreach, User


def test_models_and_migrations_agree(app: Flask) -> None:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            d
            for d in compare_metadata(context, db.metadata)
            if not (
                isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version"
            )
        ]
    assert differences == []


# call_scores as revision 0003 left it: before the version columns.
_SCORES_0003 = sa.table(
    "call_scores",
    sa.column("call_id", sa.Integer()),
    sa.column("transcript_version", sa.Integer()),
    sa.column("total", sa.Float()),
    sa.column("data", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _a_call(owner: User) -> int:
    call = Call(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        title="Scored before 0004",
        call_type="initial",
        jurisdiction="US",
        channels_mode="stereo",
        consent=True,
        source="upload",
        recording_sha256="0" * 64,
        recording_ext="ogg",
        audio_format="ogg/opus",
        size_bytes=1,
        duration=1.0,
        channels=2,
        sample_rate=16000,
    )
    db.session.add(call)
    db.session.commit()
    return call.id


@contextmanager
def _rows_at(app: Flask, revision: str) -> Iterator[sa.Connection]:
    """A connection to the database migrated down to ``revision``, for inserting rows as
    they were then; upgraded to the head afterwards (inside an app context)."""
    directory = app.extensions["migrate"].directory
    db.session.remove()  # the schema changes below must not wait on this session
    downgrade(directory=directory, revision=revision)
    try:
        with db.engine.begin() as connection:
            yield connection
    finally:
        upgrade(directory=directory)


def test_score_versions_are_backfilled_from_the_stored_json(app: Flask, people) -> None:
    stored = {"scorecard": {"id": "default", "version": "1"}, "versions": {"engine": "2"}}
    rows = [
        {"transcript_version": 1, "total": 80.0, "data": stored},
        {"transcript_version": 2, "total": None, "data": {"total": None}},
    ]
    with app.app_context():
        call_id = _a_call(db.session.get(User, people["priya"].user_id))
        with _rows_at(app, "0003_call_scores") as connection:
            connection.execute(
                sa.insert(_SCORES_0003),
                [row | {"call_id": call_id, "created_at": datetime.now(UTC)} for row in rows],
            )
        backfilled = db.session.execute(
            sa.select(
                CallScore.scorecard_id,
                CallScore.scorecard_version,
                CallScore.engine_version,
                CallScore.content,
            ).order_by(CallScore.transcript_version)
        ).all()
    # Older rows pin no content (what they were scored with is not known any more).
    assert [tuple(row) for row in backfilled] == [
        ("default", "1", "2", []),
        (None, None, None, []),
    ]


# rule_breaches and activities as revision 0019 left them: before a breach held its kind.
_ACTIVITIES_0019 = sa.table(
    "activities",
    sa.column("id", sa.Integer()),
    sa.column("organisation_id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("source_id", sa.Integer()),
    sa.column("title", sa.String()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("overridden", sa.Boolean()),
    sa.column("critical_findings", sa.Integer()),
    sa.column("breaches", sa.Integer()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
_BREACHES_0019 = sa.table(
    "rule_breaches",
    sa.column("activity_id", sa.Integer()),
    sa.column("organisation_id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    sa.column("rule_id", sa.String()),
    sa.column("severity", sa.String()),
    sa.column("status", sa.String()),
    sa.column("at", sa.DateTime(timezone=True)),
)


def test_breaches_get_their_activitys_kind(app: Flask, people) -> None:
    now = datetime.now(UTC)
    with app.app_context():
        priya = db.session.get(User, people["priya"].user_id)
        owner = {"organisation_id": priya.organisation_id, "person_id": priya.id}
        with _rows_at(app, "0019_compliance_speed") as connection:
            ids = {
                kind: connection.execute(
                    sa.insert(_ACTIVITIES_0019).returning(_ACTIVITIES_0019.c.id),
                    owner
                    | {
                        "kind": kind,
                        "source_id": 1,
                        "title": kind,
                        "at": now,
                        "overridden": False,
                        "critical_findings": 0,
                        "breaches": 1,
                        "updated_at": now,
                    },
                ).scalar_one()
                for kind in ("call", "roleplay")
            }
            connection.execute(
                sa.insert(_BREACHES_0019),
                [
                    owner
                    | {
                        "activity_id": activity_id,
                        "rule_id": "US-FDCPA-806-THREAT",
                        "severity": "critical",
                        "status": "violation",
                        "at": now,
                    }
                    for activity_id in ids.values()
                ],
            )
        kinds = dict(
            db.session.execute(sa.select(RuleBreach.activity_id, RuleBreach.activity_kind)).all()
        )
    assert kinds == {ids["call"]: ActivityKind.CALL, ids["roleplay"]: ActivityKind.ROLEPLAY}
