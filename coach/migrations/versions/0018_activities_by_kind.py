"""speed: an organisation's activities of one kind over time, from one index (issue #14 speed)

The compliance reports count an organisation's scored calls per week and per person (the
rules page, the teams page, the dashboard) and the admin's review queue takes the newest
calls and runs. Through the index on the organisation and time alone, every row of the
window was read from the table to check its kind; this index holds the kind first and the
person and breach count with it, so those queries read the index alone
(docs/benchmarks.md, "Pages at floor scale").

Plain CREATE/DROP INDEX, not batch operations: on SQLite a batch would copy the table.

Revision ID: 0018_activities_by_kind
Revises: 0017_review_speed
Create Date: 2026-12-04 10:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_activities_by_kind'
down_revision = '0017_review_speed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_activities_organisation_kind_at",
        "activities",
        ["organisation_id", "kind", "at", "person_id", "breaches"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_activities_organisation_kind_at", table_name="activities")
