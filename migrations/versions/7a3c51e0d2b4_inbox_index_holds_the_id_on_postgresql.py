"""the inbox index holds the record's id on PostgreSQL (the page's ids read from it alone)

Revision ID: 7a3c51e0d2b4
Revises: fc94cc89b6d3
Create Date: 2026-11-28 21:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7a3c51e0d2b4'
down_revision = 'fc94cc89b6d3'
branch_labels = None
depends_on = None

COLUMNS = ["status", "period_id", "org_id", "is_sampled", "spot_result", "member_id"]


def upgrade():
    # SQLite's index entries hold the row id already: nothing to change there.
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_appraisal_inbox", table_name="appraisal")
    op.create_index(
        "ix_appraisal_inbox", "appraisal", COLUMNS, unique=False, postgresql_include=["id"]
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_appraisal_inbox", table_name="appraisal")
    op.create_index("ix_appraisal_inbox", "appraisal", COLUMNS, unique=False)
