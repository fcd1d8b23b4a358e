"""Roster pages for a member's disciplinary sanctions (党纪处分): record one from the member's
page, and delete a wrong entry after confirming it with a reason. Routes on the roster's ``bp``.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.common.forms import page_form
from app.errors import errors_on
from app.extensions import db
from app.roster import bp, sanctions
from app.roster.fields import SANCTION_KIND_LABELS
from app.roster.forms import SanctionDeleteForm, SanctionForm
from app.roster.models import Sanction
from app.roster.views.members import _load, _render_detail


@bp.route("/<int:member_id>/sanctions", methods=["POST"])
@login_required
def sanction_record(member_id: int):
    member = _load(member_id)
    policy.require(current_user, "roster.sanction", member)
    form = page_form(SanctionForm, "sanction", pressed=True)
    if form.validate_on_submit():
        with errors_on(form) as done:
            sanctions.record_sanction(
                current_user,
                member,
                form.kind.data or None,
                form.decided_on.data,
                form.ends_on.data,
                form.reason.data,
            )
        if done:
            db.session.commit()
            flash(_("The sanction was recorded."), "success")
            return redirect(url_for("roster.member_detail", member_id=member.id) + "#sanctions")
    return _render_detail(member, sanction_form=form)


@bp.route("/<int:member_id>/sanctions/<int:sanction_id>/delete", methods=["GET", "POST"])
@login_required
def sanction_delete(member_id: int, sanction_id: int):
    member = _load(member_id)
    sanction = db.session.get(Sanction, sanction_id)
    if sanction is None or sanction.member_id != member.id:
        abort(404)
    policy.require(current_user, "roster.sanction", member)
    form = SanctionDeleteForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            sanctions.delete_sanction(current_user, sanction, member, form.reason.data)
        if done:
            db.session.commit()
            flash(_("The sanction was deleted."), "success")
            return redirect(url_for("roster.member_detail", member_id=member.id) + "#sanctions")
    return render_template(
        "roster/sanction_delete.html",
        m=member,
        s=sanction,
        form=form,
        kind_labels=SANCTION_KIND_LABELS,
    )
