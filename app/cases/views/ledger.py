"""The case ledger page (台账): choose a point or an org and a period, see how many cases it
holds, download it as Excel."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app import policy
from app.cases import bp
from app.cases import ledger as ledgers
from app.common import timeutil
from app.common.excel import send_xlsx
from app.common.forms import FilterForm
from app.errors import errors_on
from app.extensions import db


def _new_year() -> date:
    return date(timeutil.today().year, 1, 1)


class LedgerForm(FilterForm):
    """Which ledger and which period (a GET form; the choices come from scoped queries)."""

    # The service answers a point or org out of reach (403 / 404), as for any other route.
    service_point_id = SelectField(
        _l("Service point"), coerce=int, default=0, validate_choice=False
    )
    org_id = SelectField(_l("Or every point under"), coerce=int, default=0, validate_choice=False)
    start = DateField(_l("Registered from"), validators=[Optional()], default=_new_year)
    end = DateField(_l("Registered until"), validators=[Optional()], default=timeutil.today)

    def set_choices(self, points, orgs) -> None:
        self.service_point_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(sp.id, sp.name) for sp in points
        ]
        self.org_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(o.id, "　" * o.depth + o.name) for o in orgs
        ]

    def filters(self) -> ledgers.LedgerFilters:
        return ledgers.LedgerFilters(
            service_point_id=self.service_point_id.data or 0,
            org_id=0 if self.service_point_id.data else self.org_id.data or 0,
            start=self.start.data,
            end=self.end.data,
        )

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments, for the download link."""
        f = self.filters()
        start, end = f.period()
        args = {"start": start.isoformat(), "end": end.isoformat()}
        if f.service_point_id:
            args["service_point_id"] = str(f.service_point_id)
        if f.org_id:
            args["org_id"] = str(f.org_id)
        return args


def _ledger_form() -> LedgerForm:
    form = LedgerForm()
    points = ledgers.ledger_points(current_user)
    form.set_choices(points, ledgers.ledger_orgs(current_user))
    if not request.args and len(points) == 1:
        form.service_point_id.data = points[0].id  # an agent's own point
    return form


@bp.route("/ledger")
@login_required
def ledger():
    policy.require(current_user, "case.list")
    form = _ledger_form()
    count, download = None, None
    if request.args and form.validate():
        with errors_on(form) as done:
            count = ledgers.count_cases(current_user, form.filters())
        if done:
            download = url_for("cases.ledger_xlsx", **form.query_args())
    return render_template("cases/ledger.html", form=form, count=count, download=download)


@bp.route("/ledger.xlsx")
@login_required
def ledger_xlsx():
    policy.require(current_user, "case.list")
    form = _ledger_form()
    if not form.validate():
        abort(400)  # only a hand-made link gets here: the page's own link is valid
    result = ledgers.export_ledger(current_user, form.filters())
    db.session.commit()  # the audit event
    return send_xlsx(result.path, result.filename)
