"""The periodic reports (季度汇报, 半年点评, 年终考核) and the October comparison of the
townships: printable A4 pages and Excel downloads."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from app import policy
from app.appraisal.labels import GRADE_LABELS
from app.common import timeutil
from app.common.excel import send_xlsx
from app.extensions import db
from app.reports import bp, excel
from app.reports.comparison import compare_townships
from app.reports.labels import RATE_NAMES, definitions
from app.reports.periodic import GRADES, SPOT_LABELS, SPOT_RESULTS, periodic_report
from app.reports.periods import MAX_YEAR, MIN_YEAR, Period
from app.reports.rates import RATE_CODES
from app.reports.rates_page import tree_root


def _report():
    policy.require(current_user, "report.view")
    today = timeutil.today()
    return periodic_report(
        current_user, request.args.get("of"), Period.from_args(request.args, today), today
    )


@bp.route("/periodic")
@login_required
def periodic_report_page():
    r = _report()
    return render_template(
        "reports/periodic_report.html",
        r=r,
        codes=RATE_CODES,
        names=RATE_NAMES,
        words=definitions(r.rules),
        grades=GRADES,
        grade_labels=GRADE_LABELS,
        spot_results=SPOT_RESULTS,
        spot_labels=SPOT_LABELS,
    )


@bp.route("/periodic.xlsx")
@login_required
def periodic_xlsx():
    r = _report()
    path, name = excel.export_periodic(current_user, r)
    db.session.commit()  # the export is audited
    return send_xlsx(path, name)


def _comparison():
    root = tree_root(current_user)
    policy.require(current_user, "report.compare", root)
    today = timeutil.today()
    year = request.args.get("year", type=int)
    if year is None or not MIN_YEAR <= year <= MAX_YEAR:
        year = today.year
    return compare_townships(root, year), today


@bp.route("/comparison")
@login_required
def comparison():
    c, today = _comparison()
    return render_template(
        "reports/comparison_notice.html",
        c=c,
        codes=RATE_CODES,
        names=RATE_NAMES,
        words=definitions(c.rules),
        today=today,
        years=list(range(today.year, today.year - 5, -1)),
    )


@bp.route("/comparison.xlsx")
@login_required
def comparison_xlsx():
    c, today = _comparison()
    path, name = excel.export_comparison(current_user, c, today)
    db.session.commit()  # the export is audited
    return send_xlsx(path, name)
