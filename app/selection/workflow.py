"""The selection round's workflow, run by the shared core in app/workflow.py: nominating →
reviewing → notice (公示) → final, with the way back from review to nominations and from the
notice to review. Its rules, quotas and dates change as steps too, so they are checked,
audited and on the timeline like every other decision. No code sets a round's status
anywhere else; a nomination's own workflow is in nomination_workflow.py.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit, policy
from app.common import timeutil
from app.common.locks import hold_row
from app.extensions import db
from app.roster.models import Member
from app.selection.models import (
    Nomination,
    NominationStatus,
    Objection,
    QuotaMode,
    Rounding,
    RoundStatus,
    SelectionRound,
    SelectionStep,
)
from app.selection.ranking import candidates
from app.selection.rules import RULES_BY_KEY
from app.workflow import Step, Workflow

R = RoundStatus
N = NominationStatus


class RoundAction(StrEnum):
    CLOSE_NOMINATIONS = "close_nominations"
    REOPEN_NOMINATIONS = "reopen_nominations"
    PUBLISH_NOTICE = "publish_notice"
    WITHDRAW_NOTICE = "withdraw_notice"
    APPROVE_FINAL = "approve_final"
    SWITCH_RULE = "switch_rule"
    SET_QUOTA = "set_quota"
    EDIT_DATES = "edit_dates"


RA = RoundAction
# The stages in which the rules, quotas and dates may still change.
SETTING_UP = (R.NOMINATING, R.REVIEWING)

ROUND_TRANSITIONS: dict[tuple[str, str], str] = {
    (R.NOMINATING, RA.CLOSE_NOMINATIONS): R.REVIEWING,
    (R.REVIEWING, RA.REOPEN_NOMINATIONS): R.NOMINATING,
    (R.REVIEWING, RA.PUBLISH_NOTICE): R.NOTICE,
    (R.NOTICE, RA.WITHDRAW_NOTICE): R.REVIEWING,
    (R.NOTICE, RA.APPROVE_FINAL): R.FINAL,
    **{(s, RA.SWITCH_RULE): s for s in SETTING_UP},
    **{(s, RA.SET_QUOTA): s for s in SETTING_UP},
    **{(s, RA.EDIT_DATES): s for s in SETTING_UP},
}


def lock_round(r: SelectionRound) -> None:
    """Hold the round's row until commit (PostgreSQL), so that concurrent nominations of one
    round are counted one after the other. SQLite serialises writers by itself."""
    hold_row(SelectionRound, r.id)


def pending(r: SelectionRound) -> int:
    """Nominations of the round still waiting for the committee."""
    return db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.round_id == r.id, Nomination.status == N.NOMINATED
        )
    )


def open_objections(r: SelectionRound) -> int:
    """Unanswered objections against nominees still on the list (one taken off the list by
    another objection or by the committee needs no more answers)."""
    return db.session.scalar(
        select(func.count(Objection.id))
        .join(Nomination, Nomination.id == Objection.nomination_id)
        .where(
            Nomination.round_id == r.id,
            Nomination.status == N.APPROVED,
            Objection.outcome.is_(None),
        )
    )


def _approved(r: SelectionRound) -> int:
    return db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.round_id == r.id, Nomination.status == N.APPROVED
        )
    )


def _ready_for_notice(r: SelectionRound, _actor: Any) -> bool:
    return pending(r) == 0 and _approved(r) > 0


def _notice_over(r: SelectionRound, _actor: Any) -> bool:
    return timeutil.today() > r.notice_ends and open_objections(r) == 0


ROUND_GUARDS = {
    RA.PUBLISH_NOTICE: (
        _ready_for_notice,
        _l("Decide every nomination first; the notice needs at least one approved."),
    ),
    RA.APPROVE_FINAL: (
        _notice_over,
        _l("The final list is approved after the notice ends and every objection is answered."),
    ),
}

ROUND_WORKFLOW = Workflow(
    "selection",
    ROUND_TRANSITIONS,
    step_model=SelectionStep,
    owner_key="round_id",
    can=policy.can,
    record=audit.record,
    needs_comment={RA.REOPEN_NOMINATIONS, RA.WITHDRAW_NOTICE},
    guards=ROUND_GUARDS,
    audit_details=lambda r: {"org_path": r.org.path, "year": r.year},
)


def apply_round(
    r: SelectionRound,
    action: str,
    actor: Any,
    *,
    expected_version: int | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> SelectionStep:
    """Take ``action`` on the round (the one way its stage, rules, quotas and dates change).
    Raises StaleRecord, InvalidTransition, PermissionDenied or FieldErrors; the caller commits."""
    return ROUND_WORKFLOW.apply(
        r, action, actor, expected_version=expected_version, comment=comment, data=data
    )


# --- the round's handlers -------------------------------------------------------------------


@ROUND_WORKFLOW.handler(RA.PUBLISH_NOTICE)
def _publish_notice(r: SelectionRound, step: Step) -> None:
    starts, ends = step.data.get("notice_starts"), step.data.get("notice_ends")
    if not isinstance(starts, date):
        step.errors["notice_starts"] = str(_l("Give the first day of the notice."))
    elif starts < timeutil.today():
        step.errors["notice_starts"] = str(_l("The notice cannot start in the past."))
    if not isinstance(ends, date):
        step.errors["notice_ends"] = str(_l("Give the last day of the notice."))
    elif isinstance(starts, date) and ends < starts:
        step.errors["notice_ends"] = str(_l("The notice must end on or after its first day."))
    _check_still_eligible(r, step.errors)
    if step.errors:
        return
    r.notice_starts, r.notice_ends = starts, ends
    step.snapshot = {"notice_starts": str(starts), "notice_ends": str(ends)}


@ROUND_WORKFLOW.handler(RA.APPROVE_FINAL)
def _approve_final(r: SelectionRound, step: Step) -> None:
    _check_still_eligible(r, step.errors)
    if not step.errors:
        r.decided_on = timeutil.today()


def no_longer_eligible(r: SelectionRound) -> list[str]:
    """The names of approved nominees the rules now exclude (a sanction recorded during the
    notice, a transfer out of the subtree, a rule switched back on), by name."""
    approved = select(Nomination.member_id).where(
        Nomination.round_id == r.id, Nomination.status == N.APPROVED
    )
    eligible = {c.member_id for c in candidates(r, [r.org.path], member_ids=approved) if c.eligible}
    names = db.session.execute(
        select(Member.id, Member.name)
        .join(Nomination, Nomination.member_id == Member.id)
        .where(Nomination.round_id == r.id, Nomination.status == N.APPROVED)
        .order_by(Member.name_pinyin)
    ).all()
    return [name for member_id, name in names if member_id not in eligible]


def _check_still_eligible(r: SelectionRound, errors: dict[str, str]) -> None:
    gone = no_longer_eligible(r)
    if gone:
        errors["eligibility"] = str(
            _l(
                "No longer eligible: %(names)s. Send them back or take them off the list first.",
                names="、".join(gone),
            )
        )


@ROUND_WORKFLOW.handler(RA.SWITCH_RULE)
def _switch_rule(r: SelectionRound, step: Step) -> None:
    key = step.data.get("rule")
    if key not in RULES_BY_KEY:
        step.errors["rule"] = str(_l("Choose a rule."))
        return
    on = bool(step.data.get("on"))
    off = dict(r.rules_off or {})
    if on:
        off.pop(key, None)
    elif len(step.comment) < 2:
        step.errors["comment"] = str(_l("Say why the rule is switched off."))
        return
    else:
        off[key] = step.comment
    r.rules_off = off
    step.snapshot = {"rule": key, "on": on}


@ROUND_WORKFLOW.handler(RA.SET_QUOTA)
def _set_quota(r: SelectionRound, step: Step) -> None:
    data = step.data
    mode, rounding = data.get("mode"), data.get("rounding") or Rounding.ROUND
    value = data.get("value")
    if mode not in set(QuotaMode):
        step.errors["mode"] = str(_l("Choose how quotas are set."))
    elif not isinstance(value, int | float) or value < 0:
        step.errors["value"] = str(_l("Give a number of zero or more."))
    elif mode == QuotaMode.SHARE and not 0 < value <= 1:
        step.errors["value"] = str(_l("Give a share between 1% and 100%."))
    elif mode == QuotaMode.COUNT and (value != int(value) or value > 1000):
        step.errors["value"] = str(_l("Give a whole number up to 1000."))
    if rounding not in set(Rounding):
        step.errors["rounding"] = str(_l("Choose how shares are rounded."))
    overrides = {}
    for branch_id, n in (data.get("overrides") or {}).items():
        if n is None or n == "":
            continue
        if not isinstance(n, int) or not 0 <= n <= 1000:
            step.errors["overrides"] = str(_l("Give a whole number up to 1000."))
            break
        overrides[str(branch_id)] = n
    if step.errors:
        return
    r.quota_mode, r.quota_rounding = mode, rounding
    r.quota_value = float(value)
    r.quota_overrides = overrides
    step.snapshot = {"mode": mode, "value": value, "rounding": rounding, "overrides": overrides}


def check_dates(data: dict[str, Any]) -> dict[str, str]:
    """The stage dates in order: nominations, review, then the notice's first and last day."""
    keys = ("nominations_due", "review_due", "notice_starts", "notice_ends")
    errors = {k: str(_l("Give a date.")) for k in keys if not isinstance(data.get(k), date)}
    if not errors:
        dates = [data[k] for k in keys]
        for k, before, after in zip(keys[1:], dates, dates[1:], strict=False):
            if after < before:
                errors[k] = str(_l("Each stage's date must follow the previous one."))
                break
    return errors


@ROUND_WORKFLOW.handler(RA.EDIT_DATES)
def _edit_dates(r: SelectionRound, step: Step) -> None:
    step.errors.update(check_dates(dict(step.data)))
    if step.errors:
        return
    for key in ("nominations_due", "review_due", "notice_starts", "notice_ends"):
        setattr(r, key, step.data[key])
    step.snapshot = {k: str(step.data[k]) for k in ("nominations_due", "notice_ends")}
