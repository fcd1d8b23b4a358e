"""The inbox, the quarters (open, roll-up, spot-check draw, sync, close), the dimensions
editor and the branch overview."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from app import policy
from app.appraisal import batch, bp, closing, dimensions, periods, rollup, services
from app.appraisal import inbox as queries
from app.appraisal import overview as overviews
from app.appraisal.batch_forms import BatchGradeForm, BatchSignForm
from app.appraisal.cap import excellent_cap, states_a_cap
from app.appraisal.excel import branch_summary
from app.appraisal.forms import CloseForm, PeriodForm, SampleForm, TemplateForm, TemplatePickForm
from app.appraisal.labels import STATUS_LABELS, TASK_LABELS, TEMPLATE_LABELS
from app.appraisal.meetings import meeting_label
from app.appraisal.models import AppraisalPeriod
from app.common import timeutil, versions
from app.common.excel import send_xlsx
from app.common.forms import SearchForm
from app.errors import errors_on
from app.extensions import db
from app.orgs.models import Org


@bp.route("/")
@login_required
def inbox():
    today = timeutil.today()

    def overview_url(group: queries.InboxGroup) -> str:
        """The list holding all of a kind: the overview of the org one oversees, filtered."""
        # The spot checks waiting are the drawn records not checked yet, not every assessed.
        spot = {"sampled": "open"} if group.task == "spot" else {}
        return url_for(
            "appraisal.overview",
            period_id=group.period_id,
            org_id=group.org_id,
            status=group.status,
            view="list",
            **spot,
        )

    def groups() -> str:
        return render_template(
            "appraisal/_inbox_groups.html",
            box=queries.inbox(current_user, today=today),
            overview_url=overview_url,
            **inbox_labels(),
        )

    # Rendered once per change of what the inbox reads, for the user and the day.
    key = ("appraisal.inbox.html", current_user.id, current_user.is_active, today)
    html = versions.fragment(queries.TOPICS, key, groups)
    return render_template("appraisal/inbox.html", groups=html)


def inbox_labels() -> dict:
    """The inbox's labels translated once per page, and the records' link prefix."""
    return {
        "tasks": {k: str(v) for k, v in TASK_LABELS.items()},
        "due_on": _("due %(d)s", d="%s"),
        "overdue_since": _("overdue since %(d)s", d="%s"),
        "record_url": url_for("appraisal.record", appraisal_id=0)[:-1],
    }


@bp.route("/periods")
@login_required
def period_list():
    policy.require(current_user, "appraisal.list")
    return render_template(
        "appraisal/periods.html", periods=services.periods_for(current_user), **TEMPLATE_LABELS
    )


@bp.route("/periods/new", methods=["GET", "POST"])
@login_required
def period_create():
    policy.require(current_user, "appraisal.manage_periods")
    form = PeriodForm()
    form.org_id.choices = [
        (o.id, "　" * o.depth + o.name) for o in services.period_orgs(current_user)
    ]
    if request.method == "GET":
        year, quarter, due = services.default_deadlines(timeutil.today())
        form.process(data={"year": year, "quarter": quarter, **vars(due)})
    if form.validate_on_submit():
        org = db.session.get(Org, form.org_id.data)
        due = services.Deadlines(
            form.self_due.data, form.sign_due.data, form.opinion_due.data, form.spot_due.data
        )
        with errors_on(form) as done:
            period = services.open_period(current_user, org, form.year.data, form.quarter.data, due)
        if done:
            db.session.commit()
            flash(_("%(label)s is open.", label=period.label), "success")
            return redirect(url_for("appraisal.period_detail", period_id=period.id))
    return render_template("appraisal/period_form.html", form=form)


def _load_period(period_id: int) -> AppraisalPeriod:
    period = db.get_or_404(AppraisalPeriod, period_id)
    if not services.period_visible(current_user, period):  # as periods_for lists them
        abort(404)
    return period


@bp.route("/templates", methods=["GET", "POST"])
@login_required
def templates():
    """The committee edits the dimensions members record (labels, guidance, extra ones)."""
    policy.require(current_user, "appraisal.manage_periods")
    orgs = services.period_orgs(current_user)
    if not orgs:
        abort(403)
    pick = TemplatePickForm(formdata=request.args)
    pick.org_id.choices = [(o.id, "　" * o.depth + o.name) for o in orgs]
    org = next((o for o in orgs if o.id == pick.org_id.data), orgs[0])
    post_kind = pick.post_kind_or_default()
    pick.org_id.data, pick.post_kind.data = org.id, post_kind
    form = TemplateForm(data={"rows": dimensions.templates_for(org)[post_kind]})
    if form.validate_on_submit():
        with errors_on(form) as done:
            dimensions.save_template(current_user, org, post_kind, form.dimensions())
        if done:
            db.session.commit()
            flash(_("Saved. Quarters opened from now on use it; open ones keep theirs."), "success")
            return redirect(url_for("appraisal.templates", org_id=org.id, post_kind=post_kind))
    return render_template(
        "appraisal/templates.html", pick=pick, form=form, org=org, post_kind=post_kind
    )


@bp.route("/periods/<int:period_id>")
@login_required
def period_detail(period_id: int):
    period = _load_period(period_id)
    return _render_period(period, SampleForm())


def _render_period(period, sample_form: SampleForm):
    return render_template(
        "appraisal/period_detail.html",
        period=period,
        closed_by=periods.closed_by_name(period),
        drawn=periods.drawn_count(period),
        branches=rollup.branch_counts(period, current_user),
        sample_form=sample_form,
        can_manage=policy.can(current_user, "appraisal.manage_periods", period.org),
        **TEMPLATE_LABELS,
    )


@bp.route("/periods/<int:period_id>/sample", methods=["POST"])
@login_required
def period_sample(period_id: int):
    period = _load_period(period_id)
    form = SampleForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            chosen = services.draw_sample(
                current_user, period, float(form.share.data) / 100, form.seed.data or None
            )
        if done:
            db.session.commit()
            flash(
                _(
                    "Drew %(n)d records for the spot check (seed %(seed)s).",
                    n=len(chosen),
                    seed=period.spot_seed,
                ),
                "success",
            )
            return redirect(url_for("appraisal.period_sample_list", period_id=period.id))
    # The share and seed stay as typed, the error beside the field at fault.
    return _render_period(period, form)


@bp.route("/periods/<int:period_id>/sync", methods=["POST"])
@login_required
def period_sync(period_id: int):
    period = _load_period(period_id)
    policy.require(current_user, "appraisal.manage_periods", period.org)
    n = services.add_missing_records(period)
    db.session.commit()
    flash(_("%(n)d records added for new members.", n=n), "success")
    return redirect(url_for("appraisal.period_detail", period_id=period.id))


@bp.route("/periods/<int:period_id>/close", methods=["GET", "POST"])
@login_required
def period_close(period_id: int):
    """Closing a quarter: first how many records are unfinished per branch and state; with
    any, the committee's written reason (it goes into the audit event)."""
    period = _load_period(period_id)
    policy.require(current_user, "appraisal.manage_periods", period.org)
    form = CloseForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            n = services.close_period(current_user, period, form.reason.data or "")
        if done:
            db.session.commit()
            flash(
                _("%(label)s closed: %(n)d records are now read-only.", label=period.label, n=n),
                "success",
            )
            return redirect(url_for("appraisal.period_detail", period_id=period.id))
    return render_template(
        "appraisal/period_close.html",
        period=period,
        form=form,
        preview=closing.close_preview(period),
        unfinished_states=rollup.UNFINISHED,
        deadlines=rollup.deadlines(period),
        step_due=closing.STEP_DUE,
        **TEMPLATE_LABELS,
    )


