"""Background jobs: a large import checked and written outside the request, a large export
offered when ready; progress, owner-only access, failures with their rows, all or nothing."""

from __future__ import annotations

import io
import os
import time
import zipfile

import openpyxl
import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.auth.models import Role
from app.extensions import db
from app.jobs import runner, services
from app.jobs.models import Job
from app.roster import importer
from app.roster.models import Member
from tests.factories import make_id_number, make_member, make_user, make_xlsx

HEADER = ["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "转正时间", "党员类别"]


@pytest.fixture
def small_sync(app, tmp_path, monkeypatch):
    """Everything over two rows goes to a job; files land in a private instance folder."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setitem(app.config, "IMPORT_SYNC_MAX_ROWS", 2)
    monkeypatch.setitem(app.config, "EXPORT_SYNC_MAX_ROWS", 0)
    return tmp_path


def _count() -> int:
    return db.session.scalar(select(func.count(Member.id)))


def _rows(n: int, start: int = 500) -> bytes:
    return make_xlsx(
        [HEADER]
        + [
            [f"后台{i}", make_id_number(seq=start + i), "甲党支部", "", "", "", "正式党员"]
            for i in range(n)
        ]
    )


def _upload(c, data: bytes):
    return c.post(
        "/roster/import",
        data={"file": (io.BytesIO(data), "big.xlsx")},
        content_type="multipart/form-data",
    )


def _job_id(response) -> int:
    assert response.status_code == 302, response.data[:300]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_a_large_import_is_checked_then_written_by_jobs(tree, login_as, small_sync):
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    check = _job_id(_upload(c, _rows(3)))
    page = c.get(f"/jobs/{check}").get_data(as_text=True)
    assert "roster/import/commit" in page and _count() == 0  # the preview, nothing written
    commit = _job_id(c.post("/roster/import/commit"))
    status = c.get(f"/jobs/{commit}/status.json").get_json()
    assert status["state"] == "done" and status["percent"] == 100
    assert _count() == 3
    job = db.session.get(Job, commit)
    # Progress is recorded after each chunk written (not while SQLite's writes are pending).
    written = 0 if runner.writes_block_progress() else 3
    assert job.result["created"] == 3 and job.progress == written and job.total == 3
    assert list((small_sync / "imports").iterdir()) == []  # the job removed the upload


def test_a_failing_import_job_reports_its_rows_and_writes_nothing(
    tree, login_as, small_sync, monkeypatch
):
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    _job_id(_upload(c, _rows(3)))

    def refused(_actor, _org_id, errors):  # a rule that only shows on writing
        errors["org_id"] = "写入时被拒绝"

    monkeypatch.setattr(importer.services, "check_org_for", refused)
    commit = _job_id(c.post("/roster/import/commit"))
    job = db.session.get(Job, commit)
    assert job.state == "failed" and job.row_errors == [[2, "", "写入时被拒绝"]]
    assert _count() == 0
    page = c.get(f"/jobs/{commit}").get_data(as_text=True)
    assert "写入时被拒绝" in page


def test_a_file_checked_clean_that_fails_at_commit_names_the_row(tree, login_as, small_sync):
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    _job_id(_upload(c, _rows(3)))
    make_member(tree.group_b, id_number=make_id_number(seq=501))  # taken meanwhile, elsewhere
    commit = _job_id(c.post("/roster/import/commit"))
    job = db.session.get(Job, commit)
    assert job.state == "failed" and [r[0] for r in job.row_errors] == [3]
    assert _count() == 1


def test_a_large_export_is_offered_to_its_owner_only(tree, login_as, small_sync):
    make_member(tree.group_a, name="甲一")
    make_member(tree.group_b, name="乙一")
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    c = login_as(sec)
    job_id = _job_id(c.get("/roster/export.xlsx"))
    assert "/download" in c.get(f"/jobs/{job_id}").get_data(as_text=True)
    for other in (
        make_user("cmte", (Role.COMMITTEE, tree.committee)),
        make_user("root", (Role.ADMIN, tree.committee)),
    ):
        oc = login_as(other)
        for url in (f"/jobs/{job_id}", f"/jobs/{job_id}/status.json", f"/jobs/{job_id}/download"):
            assert oc.get(url).status_code == 404, url
    r = c.get(f"/jobs/{job_id}/download")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    ws = openpyxl.load_workbook(io.BytesIO(r.data))["花名册"]
    assert [row[1] for row in ws.iter_rows(min_row=2, values_only=True)] == ["甲一"]
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("roster.export") == 1 and actions.count("job.download") == 1
    # The result lies encrypted on disk.
    for path in (small_sync / "jobs").iterdir():
        assert not zipfile.is_zipfile(path)


def test_an_expired_result_is_refused_and_swept(tree, login_as, small_sync, runner):
    make_member(tree.group_a, name="甲一")
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    job_id = _job_id(c.get("/roster/export.xlsx"))
    job = db.session.get(Job, job_id)
    job.expires_at = job.finished_at
    db.session.commit()
    assert c.get(f"/jobs/{job_id}/download").status_code == 302
    (path,) = (small_sync / "jobs").iterdir()
    old = time.time() - 7200
    os.utime(path, (old, old))
    result = runner.invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0, result.output
    assert list((small_sync / "jobs").iterdir()) == []


def test_the_worker_thread_runs_a_job(tree, app, small_sync, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    make_member(tree.group_a, name="甲一")
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    job = services.create_job(sec, "roster.export", {"filters": {}}, total=1)
    db.session.commit()
    runner.submit(job)
    thread = app.extensions["job_thread"]
    deadline = time.time() + 30
    while thread.queue.unfinished_tasks and time.time() < deadline:
        time.sleep(0.05)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == "done" and job.result == {"rows": 1} and job.result_token


def test_with_redis_url_the_job_goes_to_rq(tree, app, small_sync, monkeypatch):
    redis = pytest.importorskip("redis")
    from rq import Queue, SimpleWorker

    url = "redis://127.0.0.1:6379/15"
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    make_member(tree.group_a, name="甲一")
    sec = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    job = services.create_job(sec, "roster.export", {"filters": {}}, total=1)
    db.session.commit()
    queue = Queue(runner.QUEUE_NAME, connection=connection)
    queue.empty()
    runner.submit(job)
    assert db.session.get(Job, job.id).state == "queued"  # nothing ran in the request
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == "done"
