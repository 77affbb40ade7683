"""A 100,000-call CSV export: every row arrives, streamed in chunks, read from the database
in batches (``yield_per``) rather than loaded whole. The calls and their activity rows are
written with bulk inserts: making them through uploads would take hours and test nothing
more here."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, insert, text

from coach.extensions import db
from coach.models import Activity, ActivityKind, Call, CallStatus

ROWS = 100_000
FIRST_ID = 1_000_000
FILTERED_ROWS = 6000  # over four days, a minute apart


def _bulk_calls(organisation_id: int, owner_ids: list[int], count: int = ROWS) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    calls, activities = [], []
    for number in range(count):
        call_id, owner = FIRST_ID + number, owner_ids[number % len(owner_ids)]
        at = start + timedelta(minutes=number)
        calls.append(
            {
                "id": call_id,
                "organisation_id": organisation_id,
                "owner_id": owner,
                "title": f"Bulk call {number}",
                "call_type": "initial",
                "jurisdiction": "US",
                "channels_mode": "stereo",
                "consent": True,
                "source": "upload",
                "recording_sha256": "0" * 64,
                "recording_ext": "ogg",
                "audio_format": "ogg/opus",
                "size_bytes": 1000,
                "duration": 60.0,
                "channels": 2,
                "sample_rate": 16000,
                "status": CallStatus.TRANSCRIBED,
                "created_at": at,
            }
        )
        if number % 10:  # one call in ten is not scored yet
            activities.append(
                {
                    "organisation_id": organisation_id,
                    "person_id": owner,
                    "kind": ActivityKind.CALL,
                    "source_id": call_id,
                    "title": f"Bulk call {number}",
                    "at": at,
                    "score": float(number % 101),
                    "overridden": False,
                    "outcome": "payment_plan",
                    "critical_findings": number % 3,
                    "breaches": number % 3,
                    "updated_at": at,
                }
            )
    db.session.execute(insert(Call), calls)
    db.session.execute(insert(Activity), activities)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # A real server's autovacuum analyses tables that grew this much; without statistics
        # the planner takes the new tables for empty and streams the export by nested loops.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE calls, activities"))


def test_a_100000_row_export_is_complete_and_streamed(
    app: Flask, client: FlaskClient, people, sign_in_as
) -> None:
    with app.app_context():
        from coach.models import User

        admin = db.session.get(User, people["admin"].user_id)
        assert admin is not None
        owners = [people[key].user_id for key in ("priya", "sam", "jordan")]
        _bulk_calls(admin.organisation_id, owners)
        engine = db.engine
    sign_in_as("admin")

    batched: list[object] = []

    def watch(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().startswith("SELECT calls.id, calls.title"):
            batched.append(context.execution_options.get("yield_per"))

    event.listen(engine, "before_cursor_execute", watch)
    try:
        response = client.get("/calls/export.csv", buffered=False)
        assert response.status_code == 200 and response.is_streamed
        chunks = [chunk.decode() for chunk in response.response]
        response.close()
    finally:
        event.remove(engine, "before_cursor_execute", watch)

    assert batched == [1000]  # read in batches, not .all()
    assert len(chunks) > 50  # sent as it is read, not built whole first
    text = "".join(chunks)
    assert text.startswith("\ufeffCall,")  # the BOM spreadsheets need (coach.csv_export)
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == ROWS + 1
    ids = [int(row[0]) for row in rows[1:]]
    assert sorted(ids) == list(range(FIRST_ID, FIRST_ID + ROWS))
    assert ids[0] == FIRST_ID + ROWS - 1  # newest first, as the list shows them
    unscored = next(row for row in rows[1:] if row[0] == str(FIRST_ID + 10))
    assert unscored[6] == "" and unscored[7] == ""
    scored = next(row for row in rows[1:] if row[0] == str(FIRST_ID + 11))
    assert scored[6] == "11" and scored[7] == "Payment plan" and scored[8] == "2"


def test_the_export_holds_only_the_filtered_rows(
    app: Flask, client: FlaskClient, people, sign_in_as
) -> None:
    with app.app_context():
        from coach.models import User

        admin = db.session.get(User, people["admin"].user_id)
        assert admin is not None
        owners = [people["priya"].user_id, people["sam"].user_id]
        _bulk_calls(admin.organisation_id, owners, FILTERED_ROWS)
    sign_in_as("admin")
    query = f"person={people['sam'].user_id}&score_min=95&critical=y&date_to=2026-01-03"
    text = client.get(f"/calls/export.csv?{query}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))[1:]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    expected = {
        FIRST_ID + n
        for n in range(FILTERED_ROWS)
        if n % 2 == 1  # sam's
        and n % 10
        and n % 101 >= 95
        and n % 3
        and start + timedelta(minutes=n) < datetime(2026, 1, 4, tzinfo=UTC)
    }
    assert expected and {int(row[0]) for row in rows} == expected
