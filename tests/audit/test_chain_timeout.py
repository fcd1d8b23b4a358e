"""A transaction left open holding the audit chain's head does not stall every writer: on
PostgreSQL the next writer waits at most AUDIT_CHAIN_LOCK_TIMEOUT_MS, then loses as a clash."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy.exc import DBAPIError

from app import audit
from app.errors import is_write_clash
from app.extensions import db
from tests.conftest import is_postgres


@pytest.mark.skipif(not is_postgres(), reason="needs two database connections")
def test_a_writer_behind_an_open_audited_transaction_gives_up_as_a_clash(app, tree):
    audit.record(None, "org.rename", tree.branch_a, old="甲", new="甲一")
    db.session.flush()  # this transaction now holds the chain's head, and stays open
    outcome: list[object] = []

    def other_writer() -> None:
        with app.app_context():
            started = time.monotonic()
            try:
                audit.record(None, "org.rename", None, old="乙", new="乙一")
                db.session.flush()
                outcome.append("written")
            except DBAPIError as err:
                outcome.append((is_write_clash(err), time.monotonic() - started))
            finally:
                db.session.rollback()
                db.session.remove()

    t = threading.Thread(target=other_writer)
    t.start()
    t.join(timeout=30)
    db.session.rollback()
    ((clash, waited),) = outcome
    assert clash is True and waited < app.config["AUDIT_CHAIN_LOCK_TIMEOUT_MS"] / 1000 + 5
