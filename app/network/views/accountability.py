"""Accountability pages (责任追究): the committee's list, a new record and one record. Anyone
else, the person's branch secretary and the person included, finds nothing (404)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import policy
from app.common import timeutil
from app.errors import errors_on
from app.extensions import db
from app.network import accountability as service
from app.network import bp
from app.network.supervision_forms import AccountabilityForm
from app.network.supervision_labels import MEASURE_LABELS


def _committee_only() -> None:
    # Not even that the page exists is told to anyone else.
    if not policy.can(current_user, "accountability.list"):
        abort(404)


@bp.route("/accountability")
@login_required
def accountability_list():
    _committee_only()
    rows = service.list_accountability(current_user, request.args.get("page", 1, int))
    return render_template(
        "network/supervision/accountability_list.html", rows=rows, measure_labels=MEASURE_LABELS
    )


@bp.route("/accountability/new", methods=["GET", "POST"])
@login_required
def accountability_new():
    _committee_only()
    form = AccountabilityForm()
    wanted = request.args.get("member", type=int)
    if wanted is not None and not 0 < wanted < 2**63:
        wanted = None  # no row carries such an id
    people = service.candidates(current_user, wanted)
    form.member_id.choices = [SelectChoice(0, "—")] + [SelectChoice(m.id, m.name) for m in people]
    form.complaint_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(c.id, c.number) for c in service.linkable_complaints(current_user)
    ]
    form.inspection_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(i.id, f"{i.inspected_on} {i.title}")
        for i in service.linkable_inspections(current_user)
    ]
    if request.method == "GET":
        form.member_id.data = wanted or 0
        form.complaint_id.data = request.args.get("complaint", 0, int)
        form.decided_on.data = timeutil.today()
    if form.validate_on_submit():
        data = service.AccountabilityData(
            member_id=form.member_id.data,
            measure=form.measure.data,
            reason=form.reason.data,
            decided_on=form.decided_on.data,
            complaint_id=form.complaint_id.data or None,
            inspection_id=form.inspection_id.data or None,
        )
        with errors_on(form) as done:
            a = service.record_accountability(current_user, data)
        if done:
            db.session.commit()
            flash(_("The measure is recorded."), "success")
            return redirect(url_for("network.accountability_detail", accountability_id=a.id))
    return render_template("network/supervision/accountability_new.html", form=form)


@bp.route("/accountability/<int:accountability_id>")
@login_required
def accountability_detail(accountability_id: int):
    a = service.get_accountability(current_user, accountability_id)
    return render_template(
        "network/supervision/accountability_detail.html",
        a=a,
        links=service.links_of(current_user, a),
        measure_labels=MEASURE_LABELS,
    )
