"""The overview's batch actions: sign several records with one opinion, or give several the
same branch opinion and grade (``app.appraisal.batch`` takes each record through the
workflow on its own), and the page showing what a batch did (post/redirect/get: the result
is kept by ``app.appraisal.batch_results``, so a reload shows it again and never acts again)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.appraisal import batch, batch_results, bp
from app.appraisal.batch_forms import BatchGradeForm, BatchSignForm
from app.appraisal.views.periods import _load_period, list_args, render_overview
from app.errors import errors_on
from app.extensions import db
from app.orgs.models import Org


@bp.route(
    "/periods/<int:period_id>/orgs/<int:org_id>/batch/<any(sign, assess):action>",
    methods=["POST"],
)
@login_required
def overview_batch(period_id: int, org_id: int, action: str):
    period = _load_period(period_id)
    org = db.get_or_404(Org, org_id)
    policy.require(current_user, "appraisal.overview", org, visible="appraisal.overview")
    if period.is_closed or batch.offers(current_user, org, batch.WAITING[action]) != action:
        abort(409)  # only a branch's or group's overview offers a batch, to those who act
    form = BatchSignForm() if action == "sign" else BatchGradeForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            if isinstance(form, BatchGradeForm):
                result = batch.grade_records(
                    current_user, period, org, form.selection(), form.step_data()
                )
            else:
                opinion = form.comment.data or ""
                result = batch.sign_records(current_user, period, org, form.selection(), opinion)
        if done:
            # Kept before the commit: a result that cannot be kept acts on nothing.
            token = batch_results.keep_result(
                current_app.instance_path, current_user, period, org, result
            )
            db.session.commit()
            return redirect(
                url_for(
                    "appraisal.overview_batch_result",
                    period_id=period.id,
                    org_id=org.id,
                    token=token,
                    **list_args(),
                ),
                code=303,
            )
    return render_overview(period, org, batch_form=form)


@bp.route("/periods/<int:period_id>/orgs/<int:org_id>/batch/result/<token>")
@login_required
def overview_batch_result(period_id: int, org_id: int, token: str):
    """What a batch did, for the user who ran it, within the hour its result is kept."""
    period = _load_period(period_id)
    org = db.get_or_404(Org, org_id)
    policy.require(current_user, "appraisal.overview", org, visible="appraisal.overview")
    # The list the batch came from, as it was asked for (state, search, page): the POST
    # carried those arguments on to this page.
    back = url_for("appraisal.overview", period_id=period.id, org_id=org.id, **list_args())
    result = batch_results.kept_result(current_app.instance_path, current_user, period, org, token)
    if result is None:
        flash(
            _(
                "That batch's result can no longer be shown: it is kept for an hour, for the "
                "user who ran the batch only. The list shows each record as it is now."
            ),
            "warning",
        )
        return redirect(back)
    return render_template(
        "appraisal/batch_result.html", period=period, org=org, result=result, back=back
    )
