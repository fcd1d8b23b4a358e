"""The shared error path: a write that loses a race at commit time answers the same 409 as a
stale form, with the session rolled back before the error page is rendered."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from app.audit import AuditEvent
from app.extensions import db
from app.orgs import services as org_services
from app.orgs.models import Org
from tests.conftest import is_postgres

STALE = "已被他人修改"


def _rename(client, org: Org, name: str, version: int | None = None):
    return client.post(
        f"/orgs/{org.id}/rename",
        data={"name": name, "version": org.version if version is None else version},
    )


def _renames() -> int:
    return db.session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "org.rename")
    )


def test_a_row_changed_under_the_save_answers_409(tree, cmte, login_as, monkeypatch):
    """The version check passed, then another request saved the row before our UPDATE:
    SQLAlchemy's version_id_col raises StaleDataError at commit."""
    org_id = tree.branch_a.id

    def meanwhile(*args, **kwargs):
        db.session.execute(
            text("UPDATE org SET name = '别人的名字', version = version + 1 WHERE id = :id"),
            {"id": org_id},
        )

    monkeypatch.setattr(org_services, "_check_sibling_name", meanwhile)
    r = _rename(login_as(cmte), tree.branch_a, "我的名字")
    assert r.status_code == 409
    assert STALE in r.get_data(as_text=True)
    db.session.expire_all()
    # Rolled back whole: neither our name nor the statement run in our transaction stays.
    assert db.session.get(Org, org_id).name == "甲党支部"
    assert _renames() == 0


def test_a_unique_key_taken_under_the_save_answers_409(tree, cmte, login_as, monkeypatch):
    """A double submit: the name was free when checked, taken when written (IntegrityError)."""
    other = tree.branch_b.id

    def meanwhile(*args, **kwargs):
        db.session.execute(text("UPDATE org SET name = '同名' WHERE id = :id"), {"id": other})

    monkeypatch.setattr(org_services, "_check_sibling_name", meanwhile)
    r = _rename(login_as(cmte), tree.general, "同名")
    assert r.status_code == 409
    assert STALE in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Org, tree.general.id).name == "测试党总支"
    assert _renames() == 0


def test_an_unexpected_database_error_is_rolled_back_before_the_page(
    tree, cmte, login_as, monkeypatch
):
    def broken(*args, **kwargs):
        db.session.execute(text("INSERT INTO org (id) VALUES (NULL)"))  # NOT NULL: a bug

    monkeypatch.setattr(org_services, "_check_sibling_name", broken)
    r = _rename(login_as(cmte), tree.branch_a, "我的名字")
    assert r.status_code == 500
    assert "事件编号" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Org, tree.branch_a.id).name == "甲党支部"


def _race(app, monkeypatch, jobs):
    """Run each ``(client, org, name)`` rename in its own thread (its own connection), all of
    them held inside the service until every one has passed its version check."""
    barrier = threading.Barrier(len(jobs), timeout=10)
    real_check = org_services._check_sibling_name

    def slow_check(*args, **kwargs):
        real_check(*args, **kwargs)
        barrier.wait()
        time.sleep(0.2)

    monkeypatch.setattr(org_services, "_check_sibling_name", slow_check)
    statuses: list[int] = []

    def run(client, org_id, version, name):
        with app.app_context():
            r = client.post(f"/orgs/{org_id}/rename", data={"name": name, "version": version})
            statuses.append(r.status_code)

    threads = [
        threading.Thread(target=run, args=(c, org.id, org.version, name)) for c, org, name in jobs
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    db.session.expire_all()
    return sorted(statuses)


@pytest.mark.skipif(not is_postgres(), reason="needs two database connections")
def test_two_saves_of_one_record_at_once_one_wins_one_conflicts(
    app, tree, cmte, login_as, monkeypatch
):
    first, second = login_as(cmte), login_as(cmte)
    statuses = _race(
        app, monkeypatch, [(first, tree.branch_a, "甲一"), (second, tree.branch_a, "甲二")]
    )
    assert statuses == [302, 409]
    renames = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "org.rename"))
    (winner,) = [ev.details["new"] for ev in renames]
    assert db.session.get(Org, tree.branch_a.id).name == winner


@pytest.mark.skipif(not is_postgres(), reason="needs two database connections")
def test_a_double_submit_of_one_name_one_wins_one_conflicts(app, tree, cmte, login_as, monkeypatch):
    first, second = login_as(cmte), login_as(cmte)
    statuses = _race(
        app, monkeypatch, [(first, tree.general, "同名"), (second, tree.branch_b, "同名")]
    )
    assert statuses == [302, 409]
    names = db.session.scalars(select(Org.name).where(Org.parent_id == tree.committee.id))
    assert sorted(names).count("同名") == 1
    assert _renames() == 1
