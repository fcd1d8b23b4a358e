"""Inspection pages (督查通报, plan 四.2): the list, a new inspection, its page with the findings
the viewer may see and the forms they may use, the printable notice and the Excel list."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import policy
from app.common import timeutil
from app.common.excel import send_xlsx
from app.common.forms import page_form
from app.errors import errors_on
from app.extensions import db
from app.network import bp, inspections
from app.network.inspections_excel import export_findings
from app.network.models import Inspection
from app.network.supervision_forms import (
    FindingForm,
    InspectionEditForm,
    InspectionForm,
    PublishForm,
    RectifyForm,
)


@bp.route("/inspections")
@login_required
def inspection_list():
    policy.require(current_user, "inspection.list")
    rows = inspections.list_inspections(current_user, request.args.get("page", 1, int))
    return render_template(
        "network/supervision/inspection_list.html",
        rows=rows,
        can_create=bool(inspections.inspectable_orgs(current_user)),
    )


@bp.route("/inspections/new", methods=["GET", "POST"])
@login_required
def inspection_new():
    orgs = inspections.inspectable_orgs(current_user)
    if not orgs:
        abort(403)
    form = InspectionForm()
    form.org_id.choices = [SelectChoice(o.id, o.name) for o in orgs]
    if request.method == "GET":
        form.inspected_on.data = timeutil.today()
    if form.validate_on_submit():
        org = next(o for o in orgs if o.id == form.org_id.data)
        with errors_on(form) as done:
            i = inspections.create_inspection(current_user, org, _data(form))
        if done:
            db.session.commit()
            flash(_("Inspection saved. Add what was found at each point."), "success")
            return redirect(url_for("network.inspection_detail", inspection_id=i.id))
    return render_template("network/supervision/inspection_new.html", form=form)


def _data(form) -> inspections.InspectionData:
    return inspections.InspectionData(
        title=form.title.data,
        inspected_on=form.inspected_on.data,
        inspectors=form.inspectors.data or "",
        summary=form.summary.data or "",
    )


def _page(i: Inspection, pressed: str = "", status: int = 200, **forms):
    manage = policy.can(current_user, "inspection.manage", i)
    findings = inspections.visible_findings(current_user, i)
    edit = forms.get("edit") or (
        page_form(InspectionEditForm, "edit", pressed=pressed == "edit", obj=i) if manage else None
    )
    if edit is not None and i.notice_published_on is not None:
        edit.notice.render_kw = {**(edit.notice.render_kw or {}), "readonly": True}
    finding = forms.get("finding")
    if manage and finding is None:
        finding = page_form(FindingForm, "finding", pressed=pressed == "finding")
    if finding is not None:
        finding.service_point_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(p.id, p.name) for p in inspections.points_under(i.org)
        ]
    rectify = {
        f.id: forms.get("rectify", {}).get(f.id)
        or page_form(RectifyForm, f"rectify{f.id}", data={"rectified_on": timeutil.today()})
        for f in findings
        if policy.can(current_user, "inspection.rectify", f)
    }
    return (
        render_template(
            "network/supervision/inspection_detail.html",
            i=i,
            findings=findings,
            manage=manage,
            edit=edit,
            finding_form=finding,
            rectify=rectify,
            publish=PublishForm(formdata=None, data={"version": i.version}) if manage else None,
        ),
        status,
    )


@bp.route("/inspections/<int:inspection_id>")
@login_required
def inspection_detail(inspection_id: int):
    return _page(inspections.get_inspection(current_user, inspection_id))


@bp.route("/inspections/<int:inspection_id>/edit", methods=["POST"])
@login_required
def inspection_edit(inspection_id: int):
    i = inspections.get_inspection(current_user, inspection_id)
    policy.require(current_user, "inspection.manage", i)
    form = page_form(InspectionEditForm, "edit", pressed=True)
    if form.validate_on_submit():
        with errors_on(form) as done:
            inspections.update_inspection(
                current_user, i, _data(form), form.notice.data or "", form.version.data
            )
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("network.inspection_detail", inspection_id=i.id))
    return _page(i, edit=form)


@bp.route("/inspections/<int:inspection_id>/findings", methods=["POST"])
@login_required
def inspection_finding_add(inspection_id: int):
    i = inspections.get_inspection(current_user, inspection_id)
    policy.require(current_user, "inspection.manage", i)
    form = page_form(FindingForm, "finding", pressed=True)
    form.service_point_id.choices = [
        SelectChoice(p.id, p.name) for p in inspections.points_under(i.org)
    ]
    if form.validate_on_submit():
        data = inspections.FindingData(
            service_point_id=form.service_point_id.data,
            problem=form.problem.data,
            requirement=form.requirement.data or "",
            due_on=form.due_on.data,
        )
        with errors_on(form) as done:
            inspections.add_finding(current_user, i, data)
        if done:
            db.session.commit()
            flash(_("Finding added."), "success")
            return redirect(url_for("network.inspection_detail", inspection_id=i.id))
    return _page(i, finding=form)


@bp.route("/inspections/findings/<int:finding_id>/rectify", methods=["POST"])
@login_required
def inspection_finding_rectify(finding_id: int):
    f = inspections.get_finding(current_user, finding_id)
    policy.require(current_user, "inspection.rectify", f)
    form = page_form(RectifyForm, f"rectify{f.id}", pressed=True)
    if form.validate_on_submit():
        with errors_on(form) as done:
            inspections.rectify_finding(
                current_user, f, form.rectification.data, form.rectified_on.data
            )
        if done:
            db.session.commit()
            flash(_("Rectification recorded."), "success")
            return redirect(url_for("network.inspection_detail", inspection_id=f.inspection_id))
    return _page(f.inspection, rectify={f.id: form})


@bp.route("/inspections/<int:inspection_id>/publish", methods=["POST"])
@login_required
def inspection_publish(inspection_id: int):
    i = inspections.get_inspection(current_user, inspection_id)
    policy.require(current_user, "inspection.manage", i)
    form = PublishForm()
    if form.validate_on_submit():
        with errors_on(None) as done:
            inspections.publish_notice(current_user, i, form.version.data)
        if done:
            db.session.commit()
            flash(_("The notice is published."), "success")
    return redirect(url_for("network.inspection_detail", inspection_id=i.id))


@bp.route("/inspections/<int:inspection_id>/notice")
@login_required
def inspection_notice(inspection_id: int):
    """The notice (通报) on A4: for those who hold the inspection (a draft until published),
    and once published for those over an inspected point (with their findings)."""
    i = inspections.get_inspection(current_user, inspection_id)
    manage = policy.can(current_user, "inspection.manage", i)
    if not manage and i.notice_published_on is None:
        abort(404)
    return render_template(
        "network/supervision/inspection_notice.html",
        i=i,
        findings=inspections.visible_findings(current_user, i),
        draft=i.notice_published_on is None,
    )


@bp.route("/inspections/<int:inspection_id>/findings.xlsx")
@login_required
def inspection_export(inspection_id: int):
    i = inspections.get_inspection(current_user, inspection_id)
    path, name = export_findings(current_user, i)
    db.session.commit()  # the export is audited
    return send_xlsx(path, name)
