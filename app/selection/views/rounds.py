"""The rounds: the list, opening one, the round page (stage, rules, quotas, branches,
nominations, timeline) with one form per step the viewer may take, and its exports."""

from __future__ import annotations

import re
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import policy
from app.appraisal.labels import GRADE_LABELS, VETO_LABELS
from app.appraisal.labels import STATUS_LABELS as APPRAISAL_STATUS_LABELS
from app.cases.labels import RATING_LABELS
from app.common import timeutil
from app.common.excel import send_xlsx
from app.common.forms import page_form
from app.errors import FieldErrors, errors_on
from app.extensions import db
from app.orgs.services import scoped_orgs
from app.roster.fields import SANCTION_KIND_LABELS
from app.selection import bp, excel, services
from app.selection.forms import DATE_KEYS, ROUND_FORMS, RoundForm, StepForm
from app.selection.labels import (
    BUTTON_LABELS,
    NOMINATION_ACTION_LABELS,
    NOMINATION_STATUS_LABELS,
    OUTCOME_LABELS,
    ROUND_ACTION_LABELS,
    ROUND_STATUS_LABELS,
    SPOT_LABELS,
    STATUS_LABELS,
)
from app.selection.models import NominationStatus, SelectionRound
from app.selection.nomination_workflow import PRIVATE
from app.selection.rules import QUOTA_BASE, RANKING, ROUNDING_LABELS, RULES
from app.selection.workflow import (
    ROUND_GUARDS,
    ROUND_WORKFLOW,
    RoundAction,
    apply_round,
    open_objections,
    pending,
)

LABELS = {
    "button_labels": BUTTON_LABELS,
    "round_status_labels": ROUND_STATUS_LABELS,
    "nomination_status_labels": NOMINATION_STATUS_LABELS,
    "status_labels": STATUS_LABELS,
    "round_action_labels": ROUND_ACTION_LABELS,
    "nomination_action_labels": NOMINATION_ACTION_LABELS,
    "outcome_labels": OUTCOME_LABELS,
    "rounding_labels": ROUNDING_LABELS,
    "rules": RULES,
    "ranking": RANKING,
    "quota_base": QUOTA_BASE,
    "private_actions": PRIVATE,
    "grade_labels": GRADE_LABELS,
    "veto_labels": VETO_LABELS,
    "appraisal_status_labels": APPRAISAL_STATUS_LABELS,
    "spot_labels": SPOT_LABELS,
    "rating_labels": RATING_LABELS,
    "sanction_labels": SANCTION_KIND_LABELS,
}
# The stage steps, in the order the page offers them.
STAGE_ACTIONS = (
    RoundAction.CLOSE_NOMINATIONS,
    RoundAction.REOPEN_NOMINATIONS,
    RoundAction.PUBLISH_NOTICE,
    RoundAction.WITHDRAW_NOTICE,
    RoundAction.APPROVE_FINAL,
)


@bp.route("/")
@login_required
def rounds():
    policy.require(current_user, "selection.list")
    return render_template(
        "selection/rounds.html",
        rounds=services.rounds_for(current_user),
        can_open=policy.can(current_user, "selection.open"),
        **LABELS,
    )


def _round_orgs() -> list:
    return [
        o
        for o in scoped_orgs(current_user, kinds=services.ROUND_KINDS)
        if policy.can(current_user, "selection.open", o)
    ]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def round_new():
    orgs = _round_orgs()
    if not orgs:
        abort(403)
    form = RoundForm()
    form.org_id.choices = [SelectChoice(o.id, o.name) for o in orgs]
    org = next((o for o in orgs if o.id == form.org_id.data), orgs[0])
    quarters = services.known_quarters(org)
    form.quarters.choices = [SelectChoice(f"{y}-{q}", f"{y}年第{q}季度") for y, q in quarters]
    if request.method == "GET":
        today = timeutil.today()
        form.year.data = today.year + (today.month > 7)
        form.quarters.data = [f"{y}-{q}" for y, q in services.recent_closed_quarters(org)]
        for key, value in services.default_dates(today).items():
            getattr(form, key).data = value
    if form.validate_on_submit():
        data = services.RoundData(
            year=form.year.data,
            title=form.title.data,
            quarters=[tuple(int(x) for x in v.split("-")) for v in form.quarters.data or []],
            quota_mode=form.quota_mode.data,
            quota_value=float(form.quota_value.data),
            quota_rounding=form.quota_rounding.data,
            dates={k: getattr(form, k).data for k in DATE_KEYS},
        )
        with errors_on(form) as done:
            r = services.open_round(current_user, org, data)
        if done:
            db.session.commit()
            flash(_("The selection is open: the branches may nominate now."), "success")
            return redirect(url_for("selection.round_detail", round_id=r.id))
    return render_template("selection/new.html", form=form, notice_days=services.NOTICE_WORKDAYS)


# --- the round page ---------------------------------------------------------------------------


def _form(r: SelectionRound, action: str, *, pressed: bool, rule: str = "") -> StepForm:
    cls = ROUND_FORMS.get(action, StepForm)
    data: dict[str, Any] = {"version": r.version}
    if action == RoundAction.PUBLISH_NOTICE:
        # Published now, the notice starts today unless the committee says otherwise.
        starts = timeutil.today()
        data.update(notice_starts=starts, notice_ends=services.notice_end(starts))
    elif action == RoundAction.SET_QUOTA:
        data.update(
            quota_mode=r.quota_mode, quota_value=r.quota_value, quota_rounding=r.quota_rounding
        )
    elif action == RoundAction.EDIT_DATES:
        data.update({k: getattr(r, k) for k in DATE_KEYS})
    elif action == RoundAction.SWITCH_RULE:
        data.update(rule=rule, on=rule in (r.rules_off or {}))  # the switch flips it
    prefix = f"step_{action}" + (f"_{rule}" if rule else "")
    return page_form(cls, prefix, pressed=pressed, data=data)


