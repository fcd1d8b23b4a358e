"""duty: schema changes of the duty work (none yet)

Revision ID: c0de0d070001
Revises: 7b23833bd706
Create Date: 2026-11-27 22:50:00

"""

from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = "c0de0d070001"
down_revision = "7b23833bd706"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
