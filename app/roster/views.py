"""Roster pages: list and search, member detail with history, forms, Excel export and import."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app import policy
from app.common.excel import SpreadsheetError, send_xlsx
from app.common.forms import id_arg
from app.errors import DomainError, show_on_form
from app.extensions import db, limiter
from app.orgs.services import scoped_orgs, scoped_service_points
from app.orgs.tree import org_labels
from app.roster import excel, importer, search, services
from app.roster.fields import (
    AGENT_SOURCE_LABELS,
    FIELD_LABELS,
    GENDER_LABELS,
    MEMBERSHIP_LABELS,
    PARTY_STATUS_LABELS,
    POST_KIND_LABELS,
)
from app.roster.forms import ImportUploadForm, MemberEditForm, MemberForm, UnmaskForm
from app.roster.models import EDUCATION_LEVELS, ImportBatch

bp = Blueprint("roster", __name__)

LABELS = {
    "gender_labels": GENDER_LABELS,
    "membership_labels": MEMBERSHIP_LABELS,
    "post_kind_labels": POST_KIND_LABELS,
    "agent_source_labels": AGENT_SOURCE_LABELS,
    "party_status_labels": PARTY_STATUS_LABELS,
    "field_labels": {**FIELD_LABELS, "mentor": _l("Mentor")},
}
_FILTER_ARGS = ("org_id", "membership", "post_kind", "agent_source", "skill_id", "party_status",
                "flag", "sort")  # fmt: skip


def _filters() -> search.MemberFilters:
    """Filters from the query string; the search text lives in the session (a full ID or phone
    only as its keyed hash), never in URLs or server logs."""
    a = request.args
    sort = a.get("sort", "strokes")
    saved = session.get("roster_q") or {}
    return search.MemberFilters(
        q=saved.get("q", "") if isinstance(saved, dict) else "",
        org_id=id_arg("org_id"),
        membership=a.get("membership", ""),
        post_kind=a.get("post_kind", ""),
        agent_source=a.get("agent_source", ""),
        skill_id=id_arg("skill_id"),
        party_status=a.get("party_status", ""),
        flag=a.get("flag", ""),
        sort=sort if sort in search.SORTS else "strokes",
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def member_list():
    policy.require(current_user, "roster.list")
    if request.method == "POST":
        token, label = search.search_token(request.form.get("q") or "")
        session["roster_q"] = {"q": token, "label": label}
        args = {k: request.form.get(k) for k in _FILTER_ARGS if request.form.get(k)}
        return redirect(url_for("roster.member_list", **args))
    f = _filters()
    result = search.list_members(
        current_user, f, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"]
    )
    masked = {m.id: (services.masked_id(m), services.masked_phone(m)) for m in result.page.items}
    return render_template(
        "roster/member_list.html",
        result=result,
        f=f,
        masked=masked,
        orgs=scoped_orgs(current_user),
        skills=services.all_skills(),
        filter_args={k: v for k, v in f.as_dict().items() if k != "q"},
        q_label=(session.get("roster_q") or {}).get("label", ""),
        **LABELS,
    )


@bp.route("/search/clear", methods=["POST"])
@login_required
def search_clear():
    session.pop("roster_q", None)
    return redirect(url_for("roster.member_list"))


def _load(member_id: int):
    member = services.get_member(current_user, member_id)
    if member is None:
        abort(404)
    return member


@bp.route("/<int:member_id>")
@login_required
def member_detail(member_id: int):
    member = _load(member_id)
    return _render_detail(member)


_VALUE_LABELS = {
    "gender": GENDER_LABELS,
    "membership": MEMBERSHIP_LABELS,
    "post_kind": POST_KIND_LABELS,
    "agent_source": AGENT_SOURCE_LABELS,
    "party_status": PARTY_STATUS_LABELS,
}


def _history_value(key: str, value):
    """A history value as a person reads it: labels for codes, 是/否 for flags."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    labels = _VALUE_LABELS.get(key)
    return str(labels.get(value, value)) if labels else value


def _render_detail(member, *, unmask_form=None, full=None, status=200):
    return (
        render_template(
            "roster/member_detail.html",
            m=member,
            hv=_history_value,
            org_label=org_labels({member.org})[member.org_id],
            id_masked=services.masked_id(member),
            phone_masked=services.masked_phone(member),
            history=services.history_of(member),
            unmask_form=unmask_form or UnmaskForm(),
            mentors=services.mentor_choices(member) if member.membership == "probationary" else [],
            full=full,
            **LABELS,
        ),
        status,
    )


