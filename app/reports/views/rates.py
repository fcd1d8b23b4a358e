"""The six rates page (``/reports/rates``), the rows behind each figure, and the committee's
settings of the rates' open definitions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.cases.labels import STATUS_LABELS as CASE_STATUS_LABELS
from app.common import timeutil, versions
from app.errors import errors_on
from app.extensions import db
from app.orgs.models import SERVICE_LEVEL_LABELS
from app.reports import bp, figures, rows
from app.reports.forms import SettingsForm
from app.reports.labels import MISSING_LABELS, PART_LABELS, RATE_NAMES
from app.reports.periods import Period
from app.reports.rates_page import rates_page, settings_of, tree_root
from app.reports.settings import rules_for, save_settings
from app.reports.subject import resolve
from app.volunteers.labels import LEVEL_LABELS


def _period() -> Period:
    return Period.from_args(request.args, timeutil.today())


@bp.route("/rates")
@login_required
def rates_index():
    policy.require(current_user, "report.view")
    subject, _choices = resolve(current_user, request.args.get("of"))  # NotFound out of reach
    today = timeutil.today()

    def body() -> str:
        page = rates_page(current_user, request.args.get("of"), _period(), today)
        return render_template(
            "reports/_rates_body.html",
            p=page,
            names=RATE_NAMES,
            can_settings=page.root is not None
            and policy.can(current_user, "report.settings", page.root),
            can_compare=policy.can(current_user, "report.compare", page.root),
        )

    # Rendered once per change of what the rates read, for the reader, the query (subject and
    # period), the day (the periods offered) and the rules in force.
    key = ("reports.rates.html", current_user.id, request.query_string, today)
    html = versions.fragment(figures.RATES, (*key, figures.settings_key()), body)
    return render_template("reports/rates_index.html", subject=subject, body=html)


@bp.route("/rates/<rate_code>/<rate_part>")
@login_required
def rates_rows(rate_code: str, rate_part: str):
    policy.require(current_user, "report.view")
    subject, _choices = resolve(current_user, request.args.get("of"))
    period = _period()
    result = rows.rows(
        current_user,
        subject,
        period,
        rate_code,
        rate_part,
        rules_for(subject.paths),
        request.args.get("page", 1, type=int),
    )
    return render_template(
        "reports/rates_rows.html",
        r=result,
        subject=subject,
        period=period,
        names=RATE_NAMES,
        parts=PART_LABELS,
        missing=MISSING_LABELS,
        case_states=CASE_STATUS_LABELS,
        item_levels=LEVEL_LABELS,
        point_levels=SERVICE_LEVEL_LABELS,
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def rates_settings():
    root = tree_root(current_user)
    policy.require(current_user, "report.settings", root)
    rules, version = settings_of(root)
    form = SettingsForm(data={**rules.__dict__, "version": version})
    if form.validate_on_submit():
        with errors_on(form) as done:
            data = {k: form.data[k] for k in rules.__dict__}
            save_settings(current_user, root, data, expected_version=form.version.data)
        if done:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("reports.rates_settings"))
    return render_template("reports/rates_settings.html", form=form, root=root)
