"""Statements on PostgreSQL are planned for their own values (app/common/pgplans.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.auth.sessions import load_session_user, start_session
from app.common.pgplans import PREPARED
from app.extensions import db
from app.orgs.models import Org
from tests.factories import make_user


def _prepared_statements() -> list[str]:
    return list(db.session.scalars(text("SELECT statement FROM pg_prepared_statements")))


def test_a_scoped_count_run_all_day_is_planned_each_time_for_its_scope(app):
    """Run again and again on one connection (a server's, all day), a count is never prepared
    on the server, so PostgreSQL never swaps in one plan for every scope; a statement that
    asks (the session lookup) is prepared at its first run."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    for path in ["/", "/1/", "/"] * 4:
        db.session.execute(select(Org.id).where(Org.path.like(path + "%"))).all()
    assert not [s for s in _prepared_statements() if "org.path LIKE" in s]
    db.session.execute(select(Org.name).where(Org.id == 1).execution_options(**PREPARED)).all()
    assert [s for s in _prepared_statements() if "org.name" in s]


def test_the_session_lookup_is_prepared(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    user = make_user("committee")
    sess = start_session(user)
    db.session.commit()
    with app.test_request_context("/"):
        assert load_session_user(sess.token) == user
        assert [s for s in _prepared_statements() if "FROM user_session" in s]