@bp.route("/<int:member_id>/mentor", methods=["POST"])
@login_required
def member_mentor(member_id: int):
    member = _load(member_id)
    policy.require(current_user, "roster.edit", member)
    mentor_id = id_arg("mentor_user_id")
    mentor = next((u for u in services.mentor_choices(member) if u.id == mentor_id), None)
    try:
        if mentor_id and mentor is None:
            raise DomainError(_("Choose a mentor of this organisation."))
        services.assign_mentor(current_user, member, mentor)
    except DomainError as err:
        db.session.rollback()
        flash(str(err.message), "danger")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("roster.member_detail", member_id=member.id))


@bp.route("/<int:member_id>/unmask", methods=["POST"])
@login_required
def member_unmask(member_id: int):
    member = _load(member_id)
    policy.require(current_user, "roster.unmask", member)
    form = UnmaskForm()
    if form.validate_on_submit():
        try:
            full = services.unmask(current_user, member, form.reason.data)
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err)
        else:
            db.session.commit()
            # Shown in this response only: never stored in the session or a URL.
            return _render_detail(member, full=full)
    return _render_detail(member, unmask_form=form)


def _prepare(form: MemberForm, member=None) -> None:
    form.education.choices = [("", "—")] + [(e, e) for e in EDUCATION_LEVELS]
    form.membership.choices = [(k.value, str(v)) for k, v in MEMBERSHIP_LABELS.items()]
    form.post_kind.choices = [(k.value, str(v)) for k, v in POST_KIND_LABELS.items()]
    form.agent_source.choices = [("", "—")] + [
        (k.value, str(v)) for k, v in AGENT_SOURCE_LABELS.items()
    ]
    form.party_status.choices = [(k.value, str(v)) for k, v in PARTY_STATUS_LABELS.items()]
    orgs = [o for o in scoped_orgs(current_user) if policy.can(current_user, "roster.create", o)]
    if member is not None and member.org_id not in {o.id for o in orgs}:
        orgs.insert(0, member.org)
    form.org_id.choices = [(o.id, "　" * o.depth + o.name) for o in orgs]
    form.service_point_id.choices = [(0, "—")] + [
        (sp.id, sp.name) for sp in scoped_service_points(current_user, active_only=True)
    ]


def _raw(form: MemberForm) -> dict:
    raw = {name: getattr(form, name).data for name in FIELD_LABELS if hasattr(form, name)}
    raw["service_point_id"] = form.service_point_id.data or None
    raw["agent_source"] = form.agent_source.data or None
    return raw


@bp.route("/new", methods=["GET", "POST"])
@login_required
def member_create():
    policy.require(current_user, "roster.create")
    form = MemberForm()
    _prepare(form)
    if request.method == "GET" and request.args.get("org_id", type=int):
        form.org_id.data = request.args.get("org_id", type=int)
    if form.validate_on_submit():
        try:
            member = services.save_member(
                current_user, _raw(form), note=form.note.data or "",
                effective_on=form.effective_on.data,
            )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Member %(name)s added to the roster.", name=member.name), "success")
            return redirect(url_for("roster.member_detail", member_id=member.id))
    return render_template(
        "roster/member_form.html", form=form, m=None, skills=services.all_skills(), **LABELS
    )


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def member_edit(member_id: int):
    member = _load(member_id)
    policy.require(current_user, "roster.edit", member)
    if request.method == "GET":
        raw = services.member_raw(member)
        raw["id_number"] = services.masked_id(member)
        raw["phone"] = services.masked_phone(member)
        form = MemberEditForm(data={**raw, "version": member.version,
                                    "service_point_id": member.service_point_id or 0})  # fmt: skip
    else:
        form = MemberEditForm()
    _prepare(form, member)
    if form.validate_on_submit():
        try:
            services.save_member(
                current_user, _raw(form), member=member, expected_version=form.version.data,
                note=form.note.data or "", effective_on=form.effective_on.data,
            )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            if err.status_code in (403, 409):
                raise
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("roster.member_detail", member_id=member.id))
    return render_template(
        "roster/member_form.html", form=form, m=member, skills=services.all_skills(), **LABELS
    )


# --- Excel ---------------------------------------------------------------------------------------


