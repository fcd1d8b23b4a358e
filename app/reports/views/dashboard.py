"""The dashboards: an org's (``/reports/``, with an org picker) and a service point's."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from app import policy
from app.appraisal.labels import STATUS_LABELS as STEP_LABELS
from app.cases.labels import STATUS_LABELS as CASE_STATE_LABELS
from app.common import versions
from app.orgs.models import SERVICE_LEVEL_LABELS
from app.reports import bp, dashboard, dashboard_charts, figures
from app.reports.labels import RATE_NAMES
from app.volunteers.labels import CATEGORY_LABELS, LEVEL_LABELS


def _labels() -> dict:
    return {
        "steps": STEP_LABELS,
        "grades": dashboard_charts.grade_labels(),
        "buckets": dashboard_charts.bucket_labels(),
        "case_states": CASE_STATE_LABELS,
        "categories": CATEGORY_LABELS,
        "item_levels": LEVEL_LABELS,
        # translated once: the committee's service points table has a row per point
        "point_levels": {k: str(v) for k, v in SERVICE_LEVEL_LABELS.items()},
        "rates": RATE_NAMES,
    }


@bp.route("/")
@login_required
def index():
    policy.require(current_user, "report.view")
    if not dashboard.has_dashboards(current_user):
        # An agent has no org's dashboard: their point's is theirs.
        points = dashboard.point_choices(current_user)
        if not points:
            abort(403)
        return redirect(url_for("reports.point_dashboard", sp_id=points[0].id))
    d = dashboard.org_dashboard(current_user, request.args.get("org", type=int))

    # Rendered once per change of what the panels read, for the user, the org, the day (the
    # overdue cases, the quarter) and the rules in force; its appraisal sections and its
    # service sections each once per change of their own figures (a case written renders
    # the service sections again, not the appraisal ones).
    key = ("reports.dashboard.html", current_user.id, d.org.id, d.panels.today)
    key = (*key, figures.settings_key())

    def sections(name: str, topics: tuple[str, ...], charts) -> Markup:
        return versions.fragment(
            topics,
            (*key, name),
            lambda: render_template(
                f"reports/_dashboard_{name}.html",
                d=d,
                charts=charts(d),
                labels=_labels(),
                quarter_label=dashboard_charts.quarter_label,
            ),
        )

    def body() -> str:
        return render_template(
            "reports/_dashboard_body.html",
            d=d,
            appraisal=sections("appraisal", figures.APPRAISAL, dashboard_charts.for_org_appraisal),
            service=sections("cases", figures.DASHBOARD_CASES, dashboard_charts.for_cases),
        )

    html = versions.fragment(figures.DASHBOARD_PAGE, key, body)
    return render_template("reports/dashboard.html", d=d, body=html)


@bp.route("/points/<int:sp_id>")
@login_required
def point_dashboard(sp_id: int):
    other = request.args.get("sp", type=int)
    if other and other != sp_id:  # the point picker (a plain GET form)
        return redirect(url_for("reports.point_dashboard", sp_id=other))
    sp = dashboard.get_point(current_user, sp_id)
    d = dashboard.point_dashboard(current_user, sp)
    return render_template(
        "reports/dashboard_point.html",
        d=d,
        charts=dashboard_charts.for_cases(d),
        labels=_labels(),
    )
