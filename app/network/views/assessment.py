"""The agents' pages (考核奖惩): the quarter's table of agents with its Excel download, one
agent's last four quarters, and recording a reward or a penalty."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import policy
from app.common import timeutil
from app.common.excel import send_xlsx
from app.errors import errors_on
from app.extensions import db
from app.network import bp
from app.network.assessment import SATISFIED_LEVEL, Quarter
from app.network.assessment_excel import export_quarter
from app.network.assessment_forms import AwardForm, QuarterForm
from app.network.assessment_labels import AWARD_KIND_LABELS
from app.network.assessment_pages import (
    agent_record,
    agent_table,
    load_agent,
    parse_quarter,
    quarter_choices,
)
from app.network.awards import AwardData, award_orgs, deciding_orgs, record_award

LABELS = {"award_labels": AWARD_KIND_LABELS}


def quarter_label(q: Quarter) -> str:
    return _("%(year)d, quarter %(quarter)d", year=q.year, quarter=q.quarter)


def _asked_quarter() -> Quarter:
    raw = request.args.get("quarter", "")
    year, _sep, quarter = raw.partition("-")
    if year.isdigit() and quarter.isdigit():
        return parse_quarter(int(year), int(quarter))
    return parse_quarter(request.args.get("year", type=int), request.args.get("q", type=int))


def _quarter_form(q: Quarter, orgs) -> QuarterForm:
    form = QuarterForm()
    form.quarter.choices = [
        SelectChoice(f"{x.year}-{x.quarter}", quarter_label(x)) for x in quarter_choices(q)
    ]
    form.quarter.data = f"{q.year}-{q.quarter}"
    form.org_id.choices = [SelectChoice(0, _("All in my scope"))] + [
        SelectChoice(o.id, "　" * o.depth + o.name) for o in orgs
    ]
    return form


@bp.route("/agents")
@login_required
def agent_list():
    policy.require(current_user, "assessment.list")
    q = _asked_quarter()
    table = agent_table(
        current_user,
        q,
        org_id=request.args.get("org_id", type=int),
        page=request.args.get("page", 1, type=int),
    )
    form = _quarter_form(q, table.orgs)
    form.org_id.data = table.org.id if table.org else 0
    return render_template(
        "network/assessment/agents.html",
        table=table,
        form=form,
        quarter_label=quarter_label(q),
        satisfied_level=SATISFIED_LEVEL,
        can_export=policy.can(current_user, "assessment.export"),
        **LABELS,
    )


@bp.route("/agents/export.xlsx")
@login_required
def agent_export():
    policy.require(current_user, "assessment.export")
    q = _asked_quarter()
    result = export_quarter(current_user, q, request.args.get("org_id", type=int))
    db.session.commit()  # the audit event
    return send_xlsx(result.path, result.filename)


def _render_agent(member, q: Quarter, award_form: AwardForm | None = None, status: int = 200):
    rec = agent_record(current_user, member, q)
    can_award = policy.can(current_user, "award.record", member)
    form = None
    if can_award:
        form = award_form or AwardForm(formdata=None, decided_on=timeutil.today())
        form.org_id.choices = [
            SelectChoice(o.id, o.name) for o in deciding_orgs(current_user, member)
        ]
    return (
        render_template(
            "network/assessment/agent.html",
            rec=rec,
            quarter=q,
            quarter_label=quarter_label,
            award_form=form,
            org_names=award_orgs(rec.awards),
            satisfied_level=SATISFIED_LEVEL,
            **LABELS,
        ),
        status,
    )


@bp.route("/agents/<int:member_id>")
@login_required
def agent_detail(member_id: int):
    member = load_agent(current_user, member_id)
    return _render_agent(member, _asked_quarter())[0]


@bp.route("/agents/<int:member_id>/awards", methods=["POST"])
@login_required
def award_new(member_id: int):
    member = load_agent(current_user, member_id)
    policy.require(current_user, "award.record", member)
    form = AwardForm()
    form.org_id.choices = [SelectChoice(o.id, o.name) for o in deciding_orgs(current_user, member)]
    if form.validate_on_submit():
        with errors_on(form) as done:
            record_award(
                current_user,
                member,
                AwardData(
                    kind=form.kind.data,
                    title=form.title.data,
                    reason=form.reason.data,
                    decided_on=form.decided_on.data,
                    org_id=form.org_id.data,
                ),
            )
        if done:
            db.session.commit()
            flash(_("Recorded."), "success")
            return redirect(url_for("network.agent_detail", member_id=member.id))
    return _render_agent(member, _asked_quarter(), form)
