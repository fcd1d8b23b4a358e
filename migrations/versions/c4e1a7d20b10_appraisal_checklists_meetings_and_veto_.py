"""appraisal checklists, branch committee meetings and the veto category 'other'

Revision ID: c4e1a7d20b10
Revises: 262a6d3b7e0d
Create Date: 2026-11-27 19:55:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = 'c4e1a7d20b10'
down_revision = '262a6d3b7e0d'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
