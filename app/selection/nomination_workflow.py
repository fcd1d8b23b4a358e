"""A nomination's workflow, run by the shared core in app/workflow.py: nominated → approved
(or sent back to the branch, which revises it or withdraws it); during the notice objections are
recorded against an approved nomination and answered, an upheld one taking it off the list.
No code sets a nomination's status anywhere else.
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
from app.selection.models import Nomination, NominationStatus, Objection, RoundStatus, SelectionStep
from app.selection.quota import branch_quota
from app.selection.ranking import candidates
from app.selection.rules import RULES_BY_KEY
from app.selection.workflow import SETTING_UP, lock_round
from app.workflow import Step, Workflow

R = RoundStatus
N = NominationStatus


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


NA = NominationAction

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
# Steps whose text is personal (an objection and its answer): only the committee reads it.
PRIVATE = (NA.OBJECT, NA.UPHOLD, NA.DISMISS)
# Nominations that hold a place in the branch's quota.
ACTIVE = (N.NOMINATED, N.SENT_BACK, N.APPROVED)


def _round_is(*statuses: str):
    return lambda n, _actor: n.round.status in statuses


def _has_open_objection(n: Nomination, _actor: Any) -> bool:
    return n.round.status == R.NOTICE and any(o.is_open for o in objections_of(n))


_CLOSED = _l("The round is not at this stage.")
NOMINATION_GUARDS = {
    NA.NOMINATE: (_round_is(R.NOMINATING), _l("Nominations are closed.")),
    NA.REVISE: (_round_is(*SETTING_UP), _CLOSED),
    NA.WITHDRAW: (_round_is(*SETTING_UP), _CLOSED),
    NA.APPROVE: (_round_is(*SETTING_UP), _CLOSED),
    NA.SEND_BACK: (_round_is(*SETTING_UP), _CLOSED),
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
    quiet_comments=PRIVATE,
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
            step.errors["member_id"] = str(
                _l("Not eligible: %(reasons)s.", reasons=_reasons(c.reasons))
            )
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
    lock_round(n.round)  # two nominations at once count each other
    quota = branch_quota(n.round, n.branch)
    taken = db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.round_id == n.round_id,
            Nomination.branch_id == n.branch.id,
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
def _approve(n: Nomination, step: Step) -> None:
    # The rules are read again: a sanction or a transfer may have come since the nomination.
    found = candidates(n.round, [n.branch.path], member_id=n.member_id)
    if not found:
        step.errors["eligibility"] = str(_l("This member is no longer in the branch."))
    elif not found[0].eligible:
        step.errors["eligibility"] = str(
            _l("Not eligible: %(reasons)s.", reasons=_reasons(found[0].reasons))
        )
    if not step.errors:
        n.review_comment = step.comment


@NOMINATION_WORKFLOW.handler(NA.SEND_BACK)
def _send_back(n: Nomination, step: Step) -> None:
    n.review_comment = step.comment


def _reasons(keys: list[str]) -> str:
    return "、".join(str(RULES_BY_KEY[k].short) for k in keys)


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
    elif objection is not None and answered_on < objection.received_on:
        step.errors["answered_on"] = str(_l("The answer cannot come before the objection."))
    if step.errors:
        return
    objection.answered_by = answered_by
    objection.answer = step.comment
    objection.answered_on = answered_on
    objection.outcome = outcome
    step.snapshot = {"objection_id": objection.id, "outcome": objection.outcome}
