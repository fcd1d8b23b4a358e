"""Training sessions (教育培训): the list, setting one up or editing it with its expected
attendees, and recording who came."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import policy
from app.common import timeutil
from app.errors import errors_on
from app.extensions import db
from app.network import bp
from app.network.assessment_forms import AttendanceForm, TrainingForm
from app.network.models import Training
from app.network.training import (
    TrainingData,
    attendance,
    candidates,
    load_training,
    record_attendance,
    save_training,
    training_orgs,
    training_page,
)


@bp.route("/trainings")
@login_required
def training_list():
    policy.require(current_user, "training.list")
    page, counts = training_page(current_user, request.args.get("page", 1, type=int))
    return render_template(
        "network/assessment/trainings.html",
        page=page,
        counts=counts,
        can_create=bool(training_orgs(current_user)),
    )


def _set_choices(form: TrainingForm, orgs, training: Training | None) -> None:
    """The org and attendee choices: the agents of the chosen (or first) org's subtree."""
    form.org_id.choices = [SelectChoice(o.id, "　" * o.depth + o.name) for o in orgs]
    chosen = form.org_id.data or (training.org_id if training else orgs[0].id)
    org = next((o for o in orgs if o.id == chosen), orgs[0])
    held_on = form.held_on.data or (training.held_on if training else timeutil.today())
    pool = candidates(current_user, org, held_on)
    form.members.choices = [SelectChoice(m.id, f"{m.name}（{m.org.name}）") for m in pool]
    if request.method == "GET" and training is None:
        form.members.data = [m.id for m in pool]  # our default: every agent of the org


def _save(form: TrainingForm, training: Training | None):
    with errors_on(form) as done:
        saved = save_training(
            current_user,
            training,
            TrainingData(
                org_id=form.org_id.data,
                title=form.title.data,
                held_on=form.held_on.data,
                hours=float(form.hours.data) if form.hours.data is not None else None,
                place=form.place.data or "",
                content=form.content.data or "",
            ),
            form.members.data or [],
            expected_version=form.version.data if training is not None else None,
        )
    if done:
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("network.training_detail", training_id=saved.id))
    return None


@bp.route("/trainings/new", methods=["GET", "POST"])
@login_required
def training_new():
    policy.require(current_user, "training.list")
    orgs = training_orgs(current_user)
    if not orgs:
        abort(403)
    form = TrainingForm(version=0, held_on=timeutil.today())
    _set_choices(form, orgs, None)
    # "Show the agents" re-renders with the chosen org's agents instead of saving.
    if "refresh" not in request.form and form.validate_on_submit():
        answer = _save(form, None)
        if answer is not None:
            return answer
    return render_template("network/assessment/training_form.html", form=form, training=None)


@bp.route("/trainings/<int:training_id>/edit", methods=["GET", "POST"])
@login_required
def training_edit(training_id: int):
    training = load_training(current_user, training_id)
    policy.require(current_user, "training.manage", training.org)
    orgs = training_orgs(current_user)
    form = TrainingForm(obj=training)
    if request.method == "GET":
        form.members.data = [a.member_id for a in attendance(training)]
    _set_choices(form, orgs, training)
    if "refresh" not in request.form and form.validate_on_submit():
        answer = _save(form, training)
        if answer is not None:
            return answer
    return render_template("network/assessment/training_form.html", form=form, training=training)


@bp.route("/trainings/<int:training_id>")
@login_required
def training_detail(training_id: int):
    training = load_training(current_user, training_id)
    rows = attendance(training)
    form = None
    if policy.can(current_user, "training.manage", training.org):
        form = AttendanceForm(formdata=None, obj=training)
        form.attended.choices = [SelectChoice(a.member_id, a.member.name) for a in rows]
        form.attended.data = [a.member_id for a in rows if a.attended]
    return render_template(
        "network/assessment/training.html", training=training, rows=rows, form=form
    )


@bp.route("/trainings/<int:training_id>/attendance", methods=["POST"])
@login_required
def training_attendance(training_id: int):
    training = load_training(current_user, training_id)
    policy.require(current_user, "training.manage", training.org)
    rows = attendance(training)
    form = AttendanceForm()
    form.attended.choices = [SelectChoice(a.member_id, a.member.name) for a in rows]
    if form.validate_on_submit():
        with errors_on(form) as done:
            n = record_attendance(
                current_user, training, form.attended.data or [], expected_version=form.version.data
            )
        if done:
            db.session.commit()
            flash(_("Attendance recorded: %(n)d of %(m)d came.", n=n, m=len(rows)), "success")
            return redirect(url_for("network.training_detail", training_id=training.id))
    return render_template(
        "network/assessment/training.html", training=training, rows=rows, form=form
    )