@bp.route("/periods/<int:period_id>/sample")
@login_required
def period_sample_list(period_id: int):
    """The records drawn for the spot check, with their branch and where each check stands."""
    period = _load_period(period_id)
    policy.require(current_user, "appraisal.manage_periods", period.org)
    return render_template(
        "appraisal/period_sample.html",
        period=period,
        rows=periods.drawn_records(current_user, period),
        **TEMPLATE_LABELS,
    )


@bp.route("/periods/<int:period_id>/orgs/<int:org_id>")
@login_required
def overview(period_id: int, org_id: int):
    period = _load_period(period_id)
    org = db.get_or_404(Org, org_id)
    policy.require(current_user, "appraisal.overview", org, visible="appraisal.overview")
    return render_overview(period, org)


# The overview's own query-string arguments: the only ones carried into the links it builds.
LIST_ARGS = ("status", "q", "sampled", "view", "page")


def list_args() -> dict[str, str]:
    """The overview's arguments of this request (never the route's own, never anything else)."""
    return {k: v for k in LIST_ARGS if (v := request.args.get(k))}


def render_overview(period: AppraisalPeriod, org: Org, batch_form=None):
    """The overview page as the query string asks for it (state, search, sample, page),
    with the batch form it offers (``batch_form`` as posted, its errors beside its fields).
    Its body is rendered once per change of what it reads, for the reader and the query,
    unless it holds a batch form (a CSRF token) or answers a search (its text stays out of
    the kept keys)."""
    status = request.args.get("status", "")
    if status not in STATUS_LABELS:
        status = ""
    search = SearchForm()
    search.validate()
    search.q.render_kw = {"placeholder": _("Member's name or pinyin")}
    q = search.q.data if not search.q.errors else ""

    def body() -> str:
        return _overview_body(period, org, status, search, q, batch_form)

    offers = not period.is_closed and batch.offers(current_user, org, status)
    if offers or request.args.get("q") or batch_form is not None:
        html = Markup(body())  # noqa: S704 - rendered by Jinja, escaped
    else:
        key = ("appraisal.overview.html", current_user.id, current_user.is_active)
        key = (*key, period.id, org.id, request.query_string, timeutil.today())
        html = versions.fragment(overviews.PAGE_TOPICS, key, body)
    return render_template("appraisal/overview.html", period=period, org=org, body=html)


