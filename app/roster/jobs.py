"""The roster's background jobs: checking and writing a large upload, and a large export.
Importing this module registers them (app.roster.views does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.auth.models import User
from app.common.excel import SpreadsheetError
from app.extensions import db
from app.jobs import runner
from app.jobs.models import Job
from app.jobs.registry import JobFailed, JobKind, Outcome, Reporter, register
from app.roster import excel, importer, search, staging

MAX_SHOWN_ERRORS = 500


@dataclass
class PlanSummary:
    """What the preview shows of a plan a job made (the first problems, and the counts)."""

    creates: int = 0
    updates: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[importer.RowError] = field(default_factory=list)
    error_count: int = 0


def _owner(job: Job) -> User:
    return db.session.get(User, job.user_id)


def _staged(job: Job) -> bytes:
    data = staging.load(current_app.instance_path, job.params.get("token", ""))
    if data is None:
        raise JobFailed(_l("The uploaded file has expired. Upload it again."))
    return data


def _rows(errors: list[importer.RowError]) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in errors[:MAX_SHOWN_ERRORS]]


def check_import(job: Job, report: Reporter) -> Outcome:
    """Check a staged upload; a file with problems is removed (it cannot be confirmed)."""
    token = job.params.get("token", "")
    try:
        plan = importer.plan_import(_owner(job), _staged(job), max_rows=job.params["max_rows"])
    except SpreadsheetError as err:
        staging.remove(current_app.instance_path, token)
        raise JobFailed(str(err)) from err
    if plan.errors:
        staging.remove(current_app.instance_path, token)
    else:
        staging.store_plan(current_app.instance_path, token, plan)
    report(len(plan.rows), len(plan.rows))
    return Outcome(
        result={
            "filename": job.params.get("filename", ""),
            "creates": plan.creates,
            "updates": plan.updates,
            "ignored_columns": plan.ignored_columns,
            "errors": _rows(plan.errors),
            "error_count": len(plan.errors),
        }
    )


def commit_import(job: Job, report: Reporter) -> Outcome:
    """Write the staged upload as one batch, from the plan its check kept when that still
    holds (else checked again), or nothing (all or nothing: the runner rolls back every
    write of a failed job)."""
    token = job.params.get("token", "")
    filename = job.params.get("filename", "")
    try:
        data = _staged(job)
        actor = _owner(job)
        plan = staging.current_plan(
            actor, current_app.instance_path, token, data, job.params["max_rows"]
        )
        total = len(plan.rows)
        report(0, total)  # nothing written yet: this shows even on SQLite
        progress = None if runner.writes_block_progress() else (lambda i: report(i, total))
        batch = importer.commit_plan(actor, plan, data, filename, progress=progress)
    except importer.ImportRejected as err:
        raise JobFailed(err.message, rows=_rows(err.plan.errors)) from err
    except SpreadsheetError as err:
        raise JobFailed(str(err)) from err
    finally:
        staging.remove(current_app.instance_path, token)
    return Outcome(
        result={
            "created": batch.rows_created,
            "updated": batch.rows_updated,
            "batch_id": batch.id,
        }
    )


def export_roster(job: Job, report: Reporter) -> Outcome:
    """The roster export of the owner's scope and filters, audited as the download is."""
    filters = search.MemberFilters(**job.params.get("filters", {}))
    result = excel.export_members(
        _owner(job),
        filters,
        unmasked=bool(job.params.get("unmasked")),
        official=bool(job.params.get("official")),
        progress=lambda n: report(n, job.total),
    )
    return Outcome(result={"rows": result.rows}, file_path=result.path, file_name=result.filename)


def _present_check(job: Job) -> dict[str, Any]:
    r = job.result
    return {
        "filename": r.get("filename", ""),
        "plan": PlanSummary(
            creates=r.get("creates", 0),
            updates=r.get("updates", 0),
            ignored_columns=r.get("ignored_columns", []),
            errors=[importer.RowError(*e) for e in r.get("errors", [])],
            error_count=r.get("error_count", 0),
        ),
    }


register(
    JobKind(
        "roster.import_check",
        _l("Checking the roster upload"),
        check_import,
        result_template="roster/_import_plan.html",
        present=_present_check,
    )
)
register(
    JobKind(
        "roster.import_commit",
        _l("Importing the roster"),
        commit_import,
        result_template="roster/_import_done.html",
    )
)
register(JobKind("roster.export", _l("Exporting the roster"), export_roster))
