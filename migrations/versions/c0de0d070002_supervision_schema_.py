"""supervision: schema changes of the supervision work (none yet)

Revision ID: c0de0d070002
Revises: c0de0d070001
Create Date: 2026-11-27 22:50:00

"""

from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = "c0de0d070002"
down_revision = "c0de0d070001"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
