"""assessment: an e-mail address on accounts (for the reminders)

Revision ID: c0de0d070003
Revises: c0de0d070002
Create Date: 2026-11-27 22:50:00

"""

from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = "c0de0d070003"
down_revision = "c0de0d070002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("email")
