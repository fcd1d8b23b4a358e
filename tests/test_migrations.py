"""Migrations are the schema's only path: upgrade from empty equals the models, and round-trips."""

from __future__ import annotations

from datetime import date

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import create_app
from app.appraisal import periods
from app.extensions import db
from tests.conftest import fresh_database, is_postgres
from tests.factories import make_member, make_tree


@pytest.fixture
def empty_db_url(tmp_path, worker_id):
    if is_postgres():
        with fresh_database(f"mig_{worker_id}") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def _diff():
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, db.metadata)


def test_upgrade_from_empty_matches_the_models_and_round_trips(empty_db_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_db_url)
    with app.app_context():
        flask_migrate.upgrade()
        assert _diff() == []
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert _diff() == []
        db.engine.dispose()


def test_the_last_migrations_run_on_a_database_holding_data(empty_db_url):
    """Batch mode rebuilds SQLite tables that other rows point to (a quarter's records point to
    the quarter): stepping the last migrations down and up again keeps every row and reference."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=empty_db_url)
    with app.app_context():
        flask_migrate.upgrade()
        tree = make_tree()
        make_member(tree.group_a)
        periods.open_period(
            None, tree.committee, 2026, 3, periods.Deadlines(*[date(2026, 9, 30)] * 4)
        )
        db.session.commit()
        counts = {
            t: db.session.execute(db.text(f"SELECT count(*) FROM {t}")).scalar()
            for t in ("appraisal_period", "appraisal", "member")
        }
        db.session.remove()
        flask_migrate.downgrade(revision="-3")
        flask_migrate.upgrade()
        after = {
            t: db.session.execute(db.text(f"SELECT count(*) FROM {t}")).scalar() for t in counts
        }
        assert after == counts and counts["appraisal"] == 1
        assert _diff() == []
        db.session.remove()
        db.engine.dispose()
