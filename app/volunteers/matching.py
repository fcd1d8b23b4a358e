"""Ranking agents for a need, and needs for an agent: pure functions over plain values.

No Flask and no database here: services gather the candidates, this module scores them and
says why, as reason codes the pages turn into words ("covers 2 of 2 skills; 1 open case of 3;
same village"). Every score is a sum of the parts below, so the reasons add up to it.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

# Points available for each part of the score (100 in all).
W_SKILLS = 50  # coverage of the needed skills, weighted by level (3 = expert)
W_WILLING = 15  # willing to take the item's category
W_AVAILABLE = 10  # available on the day
W_LOAD = 15  # room left under their maximum of open cases
W_SATISFACTION = 5  # past satisfaction (neutral when unknown)
W_NEAR = 5  # same service point (village); half for the same area (township)


@dataclass(frozen=True)
class Need:
    """What an item or a case asks for."""

    skill_ids: frozenset[int] = frozenset()
    category: str | None = None
    weekday: str | None = None
    service_point_id: int | None = None
    area_id: int | None = None  # the township (or wider) the service point belongs to


@dataclass(frozen=True)
class Candidate:
    member_id: int
    name: str
    skills: dict[int, int] = field(default_factory=dict)  # confirmed skill id -> level 1..3
    categories: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    open_cases: int = 0
    max_cases: int = 3
    satisfaction: float | None = None  # 0..1
    service_point_id: int | None = None
    area_id: int | None = None


@dataclass
class Match:
    member_id: int
    name: str
    score: float
    reasons: list[tuple[str, tuple]] = field(default_factory=list)
    full: bool = False  # at or over their maximum of open cases


def score(need: Need, c: Candidate) -> Match:
    """Score one candidate for one need, with a reason for every part."""
    reasons: list[tuple[str, tuple]] = []
    total = 0.0
    if need.skill_ids:
        covered = [s for s in need.skill_ids if s in c.skills]
        weight = sum(c.skills[s] for s in covered) / (3 * len(need.skill_ids))
        total += W_SKILLS * weight
        reasons.append(("skills", (len(covered), len(need.skill_ids))))
    else:
        total += W_SKILLS / 2  # nothing special needed: everyone is half-way there
        reasons.append(("no_skills_needed", ()))
    if need.category is not None:
        if need.category in c.categories:
            total += W_WILLING
            reasons.append(("willing", ()))
        else:
            reasons.append(("not_willing", ()))
    if need.weekday is not None:
        if need.weekday in c.availability:
            total += W_AVAILABLE
            reasons.append(("available", (need.weekday,)))
        else:
            reasons.append(("unavailable", (need.weekday,)))
    full = c.max_cases <= 0 or c.open_cases >= c.max_cases
    if not full:
        total += W_LOAD * (1 - c.open_cases / c.max_cases)
    reasons.append(("load", (c.open_cases, c.max_cases)))
    sat = 0.5 if c.satisfaction is None else max(0.0, min(1.0, c.satisfaction))
    total += W_SATISFACTION * sat
    if c.satisfaction is not None:
        reasons.append(("satisfaction", (round(c.satisfaction * 100),)))
    else:
        reasons.append(("no_rating", ()))
    if need.service_point_id is not None and c.service_point_id == need.service_point_id:
        total += W_NEAR
        reasons.append(("same_point", ()))
    elif need.area_id is not None and c.area_id == need.area_id:
        total += W_NEAR / 2
        reasons.append(("same_area", ()))
    return Match(c.member_id, c.name, round(total, 2), reasons, full)


def _total(need: Need, c: Candidate) -> tuple[float, bool]:
    """``score``'s figure and fullness alone, without its reasons: ranking many candidates
    scores them all, and only the few shown need their reasons."""
    if need.skill_ids:
        skills = c.skills
        total = W_SKILLS * sum(skills.get(s, 0) for s in need.skill_ids) / (3 * len(need.skill_ids))
    else:
        total = W_SKILLS / 2
    if need.category is not None and need.category in c.categories:
        total += W_WILLING
    if need.weekday is not None and need.weekday in c.availability:
        total += W_AVAILABLE
    full = c.max_cases <= 0 or c.open_cases >= c.max_cases
    if not full:
        total += W_LOAD * (1 - c.open_cases / c.max_cases)
    sat = 0.5 if c.satisfaction is None else max(0.0, min(1.0, c.satisfaction))
    total += W_SATISFACTION * sat
    if need.service_point_id is not None and c.service_point_id == need.service_point_id:
        total += W_NEAR
    elif need.area_id is not None and c.area_id == need.area_id:
        total += W_NEAR / 2
    return round(total, 2), full


def _key(m: Match) -> tuple:
    # Full agents last; then the best score; ties broken by name and id, so the order is stable.
    return (m.full, -m.score, m.name, m.member_id)


def rank(need: Need, candidates: Iterable[Candidate], limit: int | None = None) -> list[Match]:
    """Candidates for one need, best first. With a ``limit``, everyone is scored by figure and
    only the best get their reasons."""
    if limit is None:
        return sorted((score(need, c) for c in candidates), key=_key)
    keyed = []
    for c in candidates:
        total, full = _total(need, c)
        keyed.append(((full, -total, c.name, c.member_id), c))
    best = heapq.nsmallest(limit, keyed, key=lambda pair: pair[0])
    return [score(need, c) for _, c in best]


class SkillIndex:
    """Skill -> candidates, built once, so ranking many needs scores only those who hold at
    least one needed skill (everyone when a need asks for none). It ranks among holders: use
    ``rank`` when a non-holder nearby should be able to come first."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.candidates = list(candidates)
        self.by_skill: dict[int, list[Candidate]] = defaultdict(list)
        for c in self.candidates:
            for skill_id in c.skills:
                self.by_skill[skill_id].append(c)

    def pool(self, need: Need) -> list[Candidate]:
        if not need.skill_ids:
            return self.candidates
        seen: dict[int, Candidate] = {}
        for skill_id in need.skill_ids:
            for c in self.by_skill.get(skill_id, ()):
                seen.setdefault(c.member_id, c)
        return list(seen.values())

    def rank(self, need: Need, limit: int = 5) -> list[Match]:
        return rank(need, self.pool(need), limit)


def needs_for(
    candidate: Candidate, needs: dict[int, Need], limit: int = 10
) -> list[tuple[int, Match]]:
    """The reverse: which needs (item id -> need) this candidate fits best."""
    scored = [(item_id, score(need, candidate)) for item_id, need in needs.items()]
    scored.sort(key=lambda pair: (-pair[1].score, pair[0]))
    return scored[:limit]
