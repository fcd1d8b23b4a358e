"""The letters-and-visits register of a point: the list, the counter entry, a visit's page
with its handling, and turning a visit into a service case."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import policy
from app.cases.pages import intake_items
from app.common import timeutil
from app.errors import errors_on
from app.extensions import db
from app.network import bp, duty, duty_workflow, visits
from app.network.duty_forms import HandleForm, VisitCaseForm, VisitFilterForm, VisitForm
from app.network.duty_labels import VISIT_CHANNEL_LABELS, VISIT_STATUS_LABELS
from app.volunteers.labels import LEVEL_LABELS

LABELS = {"status_labels": VISIT_STATUS_LABELS, "channel_labels": VISIT_CHANNEL_LABELS}


@bp.route("/points/<int:sp_id>/visits")
@login_required
def visit_list(sp_id: int):
    sp = duty.get_point(current_user, sp_id)
    policy.require(current_user, "visit.view", sp)
    filters = VisitFilterForm()
    ok = filters.validate()
    page = visits.list_visits(
        current_user,
        sp,
        status=(filters.status.data or "") if ok else "",
        month=(filters.month.data or "") if ok else "",
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "network/visits/list.html",
        sp=sp,
        page=page,
        filters=filters,
        masked=visits.masked_phone,
        may_register=policy.can(current_user, "visit.register", sp),
        **LABELS,
    )


@bp.route("/points/<int:sp_id>/visits/new", methods=["GET", "POST"])
@login_required
def visit_new(sp_id: int):
    sp = duty.get_point(current_user, sp_id)
    policy.require(current_user, "visit.register", sp)
    form = VisitForm()
    if request.method == "GET":
        form.received_on.data = timeutil.today()
    if form.validate_on_submit():
        with errors_on(form) as done:
            visit = visits.register_visit(
                current_user,
                sp,
                visits.VisitData(
                    received_on=form.received_on.data,
                    channel=form.channel.data,
                    visitor_name=form.visitor_name.data,
                    phone=form.phone.data,
                    subject=form.subject.data,
                    content=form.content.data,
                ),
            )
        if done:
            db.session.commit()
            flash(_("Entered in the register."), "success")
            return redirect(url_for("network.visit_detail", visit_id=visit.id))
    return render_template("network/visits/new.html", sp=sp, form=form)


def _render_visit(visit, handle_form=None, status: int = 200):
    sp = visit.service_point
    may_handle = duty_workflow.offered(visit, "handle") and policy.can(
        current_user, "visit.handle", sp
    )
    if handle_form is None and may_handle:
        handle_form = HandleForm(
            formdata=None, data={"version": visit.version, "handled_on": timeutil.today()}
        )
    return (
        render_template(
            "network/visits/detail.html",
            visit=visit,
            sp=sp,
            masked=visits.masked_phone(visit),
            case=visits.linked_case(visit),
            handle_form=handle_form if may_handle else None,
            may_case=duty_workflow.offered(visit, "to_case")
            and policy.can(current_user, "visit.to_case", sp),
            **LABELS,
        ),
        status,
    )


@bp.route("/visits/<int:visit_id>")
@login_required
def visit_detail(visit_id: int):
    return _render_visit(visits.get_visit(current_user, visit_id))


@bp.route("/visits/<int:visit_id>/handle", methods=["POST"])
@login_required
def visit_handle(visit_id: int):
    visit = visits.get_visit(current_user, visit_id)
    policy.require(current_user, "visit.handle", visit.service_point)
    form = HandleForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            visits.handle_visit(
                current_user,
                visit,
                form.handled_on.data,
                form.handling.data,
                expected_version=form.version.data,
            )
        if done:
            db.session.commit()
            flash(_("The handling is recorded."), "success")
            return redirect(url_for("network.visit_detail", visit_id=visit.id))
    return _render_visit(visit, form, 400)


@bp.route("/visits/<int:visit_id>/case", methods=["GET", "POST"])
@login_required
def visit_case(visit_id: int):
    visit = visits.get_visit(current_user, visit_id)
    policy.require(current_user, "visit.to_case", visit.service_point)
    items = intake_items(current_user)
    form = VisitCaseForm(
        data={"version": visit.version, "request": _prefill(visit)}
        if request.method == "GET"
        else None
    )
    form.item_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(i.id, f"{i.name}（{LEVEL_LABELS.get(i.level, i.level)}）") for i in items
    ]
    if form.validate_on_submit():
        item = next(i for i in items if i.id == form.item_id.data)
        with errors_on(form) as done:
            case, code = visits.visit_to_case(
                current_user,
                visit,
                item,
                form.request.data,
                phone=form.phone.data or "",
                village=form.village.data or "",
                expected_version=form.version.data,
            )
        if done:
            db.session.commit()
            flash(
                _(
                    "Case %(number)s registered. Its tracking code (查询码) is %(code)s: "
                    "give it to the applicant.",
                    number=case.number,
                    code=code,
                ),
                "success",
            )
            return redirect(url_for("cases.case_detail", case_id=case.id))
    return render_template(
        "network/visits/case.html",
        visit=visit,
        sp=visit.service_point,
        form=form,
        masked=visits.masked_phone(visit),
        **LABELS,
    )


def _prefill(visit) -> str:
    return f"{visit.subject}\n{visit.content}".strip()
