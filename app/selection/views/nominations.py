"""A branch's ranked list, a candidate's evidence, nominating, and the nomination page with
one form per step the viewer may take (review, objections and their answers)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import policy
from app.common import timeutil
from app.common.forms import page_form
from app.errors import errors_on
from app.extensions import db
from app.selection import bp, evidence, services
from app.selection.forms import NOMINATION_FORMS, NominateForm, StepForm
from app.selection.labels import NOMINATION_ACTION_LABELS
from app.selection.models import Nomination
from app.selection.nomination_workflow import (
    NOMINATION_WORKFLOW,
    NominationAction,
    apply_nomination,
    objections_of,
)
from app.selection.views.rounds import LABELS


@bp.route("/<int:round_id>/branches/<int:branch_id>")
@login_required
def branch_candidates(round_id: int, branch_id: int):
    r = services.get_round(current_user, round_id)
    branch = services.get_branch(current_user, r, branch_id)
    listing = services.branch_list(current_user, r, branch)
    return render_template(
        "selection/branch.html",
        r=r,
        listing=listing,
        can_nominate=r.status == "nominating",
        own=services.own_member_ids(current_user),
        **LABELS,
    )


@bp.route("/<int:round_id>/members/<int:member_id>")
@login_required
def candidate_evidence(round_id: int, member_id: int):
    r = services.get_round(current_user, round_id)
    member, branch = services.candidate_member(current_user, r, member_id)
    return render_template(
        "selection/evidence.html",
        r=r,
        ev=evidence.evidence(current_user, r, member, branch),
        branch=branch,
        own=services.own_member_ids(current_user),
        **LABELS,
    )


@bp.route("/<int:round_id>/members/<int:member_id>/nominate", methods=["GET", "POST"])
@login_required
def nominate(round_id: int, member_id: int):
    r = services.get_round(current_user, round_id)
    member, branch = services.candidate_member(current_user, r, member_id)
    form = NominateForm(data={"version": 0})
    if form.validate_on_submit():
        with errors_on(form) as done:
            n = services.nominate(current_user, r, member, branch, form.step_data())
        if done:
            db.session.commit()
            flash(_("%(name)s is nominated.", name=member.name), "success")
            return redirect(url_for("selection.nomination_detail", nomination_id=n.id))
    ev = evidence.evidence(current_user, r, member, branch)
    return render_template(
        "selection/nominate.html", r=r, ev=ev, branch=branch, form=form, **LABELS
    )


# --- the nomination page -------------------------------------------------------------------------


def _form(n: Nomination, action: str, *, pressed: bool) -> Any:
    cls = NOMINATION_FORMS.get(action, StepForm)
    data: dict[str, Any] = {"version": n.version}
    if action == NominationAction.REVISE:
        data.update(reason=n.reason, deeds=n.deeds, explanation=n.explanation)
    elif action == NominationAction.OBJECT:
        data["received_on"] = timeutil.today()
    elif action in (NominationAction.UPHOLD, NominationAction.DISMISS):
        data["answered_on"] = timeutil.today()
    form = page_form(cls, f"step_{action}", pressed=pressed, data=data)
    if hasattr(form, "objection_id"):
        form.objection_id.choices = [
            SelectChoice(o.id, f"{o.received_on} {o.content[:30]}")
            for o in objections_of(n)
            if o.is_open
        ]
    return form


# The branch's own steps; shown folded to the committee, whose decisions come first.
BRANCH_ACTIONS = (NominationAction.REVISE, NominationAction.WITHDRAW)


def _forms(n: Nomination, pressed: str = "") -> dict[str, Any]:
    """One form per step the viewer may take now: the committee's decisions first."""
    allowed = NOMINATION_WORKFLOW.allowed_actions(n, current_user)
    ordered = [a for a in allowed if a not in BRANCH_ACTIONS] + [
        a for a in allowed if a in BRANCH_ACTIONS
    ]
    return {
        action: _form(n, action, pressed=pressed == action)
        for action in ordered
        if action != NominationAction.NOMINATE
    }


def _render(n: Nomination, forms: dict[str, Any], status: int = 200):
    return (
        render_template(
            "selection/nomination.html",
            n=n,
            r=n.round,
            forms=forms,
            # Folded when the viewer also decides (the committee may act for a branch).
            folded_actions=(
                set(BRANCH_ACTIONS) if any(a not in BRANCH_ACTIONS for a in forms) else set()
            ),
            objections=objections_of(n),
            steps=[
                s for s, _n in services.timeline(n.round, current_user) if s.nomination_id == n.id
            ],
            can_see_evidence=policy.can(current_user, "selection.candidates", n.branch),
            can_read_objections=policy.can(current_user, "nomination.read_objections", n),
            **LABELS,
        ),
        status,
    )


@bp.route("/nominations/<int:nomination_id>")
@login_required
def nomination_detail(nomination_id: int):
    n = services.get_nomination(current_user, nomination_id)
    return _render(n, _forms(n))


@bp.route("/nominations/<int:nomination_id>/step/<action>", methods=["POST"])
@login_required
def nomination_step(nomination_id: int, action: str):
    n = services.get_nomination(current_user, nomination_id)
    if action not in NOMINATION_ACTION_LABELS or action == NominationAction.NOMINATE:
        abort(404)
    forms = _forms(n, pressed=action)
    form = forms.get(action)
    if form is None:
        NOMINATION_WORKFLOW.check(n, action, current_user)  # refuse before reading input
        abort(404)
    if form.validate_on_submit():
        comment = form.comment.data if hasattr(form, "comment") else ""
        with errors_on(form) as done:
            apply_nomination(
                n,
                action,
                current_user,
                expected_version=form.version.data,
                comment=comment or "",
                data=form.step_data(),
            )
        if done:
            db.session.commit()
            flash(str(NOMINATION_ACTION_LABELS[action]), "success")
            return redirect(url_for("selection.nomination_detail", nomination_id=n.id))
    return _render(n, forms, 400 if form.errors else 200)
