"""Starting, reading and fetching background jobs, and sweeping what they leave on disk."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.auth.models import User
from app.common.timeutil import utcnow
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.jobs import files
from app.jobs.models import Job, JobState
from app.jobs.registry import KINDS
from app.jobs.runner import RESULTS


def create_job(actor: User, kind: str, params: dict[str, Any], total: int = 0) -> Job:
    """A queued job of ``kind`` owned by ``actor``; the caller commits, then submits it."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job(kind=kind, user_id=actor.id, params=params, total=total, state=JobState.QUEUED)
    db.session.add(job)
    db.session.flush()
    return job


def job_for(user: User, job_id: int) -> Job:
    """The user's own job. Raises NotFound for any other (no existence leak)."""
    job = db.session.get(Job, job_id)
    if job is None or not policy.can(user, "job.view", job):
        raise NotFound(_l("No such job."))
    return job


def result_available(job: Job) -> bool:
    return (
        job.state == JobState.DONE
        and bool(job.result_token)
        and job.expires_at is not None
        and job.expires_at > utcnow()
    )


def fetch_result(actor: User, job: Job, instance_path: str, ttl_s: float) -> tuple[bytes, str]:
    """The job's result file and its download name, for its owner only. Audited (the caller
    commits). Raises ValidationError once it has expired."""
    if not policy.can(actor, "job.view", job):
        raise NotFound(_l("No such job."))
    data = None
    if result_available(job):
        data = files.load(files.folder(instance_path, RESULTS), job.result_token, ttl_s)
    if data is None:
        raise ValidationError(_l("The result has expired. Start the export again."))
    audit.record(actor, "job.download", job, job=job.kind, filename=job.result_name)
    return data, job.result_name


def sweep(instance_path: str, ttl_s: float) -> int:
    """Remove job results past their time (the rows stay, without their file). The caller
    commits. Returns how many files went."""
    n = files.sweep(files.folder(instance_path, RESULTS), ttl_s)
    for job in db.session.scalars(
        select(Job).where(Job.result_token != "", Job.expires_at < utcnow())
    ):
        files.remove(files.folder(instance_path, RESULTS), job.result_token)
        job.result_token = ""
    return n


def recent_jobs(user: User, limit: int = 10) -> list[Job]:
    stmt = select(Job).where(Job.user_id == user.id).order_by(Job.id.desc()).limit(limit)
    return list(db.session.scalars(stmt))
