"""Party disciplinary sanctions (党纪处分) on the roster: recording one, deleting a wrong entry,
and whether a sanction is in effect on a day.

A sanction is never edited: a wrong entry is deleted with a reason and recorded again. Each
change writes the member's history (kind and dates only) and an audit event; the sanction's
reason is sensitive and goes into neither.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, or_, select

from app import audit, policy
from app.auth.models import User
from app.common.timeutil import today
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db
from app.orgs.models import Org
from app.roster.models import Member, MemberHistory, Sanction, SanctionKind

REASON_MAX = 1000
# How long each kind stays in effect when no end date is given (our defaults; a committee may
# set others with the app config key SANCTION_EFFECT_MONTHS, e.g. {"probation": 12}).
DEFAULT_EFFECT_MONTHS: dict[str, int] = {
    SanctionKind.WARNING: 12,
    SanctionKind.SERIOUS_WARNING: 18,
    SanctionKind.REMOVAL_FROM_POST: 24,
    SanctionKind.PROBATION: 24,
}


def effect_months() -> dict[str, int]:
    """Months in effect by kind: the defaults, with the configured SANCTION_EFFECT_MONTHS over
    them (a kind the setting leaves out keeps its default)."""
    months = dict(DEFAULT_EFFECT_MONTHS)
    configured = current_app.config.get("SANCTION_EFFECT_MONTHS") if has_app_context() else None
    for kind, n in (configured or {}).items():
        if kind in months and isinstance(n, int) and n > 0:
            months[str(kind)] = n
    return months


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks becomes its last day."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def default_end(kind: str, decided_on: date) -> date:
    """The last day a sanction of ``kind`` decided on ``decided_on`` is in effect: the day
    before the same date the kind's number of months later."""
    return add_months(decided_on, effect_months()[kind]) - timedelta(days=1)


def in_effect(sanction: Sanction, on: date) -> bool:
    """Whether ``sanction`` is in effect on the day ``on`` (its end date included)."""
    if sanction.decided_on > on:
        return False
    return sanction.ends_on is None or on <= sanction.ends_on


def in_effect_on(on: date) -> ColumnElement[bool]:
    """The same test as ``in_effect`` as a SQL condition on ``Sanction``, for queries that
    exclude members under discipline without loading the sanctions."""
    return and_(Sanction.decided_on <= on, or_(Sanction.ends_on.is_(None), Sanction.ends_on >= on))


def sanctions_of(member: Member) -> list[Sanction]:
    """The member's sanctions, the latest decision first. The caller checks
    ``roster.view_sanctions`` (and ``roster.view_sanction_reason`` before showing a reason)."""
    return list(
        db.session.scalars(
            select(Sanction)
            .where(Sanction.member_id == member.id)
            .order_by(Sanction.decided_on.desc(), Sanction.id.desc())
        )
    )


@dataclass(frozen=True)
class SanctionRow:
    """One line of the member page's list: the sanction and whether it is in effect today."""

    sanction: Sanction
    is_in_effect: bool


def sanction_rows(member: Member, on: date | None = None) -> list[SanctionRow]:
    on = on or today()
    return [SanctionRow(s, in_effect(s, on)) for s in sanctions_of(member)]


def record_sanction(
    actor: User | None,
    member: Member,
    kind: str | None,
    decided_on: date | None,
    ends_on: date | None,
    reason: str | None,
) -> Sanction:
    """Record a sanction on ``member``. An empty ``ends_on`` takes the kind's default period.

    Who may call: a branch secretary or the committee over the member's org, not on their own
    record (``actor`` None is the system: the demo and tests). Writes the history and the audit
    (kind and dates, never the reason). Raises FieldErrors naming each field at fault
    (kind, decided_on, ends_on, reason), PermissionDenied otherwise.
    """
    if actor is not None and not policy.can(actor, "roster.sanction", member):
        raise PermissionDenied(_l("You may not record sanctions for this member."))
    errors: dict[str, str] = {}
    if kind not in set(SanctionKind):
        errors["kind"] = str(_l("Choose the kind of sanction."))
    if decided_on is None:
        errors["decided_on"] = str(_l("Give the date of the decision."))
    elif decided_on > today():
        errors["decided_on"] = str(_l("The date of the decision cannot be in the future."))
    if ends_on is not None and decided_on is not None and ends_on < decided_on:
        errors["ends_on"] = str(_l("The sanction cannot end before it was decided."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        errors["reason"] = str(_l("At most %(n)d characters.", n=REASON_MAX))
    if errors:
        raise FieldErrors(errors)
    assert kind is not None and decided_on is not None  # checked above
    sanction = Sanction(
        member_id=member.id,
        kind=kind,
        decided_on=decided_on,
        ends_on=ends_on or default_end(kind, decided_on),
        reason=reason,
        recorded_by_id=getattr(actor, "id", None),
    )
    db.session.add(sanction)
    db.session.flush()
    _history(actor, member, "sanction", [None, kind], effective_on=decided_on)
    audit.record(
        actor,
        "member.sanction",
        member,
        org_path=_org_path(member),
        sanction_kind=kind,
        decided_on=decided_on.isoformat(),
        ends_on=sanction.ends_on.isoformat() if sanction.ends_on else None,
    )
    return sanction


def delete_sanction(actor: User, sanction: Sanction, member: Member, why: str | None) -> None:
    """Delete a sanction recorded in error, giving the reason for deleting it.

    Who may call: whoever may record sanctions for the member. Writes the history and the audit
    (the kind, the decision date and the reason for deleting; never the sanction's reason).
    Raises FieldErrors on ``reason`` when no reason for deleting is given.
    """
    if sanction.member_id != member.id or not policy.can(actor, "roster.sanction", member):
        raise PermissionDenied(_l("You may not record sanctions for this member."))
    why = " ".join((why or "").split())[:200]
    if len(why) < 2:
        raise FieldErrors({"reason": str(_l("Say why this entry is wrong."))})
    _history(actor, member, "sanction_delete", [sanction.kind, None], effective_on=None)
    audit.record(
        actor,
        "member.sanction_delete",
        member,
        org_path=_org_path(member),
        sanction_kind=sanction.kind,
        decided_on=sanction.decided_on.isoformat(),
        delete_reason=why,
    )
    db.session.delete(sanction)
    db.session.flush()


def _org_path(member: Member) -> str:
    org = db.session.get(Org, member.org_id)
    return org.path if org else ""


def _history(
    actor: User | None,
    member: Member,
    kind: str,
    change: list[str | None],
    *,
    effective_on: date | None,
) -> None:
    """The member's dated history names the kind of sanction, never its reason (the history
    is shown to everyone who sees the member)."""
    db.session.add(
        MemberHistory(
            member_id=member.id,
            actor_id=getattr(actor, "id", None),
            actor_name=getattr(actor, "username", ""),
            kind=kind,
            effective_on=effective_on,
            changes={"sanction": change},
        )
    )
