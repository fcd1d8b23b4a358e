"""audit log hash chain and append-only triggers

Revision ID: e11e0f1a2b3c
Revises: b11b0c1d2e3f
Create Date: 2026-11-27 20:30:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = 'e11e0f1a2b3c'
down_revision = 'b11b0c1d2e3f'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
