"""audit log hash chain and append-only triggers; the key canary

Revision ID: e11e0f1a2b3c
Revises: b11b0c1d2e3f
Create Date: 2026-11-27 20:30:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

import app.common.timeutil


# revision identifiers, used by Alembic.
revision = 'e11e0f1a2b3c'
down_revision = 'b11b0c1d2e3f'
branch_labels = None
depends_on = None

MESSAGE = "audit_event is append-only"

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_event_no_{what.lower()} BEFORE {what} ON audit_event "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    for what in ("UPDATE", "DELETE")
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]
POSTGRES_TRIGGERS = [
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation'; "
    "END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def _run(statements):
    for sql in statements:
        op.execute(sql)


def upgrade():
    op.create_table('key_canary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', app.common.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_canary'))
    )
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=False, server_default=''))
    # Chain the rows already written (the key comes from the app's configuration).
    from app.audit.chain import rebuild

    bind = op.get_bind()
    session = Session(bind=bind)
    last = rebuild(session)
    session.flush()
    op.execute(
        sa.text("INSERT INTO audit_chain_head (id, last_hash) VALUES (1, :h)").bindparams(h=last)
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', server_default=None)
        batch_op.alter_column('row_hash', server_default=None)
    _run(POSTGRES_TRIGGERS if bind.dialect.name == "postgresql" else SQLITE_TRIGGERS)


def downgrade():
    bind = op.get_bind()
    _run(POSTGRES_DROP if bind.dialect.name == "postgresql" else SQLITE_DROP)
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
    op.drop_table('audit_chain_head')
    op.drop_table('key_canary')
