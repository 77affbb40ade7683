"""call score versions: scorecard id and version and engine version as columns

Revision ID: 0004_call_score_versions
Revises: 0003_call_scores
Create Date: 2026-12-02 19:56:49.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_call_score_versions'
down_revision = '0003_call_scores'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('call_scores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scorecard_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('scorecard_version', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('engine_version', sa.String(length=16), nullable=True))

    # Backfill from the stored scorecard JSON ({"scorecard": {"id", "version"}, "versions":
    # {"engine"}}); a row whose JSON lacks a key keeps NULL there.
    scores = sa.table(
        'call_scores',
        sa.column('data', sa.JSON()),
        sa.column('scorecard_id', sa.String()),
        sa.column('scorecard_version', sa.String()),
        sa.column('engine_version', sa.String()),
    )
    op.execute(
        scores.update().values(
            scorecard_id=scores.c.data[('scorecard', 'id')].as_string(),
            scorecard_version=scores.c.data[('scorecard', 'version')].as_string(),
            engine_version=scores.c.data[('versions', 'engine')].as_string(),
        )
    )


def downgrade():
    with op.batch_alter_table('call_scores', schema=None) as batch_op:
        batch_op.drop_column('engine_version')
        batch_op.drop_column('scorecard_version')
        batch_op.drop_column('scorecard_id')
