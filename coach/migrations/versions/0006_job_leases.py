"""job leases: who runs a job until when, interruptions, wait reasons; the job behind a score

Revision ID: 0006_job_leases
Revises: 0005_call_score_content
Create Date: 2026-12-03 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_job_leases'
down_revision = '0005_call_score_content'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_owner', sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('interruptions', sa.Integer(), nullable=False, server_default=sa.text('0'))
        )
        batch_op.add_column(sa.Column('wait_reason', sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_jobs_lease_expires_at'), ['lease_expires_at'], unique=False
        )
    with op.batch_alter_table('call_scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_call_scores_job_id_jobs'), 'jobs', ['job_id'], ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('call_scores', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_call_scores_job_id_jobs'), type_='foreignkey')
        batch_op.drop_column('job_id')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_lease_expires_at'))
        batch_op.drop_column('wait_reason')
        batch_op.drop_column('interruptions')
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('lease_owner')
