"""login throttling per account and per address

Revision ID: a11a0b1c2d3e
Revises: 5e1ec7104a01
Create Date: 2026-11-27 20:30:00

Replaces the account lock (failed_logins, locked_until on user_account) by growing delays
counted per account, client address and known browser in login_throttle. Any lock in force
is dropped with the columns.
"""
from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = 'a11a0b1c2d3e'
down_revision = '5e1ec7104a01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('blocked_until', app.common.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('scope', 'key', name='uq_login_throttle_scope_key')
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', app.common.timeutil.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('failed_logins', server_default=None)

    op.drop_table('login_throttle')
