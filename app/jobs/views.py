"""A job's page (progress, then its result), its progress as JSON for the page's script, and
its result file. Only the job's owner reaches any of them; anyone else gets 404."""

from __future__ import annotations

import io

from flask import current_app, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from app.errors import errors_on
from app.extensions import db
from app.jobs import bp, runner, services
from app.jobs.registry import KINDS


@bp.route("/<int:job_id>")
@login_required
def job_page(job_id: int):
    job = services.job_for(current_user, job_id)
    kind = KINDS[job.kind]
    extra = kind.present(job) if kind.present and job.is_finished else {}
    return render_template(
        "jobs/job.html",
        job=job,
        kind=kind,
        available=services.result_available(job),
        **extra,
    )


@bp.route("/<int:job_id>/status.json")
@login_required
def job_status(job_id: int):
    response = jsonify(runner.describe(services.job_for(current_user, job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>/download")
@login_required
def job_download(job_id: int):
    job = services.job_for(current_user, job_id)
    with errors_on(None) as done:
        data, name = services.fetch_result(
            current_user, job, current_app.instance_path, current_app.config["JOB_RESULT_TTL"]
        )
    if not done:
        return redirect(url_for("jobs.job_page", job_id=job.id))
    db.session.commit()  # the audit row
    response = send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=name,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
