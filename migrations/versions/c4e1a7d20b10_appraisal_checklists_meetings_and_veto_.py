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

VETO_BEFORE = "veto_category IS NULL OR veto_category IN ('discipline', 'accident_precursor', 'illegal')"
VETO_AFTER = "veto_category IS NULL OR veto_category IN ('discipline', 'accident_precursor', 'illegal', 'other')"


def upgrade():
    op.create_table('branch_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('attendees', sa.Text(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_branch_meeting_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_branch_meeting_org_id_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_meeting'))
    )
    with op.batch_alter_table('branch_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_meeting_org_id'), ['org_id'], unique=False)

    op.create_table('checklist_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('clear', 'visit', 'talk')", name=op.f('ck_checklist_item_kind_valid')),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_checklist_item_org_id_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_item'))
    )
    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_item_org_id'), ['org_id'], unique=False)

    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('branch_meeting_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_appraisal_branch_meeting_id'), ['branch_meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_appraisal_branch_meeting_id_branch_meeting'), 'branch_meeting', ['branch_meeting_id'], ['id'])
        batch_op.drop_constraint(batch_op.f('ck_appraisal_veto_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_appraisal_veto_valid'), VETO_AFTER)

    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checklist_item_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contact_log_checklist_item_id'), ['checklist_item_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_contact_log_checklist_item_id_checklist_item'), 'checklist_item', ['checklist_item_id'], ['id'])


def downgrade():
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contact_log_checklist_item_id_checklist_item'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contact_log_checklist_item_id'))
        batch_op.drop_column('checklist_item_id')

    # A veto recorded as 'other' has no category the older schema knows: it reads as discipline.
    op.execute("UPDATE appraisal SET veto_category = 'discipline' WHERE veto_category = 'other'")
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appraisal_veto_valid'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_appraisal_veto_valid'), VETO_BEFORE)
        batch_op.drop_constraint(batch_op.f('fk_appraisal_branch_meeting_id_branch_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appraisal_branch_meeting_id'))
        batch_op.drop_column('branch_meeting_id')

    with op.batch_alter_table('checklist_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_item_org_id'))

    op.drop_table('checklist_item')
    with op.batch_alter_table('branch_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_meeting_org_id'))

    op.drop_table('branch_meeting')
