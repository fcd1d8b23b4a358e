"""Catalogue, profile and designation rules; the queries that gather match candidates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app import audit, policy
from app.auth.models import User
from app.errors import FieldErrors, PermissionDenied, StaleRecord, ValidationError
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.roster.models import Member, Skill
from app.roster.services import resolve_skills
from app.volunteers.matching import Candidate, Match, Need, rank
from app.volunteers.models import (
    CATEGORIES,
    HANDLING,
    LEVELS,
    WEEKDAYS,
    ItemAgent,
    ProfileSkill,
    ServiceItem,
    VolunteerProfile,
)

# --- catalogue ------------------------------------------------------------------------------


def _clean_item(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    out = {
        "name": " ".join(str(data.get("name") or "").split())[:100],
        "category": data.get("category") or "",
        "level": data.get("level") or "",
        "handling": data.get("handling") or "direct",
        "materials": str(data.get("materials") or "").strip()[:3000],
        "steps": str(data.get("steps") or "").strip()[:3000],
        "legal_basis": " ".join(str(data.get("legal_basis") or "").split())[:300],
        "notes": str(data.get("notes") or "").strip()[:3000],
        "is_published": bool(data.get("is_published")),
    }
    if not out["name"]:
        errors["name"] = str(_l("This field is required."))
    for key, allowed in (("category", CATEGORIES), ("level", LEVELS), ("handling", HANDLING)):
        if out[key] not in allowed:
            errors[key] = str(_l("Choose one from the list."))
    try:
        days = int(data.get("promised_days") or 0)
        if not 0 <= days <= 365:
            raise ValueError
        out["promised_days"] = days
    except (TypeError, ValueError):
        errors["promised_days"] = str(_l("Enter a number of working days from 0 to 365."))
    if out["handling"] == "direct" and out.get("promised_days", 0) > 1:
        errors["promised_days"] = str(_l("An item handled on the spot takes at most 1 day."))
    skills = data.get("skills") or ""
    if isinstance(skills, str):
        import re

        skills = [s for s in re.split(r"[,，、;；\s]+", skills) if s]
    out["skills"] = sorted({" ".join(s.split())[:40] for s in skills})
    return out, errors


def save_item(
    actor: User | None, org: Org, data: dict[str, Any], *, item: ServiceItem | None = None,
    expected_version: int | None = None,
) -> ServiceItem:  # fmt: skip
    """Create or edit a catalogue item maintained by ``org``. Audited."""
    if actor is not None and not policy.can(actor, "volunteers.catalogue_edit", org):
        raise PermissionDenied(_l("You may not edit this catalogue."))
    if item is not None and expected_version is not None and item.version != expected_version:
        raise StaleRecord()
    clean, errors = _clean_item(data)
    clash = db.session.scalar(
        select(ServiceItem.id).where(
            ServiceItem.org_id == org.id, ServiceItem.name == clean["name"]
        )
    )
    if clash is not None and (item is None or clash != item.id):
        errors["name"] = str(_l("The catalogue already has an item with this name."))
    if errors:
        raise FieldErrors(errors)
    skills = resolve_skills(clean.pop("skills"))
    if item is None:
        item = ServiceItem(org_id=org.id)
        db.session.add(item)
    for k, v in clean.items():
        setattr(item, k, v)
    item.skills = skills
    db.session.flush()
    audit.record(actor, "volunteers.item_save", item, org_path=org.path,
                 published=item.is_published)  # fmt: skip
    return item


@dataclass
class ItemFilters:
    q: str = ""
    category: str = ""
    level: str = ""
    published: str = ""


def _items_stmt(user: User):
    """The catalogue the user reaches: their orgs' items and those of the levels above."""
    return select(ServiceItem).where(
        policy.reach(ServiceItem.org_id, user, policy.reach_roles("volunteers.read"))
    )


def get_item(user: User, item_id: int) -> ServiceItem | None:
    return db.session.scalar(_items_stmt(user).where(ServiceItem.id == item_id))


def list_items(user: User, f: ItemFilters) -> list[ServiceItem]:
    stmt = _items_stmt(user).options(selectinload(ServiceItem.skills))
    if f.q:
        stmt = stmt.where(ServiceItem.name.contains(f.q.strip()[:40], autoescape=True))
    if f.category in CATEGORIES:
        stmt = stmt.where(ServiceItem.category == f.category)
    if f.level in LEVELS:
        stmt = stmt.where(ServiceItem.level == f.level)
    if f.published in ("1", "0"):
        stmt = stmt.where(ServiceItem.is_published.is_(f.published == "1"))
    return list(db.session.scalars(stmt.order_by(ServiceItem.level, ServiceItem.category,
                                                 ServiceItem.name)))  # fmt: skip


