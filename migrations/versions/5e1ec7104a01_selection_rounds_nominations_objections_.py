"""selection rounds, nominations, objections and steps; members' disciplinary sanctions

Revision ID: 5e1ec7104a01
Revises: c4e1a7d20b10
Create Date: 2026-11-27 20:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = '5e1ec7104a01'
down_revision = 'c4e1a7d20b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sanction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.common.timeutil.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('warning', 'serious_warning', 'removal_from_post', 'probation')", name=op.f('ck_sanction_kind_valid')),
    sa.CheckConstraint('ends_on IS NULL OR ends_on >= decided_on', name=op.f('ck_sanction_ends_after_decided')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_sanction_member_id_member')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_sanction_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanction'))
    )
    with op.batch_alter_table('sanction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanction_member_id'), ['member_id'], unique=False)

    op.create_table('selection_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('quarters', sa.JSON(), nullable=False),
    sa.Column('quota_mode', sa.String(length=10), nullable=False),
    sa.Column('quota_value', sa.Double(), nullable=False),
    sa.Column('quota_rounding', sa.String(length=10), nullable=False),
    sa.Column('quota_overrides', sa.JSON(), nullable=False),
    sa.Column('rules_off', sa.JSON(), nullable=False),
    sa.Column('nominations_due', sa.Date(), nullable=False),
    sa.Column('review_due', sa.Date(), nullable=False),
    sa.Column('notice_starts', sa.Date(), nullable=False),
    sa.Column('notice_ends', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', app.common.timeutil.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('nominating', 'reviewing', 'notice', 'final')", name=op.f('ck_selection_round_status_valid')),
    sa.CheckConstraint("quota_mode IN ('count', 'share')", name=op.f('ck_selection_round_quota_mode_valid')),
    sa.CheckConstraint("quota_rounding IN ('floor', 'round', 'ceil')", name=op.f('ck_selection_round_quota_rounding_valid')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user_account.id'], name=op.f('fk_selection_round_opened_by_id_user_account')),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_selection_round_org_id_org')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_round')),
    sa.UniqueConstraint('org_id', 'year', name='uq_selection_round_org_year')
    )
    with op.batch_alter_table('selection_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_round_org_id'), ['org_id'], unique=False)

    op.create_table('nomination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('deeds', sa.String(length=200), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.common.timeutil.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.common.timeutil.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('new', 'nominated', 'sent_back', 'approved', 'withdrawn', 'dropped')", name=op.f('ck_nomination_status_valid')),
    sa.ForeignKeyConstraint(['branch_id'], ['org.id'], name=op.f('fk_nomination_branch_id_org')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_nomination_member_id_member')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['user_account.id'], name=op.f('fk_nomination_nominated_by_id_user_account')),
    sa.ForeignKeyConstraint(['round_id'], ['selection_round.id'], name=op.f('fk_nomination_round_id_selection_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination')),
    sa.UniqueConstraint('round_id', 'member_id', name='uq_nomination_round_member')
    )
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.create_index('ix_nomination_round_branch', ['round_id', 'branch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_member_id'), ['member_id'], unique=False)

    op.create_table('objection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('raised_by', sa.String(length=100), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_by', sa.String(length=100), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('created_at', app.common.timeutil.UTCDateTime(), nullable=False),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('upheld', 'dismissed')", name=op.f('ck_objection_outcome_valid')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_objection_nomination_id_nomination')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_objection_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objection'))
    )
    with op.batch_alter_table('objection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objection_nomination_id'), ['nomination_id'], unique=False)

    op.create_table('selection_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=False),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('created_at', app.common.timeutil.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_selection_step_actor_id_user_account')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_selection_step_nomination_id_nomination')),
    sa.ForeignKeyConstraint(['round_id'], ['selection_round.id'], name=op.f('fk_selection_step_round_id_selection_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_selection_step'))
    )
    with op.batch_alter_table('selection_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_selection_step_nomination_id'), ['nomination_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_selection_step_round_id'), ['round_id'], unique=False)


def downgrade():
    for table in ('selection_step', 'objection', 'nomination', 'selection_round', 'sanction'):
        op.drop_table(table)