def _forms(r: SelectionRound, pressed: str = "", rule: str = "") -> dict[str, Any]:
    """One form per step the viewer may take now; the rule switches keyed by rule."""
    allowed = ROUND_WORKFLOW.allowed_actions(r, current_user)
    forms: dict[str, Any] = {}
    for action in allowed:
        if action == RoundAction.SWITCH_RULE:
            forms["rules"] = {
                x.key: _form(r, action, pressed=pressed == action and rule == x.key, rule=x.key)
                for x in RULES
            }
        else:
            forms[action] = _form(r, action, pressed=pressed == action)
    return forms


def _blocked(r: SelectionRound) -> list[tuple[str, str]]:
    """The stage steps the table lists now but whose guard holds them back, with why."""
    out = []
    for action in STAGE_ACTIONS:
        if (r.status, action) in ROUND_WORKFLOW.transitions and action in ROUND_GUARDS:
            test, message = ROUND_GUARDS[action]
            if policy.can(current_user, f"selection.{action}", r) and not test(r, current_user):
                out.append((action, str(message)))
    return out


def _render(r: SelectionRound, forms: dict[str, Any], status: int = 200):
    rows = services.branch_rows(current_user, r)
    return (
        render_template(
            "selection/round.html",
            r=r,
            forms=forms,
            stage_actions=[a for a in STAGE_ACTIONS if a in forms],
            blocked=_blocked(r),
            rows=rows,
            nominations=services.nominations_of(current_user, r),
            steps=services.timeline(r, current_user),
            pending=pending(r),
            open_objections=open_objections(r),
            overrides=r.quota_overrides or {},
            **LABELS,
        ),
        status,
    )


@bp.route("/<int:round_id>")
@login_required
def round_detail(round_id: int):
    r = services.get_round(current_user, round_id)
    return _render(r, _forms(r))


def _overrides(rows: list[services.BranchRow]) -> dict[str, int | None]:
    """The per-branch numbers typed into the quota form (empty: the round's rule)."""
    out: dict[str, int | None] = {}
    for row in rows:
        raw = (request.form.get(f"override_{row.branch.id}") or "").strip()
        if not raw:
            continue
        if not re.fullmatch(r"[0-9]{1,4}", raw):
            raise FieldErrors({"overrides": _("Give a whole number up to 1000.")})
        out[str(row.branch.id)] = int(raw)
    return out


@bp.route("/<int:round_id>/step/<action>", methods=["POST"])
@login_required
def round_step(round_id: int, action: str):
    r = services.get_round(current_user, round_id)
    if action not in ROUND_ACTION_LABELS:
        abort(404)
    rule = request.args.get("rule", "")
    forms = _forms(r, pressed=action, rule=rule)
    form = (
        forms.get("rules", {}).get(rule) if action == RoundAction.SWITCH_RULE else forms.get(action)
    )
    if form is None:
        ROUND_WORKFLOW.check(r, action, current_user)  # refuse before reading any input
        abort(404)  # a rule that does not exist
    if form.validate_on_submit():
        with errors_on(form) as done:
            data = form.step_data()
            if action == RoundAction.SET_QUOTA:
                data["overrides"] = _overrides(services.branch_rows(current_user, r))
            apply_round(
                r,
                action,
                current_user,
                expected_version=form.version.data,
                comment=form.comment.data or "",
                data=data,
            )
        if done:
            db.session.commit()
            flash(str(ROUND_ACTION_LABELS[action]), "success")
            return redirect(url_for("selection.round_detail", round_id=r.id))
    return _render(r, forms, 400 if form.errors else 200)


# --- the candidates, the notice and the lists ----------------------------------------------------


@bp.route("/<int:round_id>/candidates")
@login_required
def round_candidates(round_id: int):
    """Per branch the viewer sees, the eligible candidates within its quota (ties at the line
    included), with the quota's figures."""
    r = services.get_round(current_user, round_id)
    rows = services.branch_rows(current_user, r, with_top=True)
    return render_template("selection/candidates.html", r=r, rows=rows, **LABELS)


@bp.route("/<int:round_id>/notice")
@login_required
def round_notice(round_id: int):
    """The printable notice (公示): name, branch, post and deeds, one line each."""
    r = services.get_round(current_user, round_id)
    policy.require(current_user, "selection.lists", r)
    if r.status not in ("notice", "final"):
        abort(404)
    listed = services.nominations_of(current_user, r, (NominationStatus.APPROVED,))
    return render_template("selection/notice.html", r=r, nominations=listed, **LABELS)


@bp.route("/<int:round_id>/nominees.xlsx")
@login_required
def nominees_xlsx(round_id: int):
    """The nominee list (every nomination the committee has not refused) as Excel in the
    official layout."""
    return _xlsx(round_id, final=False)


@bp.route("/<int:round_id>/final.xlsx")
@login_required
def final_xlsx(round_id: int):
    """The approved list, once the final list is approved."""
    return _xlsx(round_id, final=True)


def _xlsx(round_id: int, *, final: bool):
    r = services.get_round(current_user, round_id)
    if final:
        policy.require(current_user, "selection.lists", r)
        if r.status != "final":
            abort(404)
    path, name = excel.export_list(current_user, r, final=final)
    db.session.commit()  # the export is audited
    return send_xlsx(path, name)