def _published_stmt():
    return (
        select(ServiceItem)
        .join(Org, Org.id == ServiceItem.org_id)
        .where(ServiceItem.is_published, Org.is_active)  # a closed org's items are withdrawn
    )


def published_catalogue() -> list[ServiceItem]:
    """Every published item for the public guide, nearest level first (village room, township
    station, district centre)."""
    items = db.session.scalars(_published_stmt().order_by(ServiceItem.category, ServiceItem.name))
    return sorted(items, key=lambda i: LEVELS.index(i.level))


def published_item(item_id: int) -> ServiceItem | None:
    return db.session.scalar(_published_stmt().where(ServiceItem.id == item_id))


def public_points() -> list[ServicePoint]:
    points = db.session.scalars(
        select(ServicePoint).where(ServicePoint.is_active).order_by(ServicePoint.name)
    )
    return sorted(points, key=lambda p: LEVELS.index(p.level))


# --- profiles -------------------------------------------------------------------------------


def profile_of(member: Member) -> VolunteerProfile | None:
    return db.session.scalar(
        select(VolunteerProfile)
        .where(VolunteerProfile.member_id == member.id)
        .options(selectinload(VolunteerProfile.skills))
    )


def save_profile(actor: User, member: Member, data: dict[str, Any]) -> VolunteerProfile:
    """The member (or a secretary in scope) saves the profile. Skills declared by the member
    need a secretary's confirmation before they count; a secretary's entries count at once."""
    if not policy.can(actor, "volunteers.profile_edit", member):
        raise PermissionDenied(_l("You may not edit this profile."))
    errors: dict[str, str] = {}
    categories = [c for c in data.get("categories") or [] if c in CATEGORIES]
    availability = [d for d in WEEKDAYS if d in (data.get("availability") or [])]
    try:
        max_cases = int(data.get("max_cases") or 0)
        if not 0 <= max_cases <= 50:
            raise ValueError
    except (TypeError, ValueError):
        errors["max_cases"] = str(_l("Enter a number from 0 to 50."))
        max_cases = 0
    sp_id = data.get("service_point_id") or None
    if sp_id:
        sp = db.session.get(ServicePoint, sp_id)
        if sp is None or not sp.is_active:
            errors["service_point_id"] = str(_l("Choose an active service point."))
        elif not (
            policy.can(actor, "service_point.view", sp) or member.org.path.startswith(sp.org.path)
        ):
            # The branch's own points, or for a member the points above their own org.
            errors["service_point_id"] = str(_l("This service point is outside your scope."))
    skill_levels: dict[str, int] = {}
    for name, level in data.get("skills") or []:
        name = " ".join(str(name).split())[:40]
        if not name:
            continue
        try:
            skill_levels[name] = min(3, max(1, int(level or 1)))
        except (TypeError, ValueError):
            errors["skills"] = str(_l("Choose a level for each skill."))
    confirms = policy.can(actor, "volunteers.confirm_skill", member)
    if not confirms and skill_levels:
        # A member picks from the shared vocabulary; the branch adds new specialties.
        known = set(db.session.scalars(select(Skill.name).where(Skill.name.in_(skill_levels))))
        unknown = sorted(set(skill_levels) - known)
        if unknown:
            errors["skills"] = str(_l("Not in the list of specialties: %(items)s. Ask your branch "
                                      "to add it.", items="、".join(unknown)))  # fmt: skip
    if errors:
        raise FieldErrors(errors)
    profile = profile_of(member)
    if profile is None:
        profile = VolunteerProfile(member_id=member.id)
        db.session.add(profile)
    profile.categories = categories
    profile.availability = availability
    profile.max_cases = max_cases
    profile.service_point_id = sp_id
    profile.note = " ".join(str(data.get("note") or "").split())[:300]
    existing = {ps.skill.name: ps for ps in profile.skills}
    skills = {s.name: s for s in resolve_skills(sorted(skill_levels))}
    kept = []
    for name, level in skill_levels.items():
        ps = existing.get(name)
        if ps is None:
            ps = ProfileSkill(skill=skills[name], level=level)
        elif ps.level != level:
            ps.level = level
            ps.is_confirmed = False  # a changed level is checked again
        if confirms:
            ps.is_confirmed, ps.confirmed_by_id = True, actor.id
        kept.append(ps)
    profile.skills = kept
    db.session.flush()
    audit.record(actor, "volunteers.profile_save", member, org_path=None, member_id=member.id)
    return profile


