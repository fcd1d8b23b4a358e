"""The staff's complaint pages: the list with its filters and tallies, the counter entry, the
complaint page with the one next step the viewer may take, and the complainant's phone."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import policy
from app.auth.models import User
from app.auth.names import named
from app.common import timeutil
from app.common.forms import ButtonForm, page_form
from app.errors import errors_on
from app.extensions import db
from app.network import bp, complaints, complaints_pages
from app.network.complaints_forms import (
    STEP_FORMS,
    ComplaintFilterForm,
    CounterComplaintForm,
)
from app.network.complaints_workflow import (
    allowed_actions,
    apply,
    check,
    complaint_days,
    eligible_handlers,
)
from app.network.models import Complaint
from app.network.supervision_labels import (
    COMPLAINT_ACTION_LABELS,
    COMPLAINT_CHANNEL_LABELS,
    COMPLAINT_STATUS_LABELS,
    COMPLAINT_STEP_TITLES,
    FINDING_LABELS,
)

LABELS = {
    "status_labels": COMPLAINT_STATUS_LABELS,
    "action_labels": COMPLAINT_ACTION_LABELS,
    "step_titles": COMPLAINT_STEP_TITLES,
    "channel_labels": COMPLAINT_CHANNEL_LABELS,
    "finding_labels": FINDING_LABELS,
}


@bp.route("/complaints")
@login_required
def complaint_list():
    policy.require(current_user, "complaint.list")
    form = ComplaintFilterForm()
    points = complaints_pages.listed_points(current_user)
    form.point.choices = [SelectChoice(0, _("Every service point"))] + [
        SelectChoice(p.id, p.name) for p in points
    ]
    filters = complaints_pages.Filters(
        status=form.status.data or "",
        point_id=form.point.data if form.point.data in {p.id for p in points} else None,
        overdue=bool(form.overdue.data),
    )
    rows = complaints_pages.list_complaints(current_user, filters, request.args.get("page", 1, int))
    per_point, per_agent = complaints_pages.tallies(current_user)
    return render_template(
        "network/supervision/complaint_list.html",
        form=form,
        rows=rows,
        per_point=per_point,
        per_agent=per_agent,
        today=timeutil.today(),
        can_intake=bool(complaints.intake_points(current_user)),
        days=complaint_days(),
        **LABELS,
    )


@bp.route("/complaints/new", methods=["GET", "POST"])
@login_required
def complaint_new():
    points = complaints.intake_points(current_user)
    if not points:
        abort(403)
    form = CounterComplaintForm()
    form.service_point_id.choices = [SelectChoice(sp.id, sp.name) for sp in points]
    if request.method == "GET":
        asked = request.args.get("point", type=int)
        form.service_point_id.data = asked if asked in {sp.id for sp in points} else points[0].id
    names = {sp.id: sp.name for sp in points}
    form.agent_member_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(m.id, f"{names[m.service_point_id]} · {m.name}")
        for m in complaints.agents_at(list(names))
    ]
    if form.validate_on_submit():
        sp = next(p for p in points if p.id == form.service_point_id.data)
        with errors_on(form) as done:
            c, code = complaints.register_complaint(
                current_user,
                sp,
                complaints.ComplaintData(
                    content=form.content.data,
                    name=form.name.data,
                    phone=form.phone.data or "",
                    agent_member_id=form.agent_member_id.data or None,
                ),
                form.channel.data,
            )
        if done:
            db.session.commit()
            return render_template(
                "network/supervision/complaint_registered.html",
                c=c,
                code=code,
                can_view=policy.can(current_user, "complaint.view", c),
            )
    return render_template(
        "network/supervision/complaint_new.html", form=form, days=complaint_days()
    )


def _form(c: Complaint, action: str, *, pressed: bool):
    data = {"version": c.version}
    if action == "assign":
        data["due_on"] = c.due_on
        data["handler_id"] = c.handler_id
    form = page_form(STEP_FORMS[action], f"step_{action}", pressed=pressed, data=data)
    if action == "assign":
        form.handler_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(u.id, u.display_name) for u in eligible_handlers(c)
        ]
    return form


def _forms(c: Complaint, pressed: str = "") -> dict:
    return {a: _form(c, a, pressed=a == pressed) for a in allowed_actions(c, current_user)}


def _render(c: Complaint, forms: dict, full_phone: str = ""):
    handler = db.session.get(User, c.handler_id) if c.handler_id else None
    return render_template(
        "network/supervision/complaint_detail.html",
        c=c,
        forms=forms,
        steps=named(complaints_pages.timeline(c)),
        handler=handler,
        masked_phone=f"****{c.phone_tail}" if c.phone_tail else "",
        full_phone=full_phone,
        reveal_form=ButtonForm(),
        today=timeutil.today(),
        can_account=c.agent is not None
        and policy.can(current_user, "accountability.create", c.agent),
        **LABELS,
    )


@bp.route("/complaints/<int:complaint_id>")
@login_required
def complaint_detail(complaint_id: int):
    c = complaints.get_complaint(current_user, complaint_id)
    return _render(c, _forms(c))


@bp.route("/complaints/<int:complaint_id>/phone", methods=["POST"])
@login_required
def complaint_phone(complaint_id: int):
    """The complainant's full phone number, in this response only (never in the cookie)."""
    c = complaints.get_complaint(current_user, complaint_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("network.complaint_detail", complaint_id=c.id))
    phone = complaints.reveal_phone(current_user, c)
    db.session.commit()
    return _render(c, _forms(c), full_phone=phone)


@bp.route("/complaints/<int:complaint_id>/step/<action>", methods=["POST"])
@login_required
def complaint_step(complaint_id: int, action: str):
    c = complaints.get_complaint(current_user, complaint_id)
    if action not in STEP_FORMS:
        abort(404)
    forms = _forms(c, pressed=action)
    form = forms.get(action)
    if form is None:
        # No form for this step: refuse it (403/409) before reading any input.
        check(c, action, current_user)
        form = forms[action] = _form(c, action, pressed=True)
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "submit", "version")}
        with errors_on(form) as done:
            apply(c, action, current_user, expected_version=form.version.data, data=data)
        if done:
            db.session.commit()
            flash(str(COMPLAINT_ACTION_LABELS[action]), "success")
            return redirect(url_for("network.complaint_detail", complaint_id=c.id))
    return _render(c, forms)
