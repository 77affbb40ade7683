"""speed: a breach carries its activity's kind (issue #15 load)

The rules page and the compliance dashboard count an organisation's breaches in practice
calls over a window; joining each of tens of thousands of breaches to its activity to read
the kind took most of their time under load. The kind is copied onto the breach (an
activity's kind never changes), filled from the activities here, and the window index now
leads with it, so those counts read the index alone.

The NOT NULL change is a batch operation because SQLite cannot alter a column in place; it
copies the table once, on PostgreSQL it is a plain ALTER.

Revision ID: 0020_breach_activity_kind
Revises: 0019_compliance_speed
Create Date: 2026-12-04 17:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_breach_activity_kind'
down_revision = '0019_compliance_speed'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("rule_breaches", sa.Column("activity_kind", sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE rule_breaches SET activity_kind = "
        "(SELECT activities.kind FROM activities WHERE activities.id = rule_breaches.activity_id)"
    )
    with op.batch_alter_table("rule_breaches") as batch_op:
        batch_op.alter_column("activity_kind", existing_type=sa.String(length=16), nullable=False)
    op.create_index(
        "ix_rule_breaches_organisation_kind_at",
        "rule_breaches",
        ["organisation_id", "activity_kind", "at", "rule_id", "activity_id"],
        unique=False,
    )
    op.drop_index("ix_rule_breaches_organisation_at_rule", table_name="rule_breaches")


def downgrade():
    op.create_index(
        "ix_rule_breaches_organisation_at_rule",
        "rule_breaches",
        ["organisation_id", "at", "rule_id", "activity_id"],
        unique=False,
    )
    op.drop_index("ix_rule_breaches_organisation_kind_at", table_name="rule_breaches")
    with op.batch_alter_table("rule_breaches") as batch_op:
        batch_op.drop_column("activity_kind")
