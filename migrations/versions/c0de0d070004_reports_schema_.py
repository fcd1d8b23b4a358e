"""reports: the committee's report settings (the six rates' open definitions, the ranking)

Revision ID: c0de0d070004
Revises: c0de0d070003
Create Date: 2026-11-27 22:50:00

"""

from alembic import op
import sqlalchemy as sa

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = "c0de0d070004"
down_revision = "c0de0d070003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('duty_rule', sa.String(length=20), nullable=False),
    sa.Column('catalogue_rule', sa.String(length=20), nullable=False),
    sa.Column('expected_rule', sa.String(length=20), nullable=False),
    sa.Column('count_withdrawn', sa.Boolean(), nullable=False),
    sa.Column('complaint_penalty', sa.Double(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("duty_rule IN ('staffed', 'account', 'rota')", name=op.f('ck_report_settings_duty_rule_valid')),
    sa.CheckConstraint("catalogue_rule IN ('own', 'inherited')", name=op.f('ck_report_settings_catalogue_rule_valid')),
    sa.CheckConstraint("expected_rule IN ('active', 'all')", name=op.f('ck_report_settings_expected_rule_valid')),
    sa.CheckConstraint('complaint_penalty BETWEEN 0 AND 100', name=op.f('ck_report_settings_penalty_valid')),
    sa.ForeignKeyConstraint(['org_id'], ['org.id'], name=op.f('fk_report_settings_org_id_org')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_report_settings_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_settings')),
    sa.UniqueConstraint('org_id', name=op.f('uq_report_settings_org_id'))
    )


def downgrade():
    op.drop_table('report_settings')
