"""the inbox index covers the member (nobody acts on their own record, read from the index)

Revision ID: 5d1e7c2a9b10
Revises: 40158b523295
Create Date: 2026-11-28 07:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d1e7c2a9b10'
down_revision = '40158b523295'
branch_labels = None
depends_on = None

OLD = ["status", "period_id", "org_id", "is_sampled", "spot_result"]


def upgrade():
    with op.batch_alter_table("appraisal", schema=None) as batch_op:
        batch_op.drop_index("ix_appraisal_inbox")
        batch_op.create_index("ix_appraisal_inbox", [*OLD, "member_id"], unique=False)


def downgrade():
    with op.batch_alter_table("appraisal", schema=None) as batch_op:
        batch_op.drop_index("ix_appraisal_inbox")
        batch_op.create_index("ix_appraisal_inbox", OLD, unique=False)
