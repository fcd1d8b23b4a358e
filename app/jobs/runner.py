"""Running jobs: inline (tests, JOBS_INLINE), on RQ when REDIS_URL is set, else on one worker
thread per app process. Each run is one transaction: the job's writes and its "done" commit
together, and a failure rolls every write back before the failure is recorded."""

from __future__ import annotations

import logging
import queue
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.common.timeutil import utcnow
from app.errors import DomainError
from app.extensions import db
from app.jobs import files
from app.jobs.models import Job, JobState
from app.jobs.registry import KINDS, JobFailed

log = logging.getLogger(__name__)
RESULTS = "jobs"
QUEUE_NAME = "dangjian"


def submit(job: Job) -> None:
    """Start a committed job: now (inline), on Redis, or on this process's worker thread."""
    app = current_app._get_current_object()
    if app.config.get("JOBS_INLINE"):
        execute(job.id)
    elif app.config.get("REDIS_URL"):
        _rq_queue(app).enqueue(run_in_worker, job.id, job_timeout=3600, result_ttl=0)
    else:
        _thread_for(app).put(job.id)


def _rq_queue(app: Flask):
    # Redis and RQ are loaded only by deployments that set REDIS_URL.
    from redis import Redis
    from rq import Queue  # (likewise)

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def run_in_worker(job_id: int) -> None:
    """RQ's entry point: the worker (``flask --app wsgi jobs worker``) has the app context;
    any other RQ worker builds the app first."""
    if has_app_context():
        execute(job_id)
        return
    # A plain RQ worker has no app yet; the factory imports this module, so import it late.
    from app import create_app

    with create_app().app_context():
        execute(job_id)


class _ThreadRunner:
    """One daemon thread per process taking job ids from a queue, one at a time."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.queue: queue.Queue[int] = queue.Queue()
        self.thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
        self.thread.start()

    def put(self, job_id: int) -> None:
        self.queue.put(job_id)

    def _loop(self) -> None:
        while True:
            job_id = self.queue.get()
            try:
                with self.app.app_context():
                    try:
                        execute(job_id)
                    finally:
                        db.session.remove()
            except Exception:  # the thread must outlive any one job
                log.exception("background job %s", job_id)
            finally:
                self.queue.task_done()


_lock = threading.Lock()


def _thread_for(app: Flask) -> _ThreadRunner:
    with _lock:
        runner = app.extensions.get("job_thread")
        if runner is None or not runner.thread.is_alive():
            runner = app.extensions["job_thread"] = _ThreadRunner(app)
        return runner


def _progress(job_id: int, done: int, total: int) -> None:
    """Record progress on its own connection, so it shows while the job's transaction is open.
    (On SQLite, a job that has written holds the one write lock: such a job reports only
    between its phases; see ``writes_block_progress``.)"""
    try:
        with db.engine.begin() as conn:
            conn.execute(update(Job).where(Job.id == job_id).values(progress=done, total=total))
    except Exception:  # progress is a courtesy: never fail a job for it
        log.warning("progress of job %s not recorded", job_id, exc_info=True)


def writes_block_progress() -> bool:
    """Whether progress cannot be recorded while the job's own writes are pending."""
    return db.engine.dialect.name == "sqlite"


def execute(job_id: int) -> None:
    """Run one queued job to its end (done or failed). Never raises for the job's own errors."""
    job = db.session.get(Job, job_id)
    if job is None or job.state != JobState.QUEUED:
        return
    job.state, job.started_at = JobState.RUNNING, utcnow()
    db.session.commit()
    kind = KINDS[job.kind]
    try:
        outcome = kind.run(job, lambda done, total: _progress(job_id, done, total))
        result_token = ""
        if outcome.file_path:
            result_token = _keep_result(outcome.file_path)
    except Exception as err:
        db.session.rollback()
        _fail(job_id, err)
        return
    job.state, job.finished_at = JobState.DONE, utcnow()
    job.result = outcome.result
    job.result_token, job.result_name = result_token, outcome.file_name[:200]
    ttl = current_app.config["JOB_RESULT_TTL"]
    job.expires_at = job.finished_at + timedelta(seconds=ttl)
    db.session.commit()


def _keep_result(path: str) -> str:
    p = Path(path)
    try:
        return files.store(files.folder(current_app.instance_path, RESULTS), p.read_bytes())
    finally:
        p.unlink(missing_ok=True)


def _fail(job_id: int, err: Exception) -> None:
    job = db.session.get(Job, job_id)
    job.state, job.finished_at = JobState.FAILED, utcnow()
    if isinstance(err, DomainError):
        job.error = str(err.message)[:2000]
        job.row_errors = [list(r) for r in getattr(err, "rows", [])[:500]]
    else:
        log.exception("background job %s failed", job_id, exc_info=err)
        job.error = str(_l("The job failed; nothing was written. Try again or ask an admin."))
    db.session.commit()


def describe(job: Job) -> dict[str, Any]:
    """The job's state as the progress endpoint answers it (nothing personal)."""
    return {
        "state": job.state,
        "progress": job.progress,
        "total": job.total,
        "percent": job.percent,
        "finished": job.is_finished,
    }


__all__ = [
    "JobFailed",
    "describe",
    "execute",
    "run_in_worker",
    "submit",
    "writes_block_progress",
]
