"""The agent team and the A/B designation: gathering match candidates in scope, ranking them
for an item (or items for a member), filtering the team list, designating agents."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app import audit, policy
from app.auth.models import User
from app.cases import stats
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.services import scoped_service_points
from app.orgs.tree import in_subtrees
from app.roster.models import Member
from app.volunteers.matching import Candidate, Match, Need, needs_for, rank
from app.volunteers.models import (
    CATEGORIES,
    WEEKDAYS,
    ItemAgent,
    ServiceItem,
    VolunteerProfile,
)
from app.volunteers.profiles import profile_of
from app.volunteers.services import ItemFilters, list_items


def _area_of(sp: ServicePoint | None, orgs: dict[int, Org]) -> int | None:
    """The township a service point belongs to: a village room's parent org; a station's (or
    the centre's) own org."""
    if sp is None:
        return None
    if sp.level == "village":
        org = orgs.get(sp.org_id)
        return org.parent_id if org is not None and org.parent_id else sp.org_id
    return sp.org_id


def _readable(user: User, stmt):
    """``stmt`` (over Member) narrowed to the members whose profile ``user`` may open."""
    readable = or_(
        in_subtrees(Member.org_id, policy.subtrees(user, "volunteers.read")),
        Member.user_id == user.id,
    )
    return policy.scope(stmt, user, Member).where(readable)


def candidates(user: User) -> list[Candidate]:
    """Active volunteer profiles of members whose profile the user may open, as matcher
    candidates (so every candidate shown links to a page the user may see).

    Open load is the open cases each holds; satisfaction comes from their cases' ratings (one
    grouped query each, whatever the number of candidates)."""
    stmt = (
        select(VolunteerProfile)
        .join(Member, Member.id == VolunteerProfile.member_id)
        .where(VolunteerProfile.is_active, Member.party_status.in_(("normal", "restored")))
        .options(
            selectinload(VolunteerProfile.skills),
            joinedload(VolunteerProfile.member),
            joinedload(VolunteerProfile.service_point),
        )
    )
    in_scope = _readable(user, select(Member.id))
    stmt = stmt.where(VolunteerProfile.member_id.in_(in_scope))
    profiles = list(db.session.scalars(stmt).unique())
    loads = stats.open_loads(in_scope)
    rated = stats.satisfaction(in_scope)
    orgs = {o.id: o for o in db.session.scalars(select(Org))}
    return [
        Candidate(
            member_id=p.member_id,
            name=p.member.name,
            skills={ps.skill_id: ps.level for ps in p.skills if ps.is_confirmed},
            categories=frozenset(p.categories or []),
            availability=frozenset(p.availability or []),
            open_cases=loads.get(p.member_id, 0),
            max_cases=p.max_cases,
            satisfaction=rated.get(p.member_id),
            service_point_id=p.service_point_id,
            area_id=_area_of(p.service_point, orgs),
        )
        for p in profiles
    ]


def need_for(item: ServiceItem, sp: ServicePoint | None, weekday: str | None = None) -> Need:
    orgs = {o.id: o for o in db.session.scalars(select(Org))} if sp is not None else {}
    return Need(
        skill_ids=frozenset(s.id for s in item.skills),
        category=item.category,
        weekday=weekday,
        service_point_id=sp.id if sp else None,
        area_id=_area_of(sp, orgs),
    )


def match_item(
    user: User,
    item: ServiceItem,
    sp: ServicePoint | None,
    *,
    weekday: str | None = None,
    limit: int = 10,
) -> list[Match]:
    # Everyone in scope is scored: someone without the skill who is willing, free and next
    # door can outrank a distant, overloaded holder. (SkillIndex is for ranking many needs
    # among holders only; see bench/matching.py.)
    return rank(need_for(item, sp, weekday), candidates(user), limit)


def items_for_member(user: User, member: Member, limit: int = 8) -> list[tuple[ServiceItem, Match]]:
    """The reverse of matching: the catalogue items this member fits best."""
    me = next((c for c in candidates(user) if c.member_id == member.id), None)
    if me is None:
        return []
    items = {i.id: i for i in list_items(user, ItemFilters())}  # the whole reachable catalogue
    needs = {i.id: need_for(i, None) for i in items.values()}
    return [(items[item_id], m) for item_id, m in needs_for(me, needs, limit)]


def designations(item: ServiceItem) -> list[ItemAgent]:
    return list(
        db.session.scalars(
            select(ItemAgent)
            .where(ItemAgent.item_id == item.id)
            .order_by(ItemAgent.service_point_id, ItemAgent.role)
        )
    )


def designate(
    actor: User,
    item: ServiceItem,
    sp: ServicePoint,
    member: Member,
    role: str,
    *,
    confirm: bool = False,
) -> list[str]:
    """Designate ``member`` as the primary or backup agent for ``item`` at ``sp`` (AB 岗).

    Returns warnings (no backup yet, the agent over their load) without saving unless
    ``confirm`` is set or there is nothing to warn about."""
    if not policy.can(actor, "volunteers.designate", sp):
        raise PermissionDenied(_l("You may not designate agents at this service point."))
    if role not in ("primary", "backup"):
        raise ValidationError(_l("Choose primary or backup."))
    profile = profile_of(member)
    if profile is None or not profile.is_active:
        raise ValidationError(_l("This member has no active volunteer profile."))
    slots = {a.role: a for a in designations(item) if a.service_point_id == sp.id}
    current = slots.get(role)
    warnings = _designation_warnings(member, profile, role, slots)
    if warnings and not confirm:
        return warnings
    if current is not None:
        db.session.delete(current)
        db.session.flush()
    db.session.add(
        ItemAgent(
            item_id=item.id,
            service_point_id=sp.id,
            member_id=member.id,
            role=role,
            confirmed_by_id=actor.id,
        )
    )
    db.session.flush()
    audit.record(
        actor,
        "volunteers.designate",
        item,
        org_path=sp.org.path,
        role=role,
        member_id=member.id,
        service_point=sp.name,
    )
    return []


def _designation_warnings(member: Member, profile, role: str, slots: dict) -> list[str]:
    """What to confirm before designating: no partner (A without B) yet, or the agent over
    their most cases at once. Raises ValidationError when A and B would be the same person."""
    other = slots.get("backup" if role == "primary" else "primary")
    if other is not None and other.member_id == member.id:
        raise ValidationError(_l("The primary and the backup must be different people."))
    warnings = []
    if other is None:
        missing = _l("backup") if role == "primary" else _l("primary")
        warnings.append(str(_l("This item has no %(role)s agent here yet.", role=missing)))
    load = db.session.scalar(select(func.count()).where(ItemAgent.member_id == member.id)) or 0
    current = slots.get(role)
    if current is not None and current.member_id == member.id:
        load -= 1  # re-designating the same person adds nothing
    if load + 1 > profile.max_cases:
        warnings.append(
            str(
                _l(
                    "%(name)s would take %(n)d items, over the maximum of %(m)d.",
                    name=member.name,
                    n=load + 1,
                    m=profile.max_cases,
                )
            )
        )
    return warnings


# --- pages ------------------------------------------------------------------------------------


@dataclass
class TeamFilters:
    skill_id: int = 0
    category: str = ""
    weekday: str = ""
    free: bool = False


def team(user: User, f: TeamFilters, limit: int = 500) -> tuple[list[Candidate], int]:
    """The agent team in scope, filtered, least loaded first: (the first ``limit``, total)."""
    rows = candidates(user)
    if f.skill_id:
        rows = [c for c in rows if f.skill_id in c.skills]
    if f.category in CATEGORIES:
        rows = [c for c in rows if f.category in c.categories]
    if f.weekday in WEEKDAYS:
        rows = [c for c in rows if f.weekday in c.availability]
    if f.free:
        rows = [c for c in rows if c.open_cases < c.max_cases]
    rows.sort(key=lambda c: (c.open_cases / max(c.max_cases, 1), c.name))
    return rows[:limit], len(rows)


def item_points(user: User, item: ServiceItem) -> list[ServicePoint]:
    """The active service points in scope at the item's level: where it can be designated."""
    points = scoped_service_points(user, active_only=True)
    return [sp for sp in points if sp.level == item.level]


def designation_point(user: User, item: ServiceItem, service_point_id: int | None) -> ServicePoint:
    """The point asked for, if in scope and of the item's level; NotFound otherwise (never
    designate at another point than the one asked for)."""
    sp = next((p for p in item_points(user, item) if p.id == service_point_id), None)
    if sp is None:
        raise NotFound(_l("No such service point in your scope."))
    return sp


@dataclass
class ItemPage:
    """What the item page shows: the points, the one chosen, the ranked candidates and the
    agents designated at the points in scope."""

    points: list[ServicePoint]
    sp: ServicePoint | None
    matches: list[Match]
    designations: list[ItemAgent]
    names: dict[int, str] = field(default_factory=dict)
    point_names: dict[int, str] = field(default_factory=dict)

    @property
    def holders(self) -> dict[str, tuple[int, str]]:
        """Who holds each post (primary, backup) at the chosen point: (member id, name), so
        that a designation replacing them names whom it replaces before it is made."""
        if self.sp is None:
            return {}
        return {
            d.role: (
                d.member_id,
                self.names.get(d.member_id) or str(_l("a member outside your scope")),
            )
            for d in self.designations
            if d.service_point_id == self.sp.id
        }


def item_page(
    user: User, item: ServiceItem, service_point_id: int | None, weekday: str | None
) -> ItemPage:
    points = item_points(user, item)
    sp = next((p for p in points if p.id == service_point_id), points[0] if points else None)
    weekday = weekday if weekday in WEEKDAYS else None
    point_names = {p.id: p.name for p in points}
    people = candidates(user)
    designated = [d for d in designations(item) if d.service_point_id in point_names]
    # A designation at a point in one's scope may name a member of another branch (the
    # committee designates across branches): their name only where one reaches them.
    ids = {d.member_id for d in designated}
    names = (
        dict(
            db.session.execute(
                _readable(user, select(Member.id, Member.name)).where(Member.id.in_(ids))
            ).all()
        )
        if ids
        else {}
    )
    return ItemPage(
        points=points,
        sp=sp,
        matches=rank(need_for(item, sp, weekday), people, 10) if sp else [],
        designations=designated,
        names={**names, **{c.member_id: c.name for c in people}},
        point_names=point_names,
    )
