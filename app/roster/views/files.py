"""Roster files: the export (masked by default; full numbers audited), the import template,
and the import in two steps (check and preview on upload, write on confirmation), with its
cancel and rollback. Long runs go to background jobs and the user follows the job's page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.common.excel import send_xlsx
from app.errors import errors_on
from app.extensions import db, limiter
from app.jobs import runner
from app.jobs import services as jobs
from app.roster import bp, excel, importer, staging
from app.roster.forms import ImportUploadForm
from app.roster.models import ImportBatch
from app.roster.views.members import member_filters


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    policy.require(current_user, "roster.export")
    full = request.args.get("full") == "1"
    if full:
        policy.require(current_user, "roster.export_unmasked")
    official = request.args.get("layout") == "official"
    f = member_filters()
    rows = excel.count_members(current_user, f, unmasked=full)
    if rows > current_app.config["EXPORT_SYNC_MAX_ROWS"]:
        # Too long for a request: a background job writes it and the job's page offers it.
        job = jobs.create_job(
            current_user,
            "roster.export",
            {"filters": f.as_dict(), "unmasked": full, "official": official},
            total=rows,
        )
        db.session.commit()
        runner.submit(job)
        return redirect(url_for("jobs.job_page", job_id=job.id))
    result = excel.export_members(current_user, f, unmasked=full, official=official)
    db.session.commit()  # the audit row
    return send_xlsx(result.path, result.filename)


@bp.route("/import/template.xlsx")
@login_required
def import_template():
    policy.require(current_user, "roster.import")
    return send_xlsx(excel.import_template(), "党员花名册导入模板.xlsx")


def _upload_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


@bp.route("/import", methods=["GET", "POST"])
@login_required
@limiter.limit(_upload_limit, methods=["POST"])
def import_upload():
    policy.require(current_user, "roster.import")
    form = ImportUploadForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            staged = staging.check_upload(
                current_user,
                session,
                current_app.instance_path,
                form.file.data,
                max_rows=current_app.config["ROSTER_WEB_IMPORT_MAX_ROWS"],
                sync_rows=current_app.config["IMPORT_SYNC_MAX_ROWS"],
            )
        if done:
            if staged.job is not None:
                return _follow(staged.job)
            return render_template(
                "roster/import_preview.html", plan=staged.plan, filename=staged.filename
            )
    return render_template(
        "roster/import.html", form=form, batches=importer.recent_batches(current_user)
    )


@bp.route("/import/commit", methods=["POST"])
@login_required
def import_commit():
    policy.require(current_user, "roster.import")
    with errors_on(None) as done:
        staged = staging.import_staged(
            current_user,
            session,
            current_app.instance_path,
            max_rows=current_app.config["ROSTER_WEB_IMPORT_MAX_ROWS"],
            sync_rows=current_app.config["IMPORT_SYNC_MAX_ROWS"],
        )
    if not done:
        return redirect(url_for("roster.import_upload"))
    if staged.job is not None:
        return _follow(staged.job)
    if staged.batch is None:
        return render_template(
            "roster/import_preview.html", plan=staged.plan, filename=staged.filename
        )
    db.session.commit()
    staging.discard(session, current_app.instance_path)
    flash(
        _(
            "Imported: %(c)d added, %(u)d updated.",
            c=staged.batch.rows_created,
            u=staged.batch.rows_updated,
        ),
        "success",
    )
    return redirect(url_for("roster.import_upload"))


def _follow(job):
    """Start a committed background job and send the user to its page."""
    db.session.commit()
    runner.submit(job)
    return redirect(url_for("jobs.job_page", job_id=job.id))


@bp.route("/import/cancel", methods=["POST"])
@login_required
def import_cancel():
    staging.discard(session, current_app.instance_path)
    flash(_("Import cancelled; nothing was written."), "info")
    return redirect(url_for("roster.import_upload"))


@bp.route("/import/batches/<int:batch_id>/rollback", methods=["POST"])
@login_required
def import_rollback(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    if not policy.can(current_user, "roster.import_rollback", batch):
        abort(404)
    with errors_on(None) as done:
        importer.rollback_import(current_user, batch)
    if done:
        db.session.commit()
        flash(_("The import was rolled back."), "success")
    return redirect(url_for("roster.import_upload"))
