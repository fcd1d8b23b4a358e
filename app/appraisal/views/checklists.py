"""The committee's page for the responsibility area's checklists (三必清 / 三必访 / 四必谈)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.appraisal import bp, checklists, periods
from app.appraisal.forms import ChecklistForm, TemplatePickForm
from app.errors import errors_on
from app.extensions import db


@bp.route("/checklists", methods=["GET", "POST"])
@login_required
def checklist_edit():
    """Rename, reorder, (de)activate and add the items of an org's three lists."""
    policy.require(current_user, "appraisal.manage_periods")
    orgs = periods.period_orgs(current_user)
    if not orgs:
        abort(403)
    pick = TemplatePickForm(formdata=request.args)
    pick.org_id.choices = [(o.id, "　" * o.depth + o.name) for o in orgs]
    org = next((o for o in orgs if o.id == pick.org_id.data), orgs[0])
    pick.org_id.data = org.id
    rows = checklists.editable_rows(org)
    form = ChecklistForm(data={"rows": rows})
    form.new_kind.choices = [(k, str(v)) for k, v in checklists.KIND_LABELS.items()]
    if form.validate_on_submit():
        with errors_on(form) as done:
            checklists.save_checklists(
                current_user,
                org,
                form.row_data(),
                {"kind": form.new_kind.data, "label": form.new_label.data or ""},
            )
        if done:
            db.session.commit()
            flash(_("Saved. Talks and visits already tagged keep their tags."), "success")
            return redirect(url_for("appraisal.checklist_edit", org_id=org.id))
    inherited = bool(rows) and rows[0]["id"] == 0
    return render_template(
        "appraisal/checklists.html",
        pick=pick,
        form=form,
        org=org,
        inherited=inherited,
        kind_labels=checklists.KIND_LABELS,
    )
