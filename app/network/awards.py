"""Rewards and penalties of agents (考核奖惩, plan 三.2), recorded with their reason by the
committee or a secretary over the agent's org; audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.auth.models import User
from app.common import timeutil
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db
from app.network.models import AgentAward, AwardKind
from app.orgs.models import Org
from app.policy.assessment import assessment_paths
from app.roster.models import Member


@dataclass
class AwardData:
    kind: str
    title: str
    reason: str
    decided_on: date | None
    org_id: int


def deciding_orgs(user: User, member: Member) -> list[Org]:
    """The orgs that may decide on ``member`` for ``user``: the member's org and those above
    it, inside the subtrees ``user`` assesses; the nearest first."""
    paths = assessment_paths(user)
    orgs = db.session.scalars(
        select(Org).where(Org.id.in_(member.org.ancestor_ids), Org.is_active)
    ).all()
    mine = [o for o in orgs if any(o.path.startswith(p) for p in paths)]
    return sorted(mine, key=lambda o: -len(o.path))


def award_orgs(awards: list[AgentAward]) -> dict[int, str]:
    """Org id -> name for the deciding orgs of ``awards`` (one query)."""
    ids = {a.org_id for a in awards}
    if not ids:
        return {}
    return dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(ids))).all())


def record_award(actor: User, member: Member, data: AwardData) -> AgentAward:
    """Record a reward or a penalty for ``member`` (loaded with its org). Raises
    PermissionDenied when ``actor`` may not, FieldErrors naming the field at fault. Audited
    with the kind and title (the reason stays on the record)."""
    if not policy.can(actor, "award.record", member):
        raise PermissionDenied(_l("You may not record rewards or penalties for this agent."))
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in AwardKind}:
        errors["kind"] = str(_l("Choose one from the list."))
    title = " ".join((data.title or "").split())
    if not title:
        errors["title"] = str(_l("This field is required."))
    elif len(title) > 200:
        errors["title"] = str(_l("At most %(n)d characters.", n=200))
    reason = (data.reason or "").strip()
    if not reason:
        errors["reason"] = str(_l("Give the reason."))
    today = timeutil.today()
    if data.decided_on is None:
        errors["decided_on"] = str(_l("This field is required."))
    elif not date(2000, 1, 1) <= data.decided_on <= today + timedelta(days=31):
        errors["decided_on"] = str(_l("Give a date from 2000 to next month."))
    org = next((o for o in deciding_orgs(actor, member) if o.id == data.org_id), None)
    if org is None:
        errors["org_id"] = str(_l("Choose the deciding organisation."))
    if errors:
        raise FieldErrors(errors)
    award = AgentAward(
        member_id=member.id,
        org_id=org.id,
        kind=data.kind,
        title=title,
        reason=reason[:5000],
        decided_on=data.decided_on,
        created_by_id=actor.id,
    )
    db.session.add(award)
    db.session.flush()
    audit.record(
        actor,
        "award.record",
        award,
        org_path=member.org.path,
        member_id=member.id,
        award_kind=data.kind,
        title=title,
        decided_on=data.decided_on.isoformat(),
    )
    return award
