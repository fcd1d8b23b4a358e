"""login throttling per account and per address

Revision ID: a11a0b1c2d3e
Revises: 5e1ec7104a01
Create Date: 2026-11-27 20:30:00

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
    pass


def downgrade():
    pass
