"""speed: the review queue's flagged moments stored with each activity (issue #14 speed)

The review queue parsed the scorecard of each of the newest 500 unreviewed calls and runs on
every request (long monologues and escalations live only in the scorecard JSON). These are
now found once, when a call's score or a run's debrief is recorded, and kept as
``flagged_moments`` rows beside the activity's breaches; the queue counts, sorts and pages
them in SQL. The upgrade fills the table for the activities already recorded, from each
call's latest scorecard and each run's debrief, with the same functions the recording uses.

Revision ID: 0017_review_speed
Revises: 0016_speed
Create Date: 2026-12-04 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_review_speed'
down_revision = '0016_speed'
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade():
    moments = op.create_table('flagged_moments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('turn', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_flagged_moments_activity_id_activities'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flagged_moments'))
    )
    op.create_index(op.f('ix_flagged_moments_activity_id'), 'flagged_moments', ['activity_id'], unique=False)
    _backfill(moments)


def _backfill(moments):
    """Flag the moments of every call and run recorded before this table existed."""
    from coach.progress.moments import call_moments, run_moments

    activities = sa.table('activities', sa.column('id'), sa.column('kind'), sa.column('source_id'))
    scores = sa.table('call_scores', sa.column('id'), sa.column('call_id'), sa.column('data', sa.JSON))
    runs = sa.table('scenario_runs', sa.column('id'), sa.column('scorecard', sa.JSON),
                    sa.column('ending_kind'), sa.column('turn'))
    latest = sa.select(sa.func.max(scores.c.id)).group_by(scores.c.call_id)
    bind = op.get_bind()
    calls = bind.execute(
        sa.select(activities.c.id, scores.c.data)
        .join(scores, scores.c.call_id == activities.c.source_id)
        .where(activities.c.kind == 'call', scores.c.id.in_(latest))
    )
    found = [(row.id, call_moments(row.data)) for row in calls]
    ended = bind.execute(
        sa.select(activities.c.id, runs.c.scorecard, runs.c.ending_kind, runs.c.turn)
        .join(runs, runs.c.id == activities.c.source_id)
        .where(activities.c.kind == 'roleplay')
    )
    found += [(row.id, run_moments(row.scorecard, row.ending_kind, row.turn)) for row in ended]
    rows = [
        {'activity_id': activity_id, 'rule': m.rule, 'reason': m.reason, 'severity': m.severity,
         'turn': m.turn}
        for activity_id, flagged in found
        for m in flagged
    ]
    for start in range(0, len(rows), _BATCH):
        op.bulk_insert(moments, rows[start:start + _BATCH])


def downgrade():
    op.drop_index(op.f('ix_flagged_moments_activity_id'), table_name='flagged_moments')
    op.drop_table('flagged_moments')
