"""background jobs for long imports and exports

Revision ID: b11b0c1d2e3f
Revises: a11a0b1c2d3e
Create Date: 2026-11-27 20:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = 'b11b0c1d2e3f'
down_revision = 'a11a0b1c2d3e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('background_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('row_errors', sa.JSON(), nullable=False),
    sa.Column('result_token', sa.String(length=64), nullable=False),
    sa.Column('result_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_background_job_state')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_background_job_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_background_job'))
    )
    with op.batch_alter_table('background_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_background_job_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('background_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_background_job_user_id'))

    op.drop_table('background_job')