def confirm_skill(actor: User, member: Member, profile_skill_id: int) -> None:
    if not policy.can(actor, "volunteers.confirm_skill", member):
        raise PermissionDenied(_l("Only the branch confirms a declared skill."))
    ps = db.session.get(ProfileSkill, profile_skill_id)
    profile = profile_of(member)
    if ps is None or profile is None or ps.profile_id != profile.id:
        raise ValidationError(_l("Choose a skill from the profile."))
    ps.is_confirmed, ps.confirmed_by_id = True, actor.id
    audit.record(actor, "volunteers.skill_confirm", member, skill=ps.skill.name)


# --- matching ---------------------------------------------------------------------------------


def _area_of(sp: ServicePoint | None, orgs: dict[int, Org]) -> int | None:
    """The township a service point belongs to: a village room's parent org; a station's (or
    the centre's) own org."""
    if sp is None:
        return None
    if sp.level == "village":
        org = orgs.get(sp.org_id)
        return org.parent_id if org is not None and org.parent_id else sp.org_id
    return sp.org_id


def candidates(user: User) -> list[Candidate]:
    """Active volunteer profiles of members in the user's scope, as matcher candidates.

    Open load counts the items a member is designated for until service cases exist."""
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
    stmt = stmt.where(VolunteerProfile.member_id.in_(policy.scope(select(Member.id), user, Member)))
    profiles = list(db.session.scalars(stmt).unique())
    loads = dict(
        db.session.execute(
            select(ItemAgent.member_id, func.count()).group_by(ItemAgent.member_id)
        ).all()
    )
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


def match_item(user: User, item: ServiceItem, sp: ServicePoint | None, *,
               weekday: str | None = None, limit: int = 10) -> list[Match]:  # fmt: skip
    # Everyone in scope is scored: someone without the skill who is willing, free and next
    # door can outrank a distant, overloaded holder. (SkillIndex is for ranking many needs
    # among holders only; see bench/matching.py.)
    return rank(need_for(item, sp, weekday), candidates(user), limit)


def items_for_member(user: User, member: Member, limit: int = 8) -> list[tuple[ServiceItem, Match]]:
    """The reverse of matching: the catalogue items this member fits best."""
    from app.volunteers.matching import needs_for

    me = next((c for c in candidates(user) if c.member_id == member.id), None)
    if me is None:
        return []
    items = {i.id: i for i in list_items(user, ItemFilters())}  # the whole reachable catalogue
    needs = {i.id: need_for(i, None) for i in items.values()}
    return [(items[item_id], m) for item_id, m in needs_for(me, needs, limit)]


def designations(item: ServiceItem) -> list[ItemAgent]:
    return list(
        db.session.scalars(
            select(ItemAgent).where(ItemAgent.item_id == item.id).order_by(
                ItemAgent.service_point_id, ItemAgent.role)
        )
    )  # fmt: skip


def designate(actor: User, item: ServiceItem, sp: ServicePoint, member: Member, role: str,
              *, confirm: bool = False) -> list[str]:  # fmt: skip
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
    other = slots.get("backup" if role == "primary" else "primary")
    warnings = []
    if other is not None and other.member_id == member.id:
        raise ValidationError(_l("The primary and the backup must be different people."))
    if other is None:
        missing = _l("backup") if role == "primary" else _l("primary")
        warnings.append(str(_l("This item has no %(role)s agent here yet.", role=missing)))
    current = slots.get(role)
    load = db.session.scalar(select(func.count()).where(ItemAgent.member_id == member.id)) or 0
    if current is not None and current.member_id == member.id:
        load -= 1  # re-designating the same person adds nothing
    if load + 1 > profile.max_cases:
        warnings.append(str(_l("%(name)s would take %(n)d items, over the maximum of %(m)d.",
                               name=member.name, n=load + 1, m=profile.max_cases)))  # fmt: skip
    if warnings and not confirm:
        return warnings
    if current is not None:
        db.session.delete(current)
        db.session.flush()
    db.session.add(ItemAgent(item_id=item.id, service_point_id=sp.id, member_id=member.id,
                             role=role, confirmed_by_id=actor.id))  # fmt: skip
    db.session.flush()
    audit.record(actor, "volunteers.designate", item, org_path=sp.org.path, role=role,
                 member_id=member.id, service_point=sp.name)  # fmt: skip
    return []
