"""The selection's two workflows, run by the shared core in app/workflow.py.

The round: nominating → reviewing → notice (公示) → final, with the way back from review to
nominations and from the notice to review; its rules, quotas and dates change as steps too, so
they are checked, audited and on the timeline like every other decision.

A nomination: nominated → approved (or sent back to the branch, which revises it or withdraws
it); during the notice objections are recorded against an approved nomination and answered,
an upheld one taking it off the list. No code sets a status anywhere else.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit, policy
from app.common import timeutil
from app.extensions import db
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
from app.selection.quota import branch_quota
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


class NominationAction(StrEnum):
    NOMINATE = "nominate"
    REVISE = "revise"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    DROP = "drop"
    OBJECT = "object"
    UPHOLD = "uphold"
    DISMISS = "dismiss"


RA = RoundAction
NA = NominationAction
_SETTING_UP = (R.NOMINATING, R.REVIEWING)

ROUND_TRANSITIONS: dict[tuple[str, str], str] = {
    (R.NOMINATING, RA.CLOSE_NOMINATIONS): R.REVIEWING,
    (R.REVIEWING, RA.REOPEN_NOMINATIONS): R.NOMINATING,
    (R.REVIEWING, RA.PUBLISH_NOTICE): R.NOTICE,
    (R.NOTICE, RA.WITHDRAW_NOTICE): R.REVIEWING,
    (R.NOTICE, RA.APPROVE_FINAL): R.FINAL,
    **{(s, RA.SWITCH_RULE): s for s in _SETTING_UP},
    **{(s, RA.SET_QUOTA): s for s in _SETTING_UP},
    **{(s, RA.EDIT_DATES): s for s in _SETTING_UP},
}
NOMINATION_TRANSITIONS: dict[tuple[str, str], str] = {
    (N.NEW, NA.NOMINATE): N.NOMINATED,
    (N.WITHDRAWN, NA.NOMINATE): N.NOMINATED,  # the branch thinks again
    (N.NOMINATED, NA.REVISE): N.NOMINATED,
    (N.SENT_BACK, NA.REVISE): N.NOMINATED,
    (N.NOMINATED, NA.WITHDRAW): N.WITHDRAWN,
    (N.SENT_BACK, NA.WITHDRAW): N.WITHDRAWN,
    (N.NOMINATED, NA.APPROVE): N.APPROVED,
    (N.NOMINATED, NA.SEND_BACK): N.SENT_BACK,
    (N.APPROVED, NA.SEND_BACK): N.SENT_BACK,
    (N.APPROVED, NA.DROP): N.DROPPED,
    (N.APPROVED, NA.OBJECT): N.APPROVED,
    (N.APPROVED, NA.UPHOLD): N.DROPPED,
    (N.APPROVED, NA.DISMISS): N.APPROVED,
}
# Nominations that hold a place in the branch's quota.
ACTIVE = (N.NOMINATED, N.SENT_BACK, N.APPROVED)


def pending(r: SelectionRound) -> int:
    """Nominations of the round still waiting for the committee."""
    return db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.round_id == r.id, Nomination.status == N.NOMINATED
        )
    )


def open_objections(r: SelectionRound) -> int:
    return db.session.scalar(
        select(func.count(Objection.id))
        .join(Nomination, Nomination.id == Objection.nomination_id)
        .where(Nomination.round_id == r.id, Objection.outcome.is_(None))
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


def _round_is(*statuses: str):
    return lambda n, _actor: n.round.status in statuses


def _has_open_objection(n: Nomination, _actor: Any) -> bool:
    return n.round.status == R.NOTICE and any(o.is_open for o in objections_of(n))


_CLOSED = _l("The round is not at this stage.")
NOMINATION_GUARDS = {
    NA.NOMINATE: (_round_is(R.NOMINATING), _l("Nominations are closed.")),
    NA.REVISE: (_round_is(*_SETTING_UP), _CLOSED),
    NA.WITHDRAW: (_round_is(*_SETTING_UP), _CLOSED),
    NA.APPROVE: (_round_is(*_SETTING_UP), _CLOSED),
    NA.SEND_BACK: (_round_is(*_SETTING_UP), _CLOSED),
    NA.DROP: (_round_is(R.REVIEWING, R.NOTICE), _CLOSED),
    NA.OBJECT: (_round_is(R.NOTICE), _l("Objections are heard during the public notice.")),
    NA.UPHOLD: (_has_open_objection, _l("There is no open objection to answer.")),
    NA.DISMISS: (_has_open_objection, _l("There is no open objection to answer.")),
}

NOMINATION_WORKFLOW = Workflow(
    "nomination",
    NOMINATION_TRANSITIONS,
    step_model=SelectionStep,
    owner_key="nomination_id",
    can=policy.can,
    record=audit.record,
    needs_comment={NA.WITHDRAW, NA.SEND_BACK, NA.DROP, NA.OBJECT, NA.UPHOLD, NA.DISMISS},
    guards=NOMINATION_GUARDS,
    audit_details=lambda n: {
        "org_path": n.branch.path,
        "member_id": n.member_id,
        "round_id": n.round_id,
    },
    step_fields=lambda n: {"round_id": n.round_id},
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


def apply_nomination(
    n: Nomination,
    action: str,
    actor: Any,
    *,
    expected_version: int | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
) -> SelectionStep:
    """Take ``action`` on a nomination (the one way its state changes); as ``apply_round``."""
    return NOMINATION_WORKFLOW.apply(
        n, action, actor, expected_version=expected_version, comment=comment, data=data
    )


def objections_of(n: Nomination) -> list[Objection]:
    if n.id is None:
        return []
    return list(
        db.session.scalars(
            select(Objection).where(Objection.nomination_id == n.id).order_by(Objection.id)
        )
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
    if step.errors:
        return
    r.notice_starts, r.notice_ends = starts, ends
    step.snapshot = {"notice_starts": str(starts), "notice_ends": str(ends)}


@ROUND_WORKFLOW.handler(RA.APPROVE_FINAL)
def _approve_final(r: SelectionRound, step: Step) -> None:
    r.decided_on = timeutil.today()


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


# --- the nomination's handlers --------------------------------------------------------------


def _clean(value: Any, limit: int) -> str:
    return " ".join(str(value or "").split())[:limit]


@NOMINATION_WORKFLOW.handler(NA.NOMINATE)
@NOMINATION_WORKFLOW.handler(NA.REVISE)
def _nominate(n: Nomination, step: Step) -> None:
    reason = _clean(step.data.get("reason"), 2000)
    deeds = _clean(step.data.get("deeds"), 100)
    explanation = _clean(step.data.get("explanation"), 1000)
    if len(reason) < 10:
        step.errors["reason"] = str(
            _l("Write the reason for the nomination (10 characters or more).")
        )
    if len(deeds) < 4:
        step.errors["deeds"] = str(_l("Sum up the member's deeds in one line."))
    found = candidates(n.round, [n.branch.path], member_id=n.member_id)
    if not found:
        step.errors["member_id"] = str(_l("This member is not in the branch's candidate list."))
    else:
        c = found[0]
        if not c.eligible:
            labels = "、".join(str(RULES_BY_KEY[k].short) for k in c.reasons)
            step.errors["member_id"] = str(_l("Not eligible: %(reasons)s.", reasons=labels))
        elif c.flags and len(explanation) < 4:
            step.errors["explanation"] = str(
                _l("Some quarters are missing or open: explain why the member is nominated.")
            )
        n.figures = {
            "rank": c.rank,
            "excellent": c.excellent,
            "confirmed": c.confirmed,
            "exemplary": c.exemplary,
            "cases_done": c.cases_done,
            "rating": c.rating,
            "records": c.records,
        }
    if n.status != N.NOMINATED:  # a new, withdrawn or sent-back one takes a place again
        _check_quota(n, step.errors)
    if step.errors:
        return
    n.reason, n.deeds, n.explanation = reason, deeds, explanation
    n.nominated_by_id = step.actor.id
    step.snapshot = {"figures": n.figures}


def _check_quota(n: Nomination, errors: dict[str, str]) -> None:
    quota = branch_quota(n.round, n.branch)
    taken = db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.round_id == n.round_id,
            Nomination.branch_id == n.branch_id,
            Nomination.status.in_(ACTIVE),
            Nomination.id != (n.id or 0),
        )
    )
    if taken + 1 > quota.quota:
        errors["quota"] = str(
            _l(
                "Over the quota: the branch may nominate %(quota)d (%(how)s); "
                "%(taken)d nominations already hold a place.",
                quota=quota.quota,
                how=quota.explain(),
                taken=taken,
            )
        )


@NOMINATION_WORKFLOW.handler(NA.APPROVE)
@NOMINATION_WORKFLOW.handler(NA.SEND_BACK)
def _review(n: Nomination, step: Step) -> None:
    n.review_comment = step.comment


@NOMINATION_WORKFLOW.handler(NA.OBJECT)
def _object(n: Nomination, step: Step) -> None:
    received = step.data.get("received_on")
    r = n.round
    if not isinstance(received, date):
        step.errors["received_on"] = str(_l("Give the date the objection was received."))
    elif not r.notice_starts <= received <= timeutil.today():
        step.errors["received_on"] = str(
            _l("The date must fall within the notice and not in the future.")
        )
    if step.errors:
        return
    objection = Objection(
        nomination_id=n.id,
        received_on=received,
        raised_by=_clean(step.data.get("raised_by"), 100),
        content=step.comment,
        recorded_by_id=step.actor.id,
    )
    db.session.add(objection)
    step.snapshot = {"received_on": str(received), "late": received > r.notice_ends}


@NOMINATION_WORKFLOW.handler(NA.UPHOLD)
def _uphold(n: Nomination, step: Step) -> None:
    _answer(n, step, "upheld")


@NOMINATION_WORKFLOW.handler(NA.DISMISS)
def _dismiss(n: Nomination, step: Step) -> None:
    _answer(n, step, "dismissed")


def _answer(n: Nomination, step: Step, outcome: str) -> None:
    wanted = step.data.get("objection_id")
    objection = next((o for o in objections_of(n) if o.id == wanted and o.is_open), None)
    answered_by = _clean(step.data.get("answered_by"), 100)
    answered_on = step.data.get("answered_on") or timeutil.today()
    if objection is None:
        step.errors["objection_id"] = str(_l("Choose an open objection."))
    if len(answered_by) < 2:
        step.errors["answered_by"] = str(_l("Say who looked into it and answered."))
    if not isinstance(answered_on, date) or answered_on > timeutil.today():
        step.errors["answered_on"] = str(_l("Give a date that is not in the future."))
    if step.errors:
        return
    objection.answered_by = answered_by
    objection.answer = step.comment
    objection.answered_on = answered_on
    objection.outcome = outcome
    step.snapshot = {"objection_id": objection.id, "outcome": objection.outcome}
