"""Appraisal pages: the inbox, periods, the branch overview, the record and its steps."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app import policy
from app.appraisal import inbox as queries
from app.appraisal import responsibility, services
from app.appraisal.forms import ExemplaryForm, PeriodForm, SampleForm, StepForm
from app.appraisal.labels import (
    ACTION_LABELS,
    BUTTON_LABELS,
    GRADE_LABELS,
    STATUS_LABELS,
    TASK_LABELS,
    VETO_LABELS,
)
from app.appraisal.models import Appraisal, AppraisalPeriod
from app.appraisal.workflow import allowed_actions, apply, dimensions_for
from app.common import timeutil
from app.common.forms import date_arg, id_arg
from app.errors import DomainError, StaleRecord, show_on_form
from app.extensions import db
from app.orgs.models import Org
from app.orgs.services import scoped_orgs
from app.orgs.tree import org_labels

bp = Blueprint("appraisal", __name__)

LABELS = {
    "status_labels": STATUS_LABELS,
    "grade_labels": GRADE_LABELS,
    "veto_labels": VETO_LABELS,
    "action_labels": ACTION_LABELS,
    "task_labels": TASK_LABELS,
    "button_labels": BUTTON_LABELS,
}


@bp.route("/")
@login_required
def inbox():
    box = queries.inbox(current_user)
    return render_template("appraisal/inbox.html", box=box, today=timeutil.today(), **LABELS)


@bp.route("/periods")
@login_required
def period_list():
    if not (policy.can(current_user, "appraisal.list")):
        abort(403)
    return render_template(
        "appraisal/periods.html", periods=services.periods_for(current_user), **LABELS
    )


@bp.route("/periods/new", methods=["GET", "POST"])
@login_required
def period_create():
    policy.require(current_user, "appraisal.manage_periods")
    form = PeriodForm()
    orgs = [o for o in scoped_orgs(current_user)
            if o.kind in ("committee", "general_branch")
            and policy.can(current_user, "appraisal.manage_periods", o)]  # fmt: skip
    form.org_id.choices = [(o.id, "　" * o.depth + o.name) for o in orgs]
    if request.method == "GET":
        today = timeutil.today()
        q = (today.month - 1) // 3 + 1
        _start, end = services.quarter_bounds(today.year, q)
        form.year.data, form.quarter.data = today.year, q
        form.self_due.data = end - timedelta(days=1)
        form.sign_due.data = end + timedelta(days=6)
        form.opinion_due.data = end + timedelta(days=14)
        form.spot_due.data = end + timedelta(days=24)
    if form.validate_on_submit():
        org = db.session.get(Org, form.org_id.data)
        try:
            period = services.open_period(
                current_user, org, form.year.data, form.quarter.data,
                services.Deadlines(form.self_due.data, form.sign_due.data,
                                   form.opinion_due.data, form.spot_due.data),
            )  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            show_on_form(form, err)
        else:
            db.session.commit()
            flash(_("%(label)s is open.", label=period.label), "success")
            return redirect(url_for("appraisal.period_detail", period_id=period.id))
    return render_template("appraisal/period_form.html", form=form)


def _load_period(period_id: int) -> AppraisalPeriod:
    period = db.get_or_404(AppraisalPeriod, period_id)
    if period not in services.periods_for(current_user):
        abort(404)
    return period


@bp.route("/templates", methods=["GET", "POST"])
@login_required
def templates():
    """The committee edits the dimensions members record (labels, guidance, extra ones)."""
    policy.require(current_user, "appraisal.manage_periods")
    orgs = [o for o in scoped_orgs(current_user)
            if o.kind in ("committee", "general_branch")
            and policy.can(current_user, "appraisal.manage_periods", o)]  # fmt: skip
    if not orgs:
        abort(403)
    org_id = request.values.get("org_id", type=int) or orgs[0].id
    org = next((o for o in orgs if o.id == org_id), orgs[0])
    post_kind = request.values.get("post_kind", "no_post")
    if post_kind not in ("no_post", "cadre"):
        post_kind = "no_post"
    if request.method == "POST":
        f = request.form
        dims = []
        for i in range(min(f.get("count", 0, type=int) or 0, 30)):
            if f.get(f"remove-{i}") == "1":
                continue
            dims.append({"key": f.get(f"key-{i}", "")[:40], "label": f.get(f"label-{i}", ""),
                         "guidance": f.get(f"guidance-{i}", "")})  # fmt: skip
        if f.get("new-label", "").strip():
            dims.append({"key": f"custom_{secrets.token_hex(3)}", "label": f["new-label"],
                         "guidance": f.get("new-guidance", "")})  # fmt: skip
        try:
            if not dims:
                raise DomainError(_("Keep at least one dimension."))
            services.save_template(current_user, org, post_kind, dims)
        except DomainError as err:
            db.session.rollback()
            show_on_form(None, err)
        else:
            db.session.commit()
            flash(_("Saved. Quarters opened from now on use it; open ones keep theirs."), "success")
        return redirect(url_for("appraisal.templates", org_id=org.id, post_kind=post_kind))
    return render_template(
        "appraisal/templates.html",
        orgs=orgs,
        org=org,
        post_kind=post_kind,
        dims=services.templates_for(org)[post_kind],
    )


@bp.route("/periods/<int:period_id>")
@login_required
def period_detail(period_id: int):
    period = _load_period(period_id)
    # Status counts per org of the subtree, rolled up to branches (one query).
    rows = db.session.execute(
        select(Appraisal.org_id, Appraisal.status, func.count())
        .where(Appraisal.period_id == period.id)
        .group_by(Appraisal.org_id, Appraisal.status)
    ).all()
    orgs = {
        o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_({r[0] for r in rows})))
    }
    branches: dict[int, dict[str, int]] = {}
    for org_id, status, n in rows:
        org = orgs[org_id]
        branch_id = org.branch_id
        if not policy.can(current_user, "appraisal.overview", orgs.get(branch_id) or org):
            continue
        counts = branches.setdefault(branch_id, {})
        counts[status] = counts.get(status, 0) + n
    missing = set(branches) - set(orgs)
    if missing:
        orgs.update({o.id: o for o in db.session.scalars(select(Org).where(Org.id.in_(missing)))})
    return render_template(
        "appraisal/period_detail.html",
        period=period,
        branches=sorted(branches.items(), key=lambda kv: orgs[kv[0]].path),
        orgs=orgs,
        sample_form=SampleForm(),
        can_manage=policy.can(current_user, "appraisal.manage_periods", period.org),
        **LABELS,
    )


@bp.route("/periods/<int:period_id>/sample", methods=["POST"])
@login_required
def period_sample(period_id: int):
    period = _load_period(period_id)
    form = SampleForm()
    if form.validate_on_submit():
        try:
            chosen = services.draw_sample(
                current_user, period, float(form.share.data) / 100, form.seed.data or None
            )
        except DomainError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
        else:
            db.session.commit()
            flash(_("Drew %(n)d records for the spot check (seed %(seed)s).", n=len(chosen),
                    seed=period.spot_seed), "success")  # fmt: skip
    else:
        flash(_("Give a share between 1% and 100%."), "danger")
    return redirect(url_for("appraisal.period_detail", period_id=period.id))


@bp.route("/periods/<int:period_id>/sync", methods=["POST"])
@login_required
def period_sync(period_id: int):
    period = _load_period(period_id)
    policy.require(current_user, "appraisal.manage_periods", period.org)
    try:
        n = services.add_missing_records(period)
    except DomainError as err:
        db.session.rollback()
        flash(str(err.message), "danger")
    else:
        db.session.commit()
        flash(_("%(n)d records added for new members.", n=n), "success")
    return redirect(url_for("appraisal.period_detail", period_id=period.id))


@bp.route("/periods/<int:period_id>/close", methods=["POST"])
@login_required
def period_close(period_id: int):
    period = _load_period(period_id)
    try:
        n = services.close_period(current_user, period)
    except DomainError as err:
        db.session.rollback()
        flash(str(err.message), "danger")
    else:
        db.session.commit()
        flash(_("%(label)s closed: %(n)d records are now read-only.", label=period.label, n=n),
              "success")  # fmt: skip
    return redirect(url_for("appraisal.period_detail", period_id=period.id))


@bp.route("/periods/<int:period_id>/orgs/<int:org_id>")
@login_required
def overview(period_id: int, org_id: int):
    period = _load_period(period_id)
    org = db.get_or_404(Org, org_id)
    policy.require(current_user, "appraisal.overview", org, visible="appraisal.overview")
    status = request.args.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    ov = queries.branch_overview(current_user, period, org, status)
    return render_template(
        "appraisal/overview.html",
        period=period,
        org=org,
        ov=ov,
        status=status,
        org_names=org_labels({a.org for a in ov.rows}),
        **LABELS,
    )


@bp.route("/periods/<int:period_id>/orgs/<int:org_id>/summary.xlsx")
@login_required
def overview_xlsx(period_id: int, org_id: int):
    period = _load_period(period_id)
    org = db.get_or_404(Org, org_id)
    policy.require(current_user, "appraisal.overview", org, visible="appraisal.overview")
    from app.appraisal.excel import branch_summary
    from app.common.excel import send_xlsx

    path, filename = branch_summary(current_user, period, org)
    db.session.commit()  # the audit row
    return send_xlsx(path, filename)


def _load(appraisal_id: int) -> Appraisal:
    a = services.get_appraisal(current_user, appraisal_id)
    if a is None:
        abort(404)
    return a


def _step_form(a: Appraisal) -> StepForm:
    form = StepForm(obj=a) if request.method == "GET" else StepForm()
    form.grade.choices = [("", "—")] + [(k, str(v)) for k, v in GRADE_LABELS.items()]
    form.category.choices = [("", "—")] + [(k, str(v)) for k, v in VETO_LABELS.items()]
    if request.method == "GET":
        form.comment.data = ""
        form.masses.data = a.masses_opinion
        form.meeting_on.data = a.branch_meeting_on
    return form


def _render(a: Appraisal, form: StepForm | None = None, *, self_errors=None, status=200):
    return (
        render_template(
            "appraisal/record.html",
            a=a,
            dims=dimensions_for(a),
            facts=services.FACTS,
            steps=services.timeline(a),
            actions=allowed_actions(a, current_user),
            can_edit=policy.can(current_user, "appraisal.edit_self", a),
            form=form or _step_form(a),
            ex_form=ExemplaryForm(),
            self_errors=self_errors or {},
            org_label=org_labels({a.org})[a.org_id],
            area=responsibility.area(a),
            area_kinds=responsibility.KINDS,
            can_area=policy.can(current_user, "appraisal.responsibility", a),
            **LABELS,
        ),
        status,
    )


@bp.route("/<int:appraisal_id>")
@login_required
def record(appraisal_id: int):
    return _render(_load(appraisal_id))


def _self_content(a: Appraisal) -> dict:
    content = {}
    for dim in dimensions_for(a):
        key = dim["key"]
        entry = {"text": request.form.get(f"{key}-text", "")}
        for fact, _label, _kind in services.FACTS.get(key, []):
            entry[fact] = request.form.get(f"{key}-{fact}", "")
        content[key] = entry
    return content


@bp.route("/<int:appraisal_id>/self", methods=["POST"])
@login_required
def self_record(appraisal_id: int):
    a = _load(appraisal_id)
    policy.require(current_user, "appraisal.edit_self", a)
    version = request.form.get("version", type=int)  # CSRF is checked for every POST
    try:
        services.save_self_record(current_user, a, _self_content(a), expected_version=version)
        db.session.flush()
        if request.form.get("submit") == "1":
            apply(a, "submit", current_user, expected_version=None)
    except DomainError as err:
        db.session.rollback()
        if err.status_code in (403, 409):
            raise
        a = _load(appraisal_id)
        a.self_record = _self_content(a)  # keep what was typed on screen (not saved)
        errors = getattr(err, "errors", {err.field or "self_record": str(err.message)})
        db.session.expunge(a)
        return _render(a, self_errors=errors)
    db.session.commit()
    flash(_("Submitted for sign-off.") if request.form.get("submit") == "1" else _("Draft saved."),
          "success")  # fmt: skip
    return redirect(url_for("appraisal.record", appraisal_id=a.id))


@bp.route("/<int:appraisal_id>/step/<action>", methods=["POST"])
@login_required
def step(appraisal_id: int, action: str):
    a = _load(appraisal_id)
    if action not in ACTION_LABELS or action == "submit":
        abort(404)
    form = _step_form(a)
    if not form.validate_on_submit():
        return _render(a, form)
    data = {
        "grade": form.grade.data or None,
        "meeting_on": form.meeting_on.data,
        "masses": form.masses.data,
        "comment": form.comment.data,
        "category": form.category.data or None,
    }
    try:
        apply(a, action, current_user, expected_version=form.version.data,
              comment=form.comment.data or "", data=data)  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        if isinstance(err, StaleRecord) or err.status_code == 403:
            raise
        if err.status_code == 409:
            flash(str(err.message), "danger")
            return redirect(url_for("appraisal.record", appraisal_id=appraisal_id))
        a = _load(appraisal_id)
        show_on_form(form, err)
        return _render(a, form)
    db.session.commit()
    flash(str(ACTION_LABELS[action]), "success")
    return redirect(url_for("appraisal.record", appraisal_id=a.id))


@bp.route("/<int:appraisal_id>/area/<any(person, log):what>", methods=["POST"])
@login_required
def area_add(appraisal_id: int, what: str):
    """Add a person to the member's responsibility area, or log a talk or visit."""
    a = _load(appraisal_id)
    policy.require(current_user, "appraisal.responsibility", a)
    f = request.form
    try:
        if what == "person":
            responsibility.add_person(current_user, a, f.get("name", ""), f.get("note", ""),
                                      f.get("is_key") == "1")  # fmt: skip
        else:
            responsibility.log_contact(
                current_user, a, id_arg("person_id") or 0, f.get("kind", ""),
                date_arg("occurred_on"), f.get("summary", ""),
            )  # fmt: skip
    except DomainError as err:
        db.session.rollback()
        if err.status_code == 403:
            raise
        show_on_form(None, err)
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("appraisal.record", appraisal_id=a.id) + "#area")


