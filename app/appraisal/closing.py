"""Closing an appraisal quarter: the preview of what closing now would do (the unfinished
records per branch and state, those still within their step's deadline, and whether the
APPRAISAL_EARLY_CLOSE rule refuses or asks for a reason), and ``close_period``, which makes
every record of the quarter read-only through the workflow's system step and audits it.
Opening a quarter and adding its missing records stay in app/appraisal/periods.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import audit, policy
from app.appraisal.models import Appraisal, AppraisalPeriod, Status
from app.appraisal.rollup import BranchCounts, unfinished_by_branch
from app.appraisal.workflow import Action, apply
from app.auth.models import User
from app.common import timeutil
from app.common.locks import hold_row
from app.common.timeutil import utcnow
from app.errors import Conflict, FieldErrors, PermissionDenied
from app.extensions import db

# The deadline each unfinished state waits on: a draft the self-record's, a submitted record
# the sign-off's, a signed one the branch opinion's.
STEP_DUE = {
    Status.DRAFT.value: "self_due",
    Status.SUBMITTED.value: "sign_due",
    Status.SIGNED.value: "opinion_due",
}
EARLY_CLOSE_MODES = ("refuse", "reason")


@dataclass
class Running:
    """Unfinished records of one state whose step's deadline has not passed yet."""

    status: str
    count: int
    due: date


@dataclass
class ClosePreview:
    """What closing the quarter now would do: the unfinished records per branch and per
    state, those still within their step's deadline, and what the rule then asks."""

    branches: list[BranchCounts]
    unfinished: dict[str, int]
    running: list[Running]
    mode: str  # APPRAISAL_EARLY_CLOSE: "refuse" or "reason"

    @property
    def total(self) -> int:
        return sum(self.unfinished.values())

    @property
    def refused(self) -> bool:
        """Closing is refused now: records are unfinished within their deadline."""
        return self.mode == "refuse" and bool(self.running)

    @property
    def needs_reason(self) -> bool:
        return self.total > 0

    @property
    def opens_on(self) -> date | None:
        """The first day closing is no longer refused for the deadlines (the day after the
        last deadline still running), if it is refused now."""
        if not self.running:
            return None
        return max(r.due for r in self.running) + timedelta(days=1)


def close_preview(period: AppraisalPeriod, today: date | None = None) -> ClosePreview:
    """The unfinished records of ``period`` per branch and state and the deadlines they still
    have (as of ``today``, in the configured zone): four queries."""
    today = today or timeutil.today()
    branches = unfinished_by_branch(period)
    unfinished: dict[str, int] = {}
    for row in branches:
        for status, n in row.unfinished.items():
            unfinished[status] = unfinished.get(status, 0) + n
    running = [
        Running(status, n, getattr(period, STEP_DUE[status]))
        for status, n in unfinished.items()
        if getattr(period, STEP_DUE[status]) >= today
    ]
    mode = current_app.config.get("APPRAISAL_EARLY_CLOSE", "refuse")
    if mode not in EARLY_CLOSE_MODES:
        mode = "refuse"
    return ClosePreview(branches, unfinished, running, mode)


def close_period(actor: User, period: AppraisalPeriod, reason: str = "") -> int:
    """The committee closes the quarter: every record becomes read-only. Returns how many.

    With records still unfinished (drafts, awaiting sign-off or the branch opinion) the
    committee must say why it closes anyway: ``reason`` is then required (FieldErrors on
    ``reason``). While some of them are still within their step's deadline, closing is
    refused (Conflict) unless APPRAISAL_EARLY_CLOSE is "reason", which lets the reason
    stand for that too. Who closed, the reason and the unfinished counts stay on the period
    and go into the audit event. Raises PermissionDenied, Conflict when already closed."""
    if not policy.can(actor, "appraisal.manage_periods", period.org):
        raise PermissionDenied(_l("Only the party committee closes appraisal periods."))
    hold_row(AppraisalPeriod, period.id)  # two committee members closing at once: one by one
    db.session.refresh(period, ["is_closed", "version"])
    if period.is_closed:
        raise Conflict(_l("The period is already closed."))
    preview = close_preview(period)
    if preview.refused:
        raise Conflict(
            _l(
                "Some unfinished records are still within their deadline: the quarter can "
                "close from %(d)s, or as soon as they are finished.",
                d=preview.opens_on.isoformat(),
            )
        )
    unfinished = preview.unfinished
    reason = " ".join((reason or "").split())[:2000]
    if unfinished and len(reason) < 2:
        raise FieldErrors(
            {"reason": str(_l("Some records are unfinished: write why the quarter closes now."))}
        )
    records = list(
        db.session.scalars(
            select(Appraisal)
            .where(Appraisal.period_id == period.id, Appraisal.status != Status.CLOSED)
            .options(joinedload(Appraisal.org), joinedload(Appraisal.member))
        )
    )
    for a in records:
        a.period = period
        apply(a, Action.CLOSE, None, expected_version=None)
    period.is_closed = True
    period.closed_at = utcnow()
    period.closed_by_id = actor.id
    period.close_reason = reason if unfinished else ""
    period.closed_unfinished = unfinished or None
    audit.record(
        actor,
        "appraisal.close_period",
        period.org,
        records=len(records),
        year=period.year,
        quarter=period.quarter,
        unfinished=unfinished,
        reason=reason,
    )
    return len(records)
