"""The appraisal workflow's table: the actions (``Action``), the transitions from each state
(``TRANSITIONS``), the steps whose comment is required, the step the system takes without a
user, and the guards that say when a listed step is offered at all (with the message when it
is not). app/appraisal/workflow.py builds the workflow from them and holds the handlers.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.appraisal.models import Appraisal, AppraisalStep, Status
from app.auth.models import User
from app.extensions import db
from app.workflow import PREVIOUS


class Action(StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RETURN_TO_MEMBER = "return_to_member"
    SIGN = "sign"
    RETURN_TO_SIGNER = "return_to_signer"
    ASSESS = "assess"
    RETURN_TO_BRANCH = "return_to_branch"
    SPOT_CONFIRM = "spot_confirm"
    SPOT_ADJUST = "spot_adjust"
    VETO = "veto"
    LIFT_VETO = "lift_veto"
    CLOSE = "close"
    REOPEN = "reopen"


S = Status
_OPEN = (S.DRAFT, S.SUBMITTED, S.SIGNED, S.ASSESSED)

# (status, action) -> new status. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, Action.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, Action.WITHDRAW): S.DRAFT,  # the member takes it back before anyone signs
    (S.SUBMITTED, Action.RETURN_TO_MEMBER): S.DRAFT,
    (S.SUBMITTED, Action.SIGN): S.SIGNED,
    (S.SIGNED, Action.RETURN_TO_SIGNER): S.SUBMITTED,
    (S.SIGNED, Action.ASSESS): S.ASSESSED,
    (S.ASSESSED, Action.ASSESS): S.ASSESSED,  # the branch revises its opinion before closing
    (S.ASSESSED, Action.RETURN_TO_BRANCH): S.SIGNED,
    (S.ASSESSED, Action.SPOT_CONFIRM): S.ASSESSED,
    (S.ASSESSED, Action.SPOT_ADJUST): S.ASSESSED,
    **{(s, Action.VETO): s for s in _OPEN},
    **{(s, Action.LIFT_VETO): s for s in _OPEN},
    **{(s, Action.CLOSE): S.CLOSED for s in _OPEN},
    (S.CLOSED, Action.REOPEN): PREVIOUS,  # back to the state it was closed in
}
# Actions whose comment is required (a reason, an opinion or the facts).
NEEDS_COMMENT = {
    Action.RETURN_TO_MEMBER,
    Action.SIGN,
    Action.RETURN_TO_SIGNER,
    Action.RETURN_TO_BRANCH,
    Action.SPOT_ADJUST,
    Action.VETO,
    Action.LIFT_VETO,
    Action.REOPEN,
}
# Actions the system (closing a period) may take without a user.
SYSTEM_ACTIONS = {Action.CLOSE}


def _sampled(a: Appraisal, _actor: User | None) -> bool:
    return a.is_sampled


_NOT_SAMPLED = _l("This record was not drawn for the spot check.")
_SIGNED = _l(
    "The record has already been signed, so it can no longer be withdrawn. "
    "Ask the person who signs it to return it to you."
)


def _unsigned(a: Appraisal, _actor: User | None) -> bool:
    """Nobody has signed what was submitted: the record entered "submitted" by the member's
    own submit, not by the branch returning a signed record to its signer (one query)."""
    entered = db.session.scalar(
        select(AppraisalStep.action)
        .where(AppraisalStep.appraisal_id == a.id, AppraisalStep.to_status == S.SUBMITTED)
        .order_by(AppraisalStep.id.desc())
        .limit(1)
    )
    return entered in (None, Action.SUBMIT)


# When a listed step is offered at all; allowed_actions and apply both ask these.
GUARDS = {
    Action.VETO: (lambda a, _actor: not a.is_vetoed, _l("This record is already vetoed.")),
    Action.LIFT_VETO: (lambda a, _actor: a.is_vetoed, _l("This record is not vetoed.")),
    Action.SPOT_CONFIRM: (_sampled, _NOT_SAMPLED),
    Action.WITHDRAW: (_unsigned, _SIGNED),
    Action.SPOT_ADJUST: (_sampled, _NOT_SAMPLED),
    # Records close with their quarter (the system's step); one by one only after a reopen.
    Action.CLOSE: (
        lambda a, actor: actor is None or a.period.is_closed,
        _l("Records close with their quarter."),
    ),
}