@bp.route("/<int:appraisal_id>/exemplary", methods=["POST"])
@login_required
def exemplary(appraisal_id: int):
    a = _load(appraisal_id)
    policy.require(current_user, "appraisal.mark_exemplary", a)
    form = ExemplaryForm()
    if form.validate_on_submit():
        try:
            services.mark_exemplary(current_user, a, form.note.data or "",
                                    on=request.form.get("off") != "1")  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            flash(str(err.message), "danger")
        else:
            db.session.commit()
            flash(_("Saved."), "success")
    return redirect(url_for("appraisal.record", appraisal_id=a.id))


@bp.route("/members/<int:member_id>/probation.xlsx")
@login_required
def probation_xlsx(member_id: int):
    return book(member_id, probation=True, as_xlsx=True)


@bp.route("/members/<int:member_id>/book.xlsx")
@login_required
def book_xlsx(member_id: int):
    return book(member_id, as_xlsx=True)


@bp.route("/members/<int:member_id>/probation")
@login_required
def probation(member_id: int):
    """The probation review form (预备党员考察表): the quarters of the probation year with the
    mentor's and the branch's opinions, printable."""
    return book(member_id, probation=True)


@bp.route("/members/<int:member_id>/book")
@login_required
def book(member_id: int, probation: bool = False, as_xlsx: bool = False):
    """The member's appraisal book (写实考核簿): every quarter with its timeline, printable."""
    stmt = (
        policy.scope(select(Appraisal), current_user, Appraisal)
        .where(Appraisal.member_id == member_id)
        .order_by(Appraisal.year, Appraisal.quarter)
    )
    from sqlalchemy.orm import joinedload

    records = list(
        db.session.scalars(
            stmt.options(
                joinedload(Appraisal.member),
                joinedload(Appraisal.org),
                joinedload(Appraisal.period),
            )  # fmt: skip
        ).unique()
    )
    if probation:
        records = [r for r in records if r.is_probationary]
    if not records:
        abort(404)
    from app.appraisal.models import AppraisalStep

    steps: dict[int, list] = {}
    for s in db.session.scalars(
        select(AppraisalStep)
        .where(AppraisalStep.appraisal_id.in_([r.id for r in records]))
        .order_by(AppraisalStep.id)
    ):
        steps.setdefault(s.appraisal_id, []).append(s)
    if as_xlsx:
        from app.appraisal.excel import member_book
        from app.common.excel import send_xlsx

        path, filename = member_book(current_user, records, steps, probation=probation)
        db.session.commit()  # the audit row
        return send_xlsx(path, filename)
    return render_template(
        "appraisal/book.html",
        probation=probation,
        member=records[0].member,
        records=records,
        steps=steps,
        dims_of=dimensions_for,
        **LABELS,
    )
