"""The roster's shared skills vocabulary: the named skills resolved (new ones added), every
skill in name order, and the (id, name) choices the filter pickers offer. Members, volunteer
profiles and imports all draw on this one vocabulary; save_member in roster/services.py
resolves a member's skills here.
"""

from __future__ import annotations

from sqlalchemy import select

from app.common import versions
from app.extensions import db
from app.roster.models import Skill


def resolve_skills(names: list[str], cache: dict[str, Skill] | None = None) -> list[Skill]:
    """The named skills, adding to the shared vocabulary any that are new.

    ``cache`` (name -> Skill) spares a query per row when a whole import resolves skills."""
    if not names:
        return []
    if cache is not None and all(n in cache for n in names):
        return [cache[n] for n in names]
    existing = {s.name: s for s in db.session.scalars(select(Skill).where(Skill.name.in_(names)))}
    if cache is not None:
        cache.update(existing)
    out = []
    for n in names:
        skill = existing.get(n)
        if skill is None:
            skill = Skill(name=n)
            db.session.add(skill)
            existing[n] = skill
            if cache is not None:
                cache[n] = skill
        out.append(skill)
    return out


def all_skills() -> list[Skill]:
    return list(db.session.scalars(select(Skill).order_by(Skill.name)))


def skill_choices() -> list[tuple[str, str]]:
    """(id, name) of every skill, for filter pickers; once per change of the roster."""

    def compute() -> list[tuple[str, str]]:
        return [(str(s.id), s.name) for s in all_skills()]

    return versions.cached(("roster",), "skill_choices", compute)
