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
    pass


def downgrade():
    pass
