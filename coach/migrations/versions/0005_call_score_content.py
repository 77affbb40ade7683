"""call score content: the content identities a scorecard was made from

Revision ID: 0005_call_score_content
Revises: 0004_call_score_versions
Create Date: 2026-12-02 22:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_call_score_content'
down_revision = '0004_call_score_versions'
branch_labels = None
depends_on = None


def upgrade():
    # Rows scored before this revision pin nothing: the files they used are not known any more.
    with op.batch_alter_table('call_scores', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('content', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade():
    with op.batch_alter_table('call_scores', schema=None) as batch_op:
        batch_op.drop_column('content')
