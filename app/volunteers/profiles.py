"""Volunteer profiles: what a member offers (skills with levels, willing categories, days,
load, service point), saved by the member or their branch; declared skills confirmed."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit, policy
from app.auth.models import User
from app.errors import FieldErrors, PermissionDenied, ValidationError
from app.extensions import db
from app.orgs.models import ServicePoint
from app.orgs.services import scoped_service_points
from app.roster.models import Member, Skill
from app.roster.skills import resolve_skills
from app.volunteers.models import CATEGORIES, WEEKDAYS, ProfileSkill, VolunteerProfile


def profile_of(member: Member) -> VolunteerProfile | None:
    return db.session.scalar(
        select(VolunteerProfile)
        .where(VolunteerProfile.member_id == member.id)
        .options(selectinload(VolunteerProfile.skills))
    )


def _may_serve_at(actor: User, member: Member, sp: ServicePoint) -> bool:
    # The branch's own points, or for a member the points above their own org.
    return policy.can(actor, "service_point.view", sp) or member.org.is_within(sp.org)


def service_point_choices(actor: User, member: Member) -> list[ServicePoint]:
    """The active service points ``actor`` may name in ``member``'s profile."""
    points = {sp.id: sp for sp in scoped_service_points(actor, active_only=True)}
    above = select(ServicePoint).where(
        ServicePoint.is_active, ServicePoint.org_id.in_(member.org.ancestor_ids)
    )
    for sp in db.session.scalars(above):
        points.setdefault(sp.id, sp)
    return sorted(points.values(), key=lambda sp: (sp.level, sp.name))


def _check_max_cases(value: Any, errors: dict[str, str]) -> int:
    try:
        max_cases = int(value or 0)
    except (TypeError, ValueError):
        max_cases = -1
    if not 0 <= max_cases <= 50:
        errors["max_cases"] = str(_l("Enter a number from 0 to 50."))
        return 0
    return max_cases


def _check_service_point(actor: User, member: Member, sp_id: Any, errors: dict[str, str]):
    if not sp_id:
        return None
    sp = db.session.get(ServicePoint, sp_id)
    if sp is None or not sp.is_active:
        errors["service_point_id"] = str(_l("Choose an active service point."))
    elif not _may_serve_at(actor, member, sp):
        errors["service_point_id"] = str(_l("This service point is outside your scope."))
    else:
        return sp.id
    return None


def _check_skills(actor: User, member: Member, rows, errors: dict[str, str]) -> dict[str, int]:
    """Skill name -> level 1..3. A member picks from the shared vocabulary; the branch may add
    new specialties."""
    levels: dict[str, int] = {}
    for name, level in rows or []:
        name = " ".join(str(name).split())[:40]
        if not name:
            continue
        try:
            levels[name] = min(3, max(1, int(level or 1)))
        except (TypeError, ValueError):
            errors["skills"] = str(_l("Choose a level for each skill."))
    if levels and not policy.can(actor, "volunteers.confirm_skill", member):
        known = set(db.session.scalars(select(Skill.name).where(Skill.name.in_(levels))))
        unknown = sorted(set(levels) - known)
        if unknown:
            errors["skills"] = str(
                _l(
                    "Not in the list of specialties: %(items)s. Ask your branch to add it.",
                    items="、".join(unknown),
                )
            )
    return levels


def _set_skills(actor: User, member: Member, profile: VolunteerProfile, levels: dict[str, int]):
    """Keep, add or re-level the profile's skills. A changed level needs confirming again; a
    secretary's entries count at once."""
    confirms = policy.can(actor, "volunteers.confirm_skill", member)
    existing = {ps.skill.name: ps for ps in profile.skills}
    skills = {s.name: s for s in resolve_skills(sorted(levels))}
    kept = []
    for name, level in levels.items():
        ps = existing.get(name)
        if ps is None:
            ps = ProfileSkill(skill=skills[name], level=level)
        elif ps.level != level:
            ps.level = level
            ps.is_confirmed = False
        if confirms:
            ps.is_confirmed, ps.confirmed_by_id = True, actor.id
        kept.append(ps)
    profile.skills = kept


def save_profile(actor: User, member: Member, data: dict[str, Any]) -> VolunteerProfile:
    """The member (or a secretary in scope) saves the profile. Skills declared by the member
    need a secretary's confirmation before they count; a secretary's entries count at once.
    Raises PermissionDenied, or FieldErrors naming the fields at fault. Audited."""
    if not policy.can(actor, "volunteers.profile_edit", member):
        raise PermissionDenied(_l("You may not edit this profile."))
    errors: dict[str, str] = {}
    max_cases = _check_max_cases(data.get("max_cases"), errors)
    sp_id = _check_service_point(actor, member, data.get("service_point_id"), errors)
    levels = _check_skills(actor, member, data.get("skills"), errors)
    if errors:
        raise FieldErrors(errors)
    profile = profile_of(member)
    if profile is None:
        profile = VolunteerProfile(member_id=member.id)
        db.session.add(profile)
    profile.categories = [c for c in data.get("categories") or [] if c in CATEGORIES]
    profile.availability = [d for d in WEEKDAYS if d in (data.get("availability") or [])]
    profile.max_cases = max_cases
    profile.service_point_id = sp_id
    profile.note = " ".join(str(data.get("note") or "").split())[:300]
    _set_skills(actor, member, profile, levels)
    db.session.flush()
    audit.record(actor, "volunteers.profile_save", member, org_path=None, member_id=member.id)
    return profile


def confirm_skill(actor: User, member: Member, profile_skill_id: int) -> None:
    """The branch confirms a skill the member declared, so it counts in matching."""
    if not policy.can(actor, "volunteers.confirm_skill", member):
        raise PermissionDenied(_l("Only the branch confirms a declared skill."))
    ps = db.session.get(ProfileSkill, profile_skill_id) if 0 < profile_skill_id < 2**63 else None
    profile = profile_of(member)
    if ps is None or profile is None or ps.profile_id != profile.id:
        raise ValidationError(_l("Choose a skill from the profile."))
    ps.is_confirmed, ps.confirmed_by_id = True, actor.id
    audit.record(actor, "volunteers.skill_confirm", member, skill=ps.skill.name)
