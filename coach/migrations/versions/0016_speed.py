"""speed: indexes for dashboards and lists at floor scale (issue #14, docs/benchmarks.md)

The call list and the role-play library page newest first within an organisation; the call
list's rule filter choices read one person's breaches; certification reports read a few
columns of every quiz attempt, which on SQLite sit behind each attempt's frozen paper, so an
index holding them spares reading the papers.

Plain CREATE/DROP INDEX, not batch operations: on SQLite a batch would copy the table.

Revision ID: 0016_speed
Revises: 0015_api_tokens
Create Date: 2026-12-04 00:33:03.164383

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_speed'
down_revision = '0015_api_tokens'
branch_labels = None
depends_on = None


INDEXES = (
    ("calls", "ix_calls_organisation_created", ["organisation_id", "created_at"]),
    ("quiz_attempts", "ix_quiz_attempts_organisation_status",
     ["organisation_id", "status", "deadline_at"]),
    ("quiz_attempts", "ix_quiz_attempts_report",
     ["organisation_id", "program_id", "user_id", "status", "submitted_at", "started_at", "score",
      "passed"]),
    ("rule_breaches", "ix_rule_breaches_person_rule", ["person_id", "rule_id"]),
    ("scenario_runs", "ix_scenario_runs_organisation_created", ["organisation_id", "created_at"]),
)


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
