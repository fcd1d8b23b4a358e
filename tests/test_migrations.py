"""Migrations are the schema's only path: upgrade from empty equals the models, and round-trips."""

from __future__ import annotations

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from tests.conftest import fresh_database, is_postgres


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
