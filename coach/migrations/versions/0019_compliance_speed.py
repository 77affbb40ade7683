"""speed: compliance reports read their breach windows from one index (issue #14 speed)

The rules page and the compliance dashboard count an organisation's breaches by rule and
week over a window of time; an index of the breach's organisation and time that also holds
its rule and activity answers them without reading the table, so it replaces the narrower
one on the organisation and time.

Plain CREATE/DROP INDEX, not batch operations: on SQLite a batch would copy the table.

Revision ID: 0019_compliance_speed
Revises: 0018_activities_by_kind
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019_compliance_speed'
down_revision = '0018_activities_by_kind'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_rule_breaches_organisation_at_rule",
        "rule_breaches",
        ["organisation_id", "at", "rule_id", "activity_id"],
        unique=False,
    )
    op.drop_index("ix_rule_breaches_organisation_at", table_name="rule_breaches")


def downgrade():
    op.create_index(
        "ix_rule_breaches_organisation_at", "rule_breaches", ["organisation_id", "at"], unique=False
    )
    op.drop_index("ix_rule_breaches_organisation_at_rule", table_name="rule_breaches")