@bp.route("/export.xlsx")
@login_required
def export_xlsx():
    policy.require(current_user, "roster.export")
    full = request.args.get("full") == "1"
    if full:
        policy.require(current_user, "roster.export_unmasked")
    result = excel.export_members(
        current_user, _filters(), unmasked=full, official=request.args.get("layout") == "official"
    )
    db.session.commit()  # the audit row
    return send_xlsx(result.path, result.filename)


@bp.route("/import/template.xlsx")
@login_required
def import_template():
    policy.require(current_user, "roster.import")
    return send_xlsx(excel.import_template(), "党员花名册导入模板.xlsx")


def _upload_dir() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pending() -> tuple[Path, str] | None:
    pending = session.get("roster_import")
    if not pending:
        return None
    token = pending.get("token", "")
    if not token.isalnum():
        return None
    path = _upload_dir() / f"{token}.xlsx"
    return (path, pending.get("filename", "")) if path.exists() else None


def _sweep_uploads(max_age_s: int = 3600) -> None:
    """Remove uploads nobody confirmed: they hold personal data."""
    import time

    cutoff = time.time() - max_age_s
    for path in _upload_dir().glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _discard_pending() -> None:
    found = _pending()
    if found:
        found[0].unlink(missing_ok=True)
    session.pop("roster_import", None)


def _batches():
    stmt = select(ImportBatch).where(ImportBatch.user_id == current_user.id)
    return list(db.session.scalars(stmt.order_by(ImportBatch.id.desc()).limit(20)))


def _upload_limit() -> str:
    return current_app.config["UPLOAD_RATE_LIMIT"]


@bp.route("/import", methods=["GET", "POST"])
@login_required
@limiter.limit(_upload_limit, methods=["POST"])
def import_upload():
    policy.require(current_user, "roster.import")
    form = ImportUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()
        filename = os.path.basename(upload.filename or "upload.xlsx")[:200]
        try:
            plan = importer.plan_import(
                current_user, data, max_rows=current_app.config["ROSTER_WEB_IMPORT_MAX_ROWS"]
            )
        except SpreadsheetError as err:
            form.file.errors = [str(err)]
        else:
            _discard_pending()
            _sweep_uploads()
            if not plan.errors:
                # Kept only between the preview and the confirmation (an hour at most).
                token = secrets.token_hex(16)
                (_upload_dir() / f"{token}.xlsx").write_bytes(data)
                session["roster_import"] = {"token": token, "filename": filename}
            return render_template("roster/import_preview.html", plan=plan, filename=filename)
    return render_template("roster/import.html", form=form, batches=_batches())


@bp.route("/import/commit", methods=["POST"])
@login_required
def import_commit():
    policy.require(current_user, "roster.import")
    found = _pending()
    if found is None:
        flash(_("The uploaded file has expired. Upload it again."), "warning")
        return redirect(url_for("roster.import_upload"))
    path, filename = found
    try:
        batch = importer.commit_import(
            current_user,
            path.read_bytes(),
            filename,
            max_rows=current_app.config["ROSTER_WEB_IMPORT_MAX_ROWS"],
        )
    except importer.ImportRejected as err:
        db.session.rollback()
        return render_template("roster/import_preview.html", plan=err.plan, filename=filename)
    except (DomainError, SpreadsheetError) as err:
        db.session.rollback()
        flash(str(getattr(err, "message", err)), "danger")
        return redirect(url_for("roster.import_upload"))
    db.session.commit()
    _discard_pending()
    flash(
        _("Imported: %(c)d added, %(u)d updated.", c=batch.rows_created, u=batch.rows_updated),
        "success",
    )
    return redirect(url_for("roster.import_upload"))


@bp.route("/import/cancel", methods=["POST"])
@login_required
def import_cancel():
    _discard_pending()
    flash(_("Import cancelled; nothing was written."), "info")
    return redirect(url_for("roster.import_upload"))


@bp.route("/import/batches/<int:batch_id>/rollback", methods=["POST"])
@login_required
def import_rollback(batch_id: int):
    batch = db.get_or_404(ImportBatch, batch_id)
    if not policy.can(current_user, "roster.import_rollback", batch):
        abort(404)
    try:
        importer.rollback_import(current_user, batch)
    except DomainError as err:
        db.session.rollback()
        flash(str(err.message), "danger")
    else:
        db.session.commit()
        flash(_("The import was rolled back."), "success")
    return redirect(url_for("roster.import_upload"))
