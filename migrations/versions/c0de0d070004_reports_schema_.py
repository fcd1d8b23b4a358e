"""reports: schema changes of the reports work (none yet)

Revision ID: c0de0d070004
Revises: c0de0d070003
Create Date: 2026-11-27 22:50:00

"""

from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = "c0de0d070004"
down_revision = "c0de0d070003"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