def _overview_body(
    period: AppraisalPeriod, org: Org, status: str, search: SearchForm, q: str, batch_form
) -> str:
    sampled = request.args.get("sampled", "")
    ov = overviews.overview_page(
        current_user,
        period,
        org,
        status=status,
        records=request.args.get("view") == "list",
        page=request.args.get("page", 1, type=int),
        q=q,
        sampled=sampled,
    )
    action = (
        None if period.is_closed or ov.page is None else batch.offers(current_user, org, status)
    )
    wanted = BatchSignForm if action == "sign" else BatchGradeForm
    if action and type(batch_form) is not wanted:  # none yet, or posted to another list
        batch_form = wanted()
    if isinstance(batch_form, BatchGradeForm):
        batch_form.meeting_id.choices = [SelectChoice(0, _("Record a new meeting below"))] + [
            SelectChoice(m.id, meeting_label(m)) for m in batch.branch_meetings(org)
        ]
    coverage = ov.coverage.values()
    # The summary's links: "<prefix><branch id>", the prefix built once for the page.
    branch_url = url_for("appraisal.overview", period_id=period.id, org_id=0)[:-1]
    return render_template(
        "appraisal/_overview_body.html",
        period=period,
        org=org,
        ov=ov,
        coverage_met=sum(c.met for c in coverage),
        coverage_total=sum(c.total for c in coverage),
        cap=excellent_cap(period, org) if ov.whole and states_a_cap(org) else None,
        status=status,
        search=search,
        sampled=sampled if sampled in overviews.SAMPLED else "",
        batch_action=action,
        batch_form=batch_form,
        list_args=list_args(),
        can_summarise=overviews.has_branches(org),
        branch_url=branch_url,
        **overviews.labels(),
        **TEMPLATE_LABELS,
    )


@bp.route("/periods/<int:period_id>/orgs/<int:org_id>/summary.xlsx")
@login_required
def overview_xlsx(period_id: int, org_id: int):
    period = _load_period(period_id)
    org = db.get_or_404(Org, org_id)
    policy.require(current_user, "appraisal.overview", org, visible="appraisal.overview")
    path, filename = branch_summary(current_user, period, org)
    db.session.commit()  # the audit row
    return send_xlsx(path, filename)
