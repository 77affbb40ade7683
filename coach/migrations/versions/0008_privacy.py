"""privacy: when a call's recording was deleted (retention or by request)

Revision ID: 0008_privacy
Revises: 0007_sessions
Create Date: 2026-12-03 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_privacy"
down_revision = "0007_sessions"
branch_labels = None
depends_on = None


def upgrade():
    # NULL: the recording is kept; a time: it was deleted then and the call page says so.
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("recording_deleted_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("recording_deleted_at")
