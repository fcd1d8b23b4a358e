"""Matching benchmark: top-5 agents for one need among 10,000 volunteers, and for 1,000 needs.

    .venv/bin/python -m bench.matching [--volunteers 10000] [--needs 1000] [--skills 200]

Pure matcher code (app/volunteers/matching.py) on generated profiles: brute force (score
everyone) against the skill index (score only holders of a needed skill).
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
import time
from collections import defaultdict

from app.volunteers import matching as m
from app.volunteers.matching import Candidate, Need, SkillIndex, rank
from app.volunteers.models import CATEGORIES, WEEKDAYS
from bench.common import Figure, sample


def generate(n: int, n_skills: int, rng: random.Random) -> list[Candidate]:
    return [
        Candidate(
            member_id=i,
            name=f"志愿者{i:05d}",
            skills={rng.randrange(n_skills): rng.randint(1, 3) for _ in range(rng.randint(1, 5))},
            categories=frozenset(rng.sample(CATEGORIES, 3)),
            availability=frozenset(rng.sample(WEEKDAYS, 3)),
            open_cases=rng.randint(0, 3),
            max_cases=rng.choice([2, 3, 5]),
            satisfaction=rng.random() if rng.random() < 0.7 else None,
            service_point_id=rng.randrange(60),
            area_id=rng.randrange(8),
        )
        for i in range(n)
    ]


def needs(n: int, n_skills: int, rng: random.Random) -> list[Need]:
    return [
        Need(
            skill_ids=frozenset(rng.sample(range(n_skills), rng.randint(1, 3))),
            category=rng.choice(CATEGORIES),
            weekday=rng.choice(WEEKDAYS),
            service_point_id=rng.randrange(60),
            area_id=rng.randrange(8),
        )
        for _ in range(n)
    ]


def _bare_rank(by_skill: dict[int, list[Candidate]], need: Need, limit: int) -> list:
    """The floor: a bare inverted index, the holders of a needed skill scored with the same
    weights in one inline expression, the best ``limit`` kept; no reasons, no objects."""
    pool: dict[int, Candidate] = {}
    for skill_id in need.skill_ids:
        for c in by_skill.get(skill_id, ()):
            pool[c.member_id] = c
    n = 3 * len(need.skill_ids)
    scored = [
        (c.max_cases <= 0 or c.open_cases >= c.max_cases,
         -(m.W_SKILLS * sum(c.skills.get(s, 0) for s in need.skill_ids) / n
           + (m.W_WILLING if need.category in c.categories else 0)
           + (m.W_AVAILABLE if need.weekday in c.availability else 0)
           + (m.W_LOAD * (1 - c.open_cases / c.max_cases) if c.open_cases < c.max_cases else 0)
           + m.W_SATISFACTION * (0.5 if c.satisfaction is None else c.satisfaction)
           + (m.W_NEAR if c.service_point_id == need.service_point_id else
              m.W_NEAR / 2 if c.area_id == need.area_id else 0)),
         c.name, c.member_id)
        for c in pool.values()
    ]  # fmt: skip
    return heapq.nsmallest(limit, scored)


def run(app=None, quick: bool = False) -> list[Figure]:
    """Top 5 for each of 1,000 needs among 10,000 volunteers (the skill index) beside a bare
    inverted index over the same people (no app or database needed)."""
    rng = random.Random(1)  # noqa: S311 - made-up data
    people = generate(10_000, 200, rng)
    work = needs(1_000, 200, rng)
    index = SkillIndex(people)
    by_skill: dict[int, list[Candidate]] = defaultdict(list)
    for c in people:
        for skill_id in c.skills:
            by_skill[skill_id].append(c)
    n = 3 if quick else 7

    def ours() -> None:
        for need in work:
            index.rank(need, 5)

    def floor() -> None:
        for need in work:
            _bare_rank(by_skill, need, 5)

    return [Figure("matching: top 5 for 1,000 needs, 10,000 volunteers", sample(ours, n),
                   "bare inverted index", sample(floor, n))]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--volunteers", type=int, default=10_000)
    parser.add_argument("--needs", type=int, default=1_000)
    parser.add_argument("--skills", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(1)  # noqa: S311
    people = generate(args.volunteers, args.skills, rng)
    work = needs(args.needs, args.skills, rng)

    times = []
    for need in work[:20]:
        t = time.perf_counter()
        rank(need, people, 5)
        times.append((time.perf_counter() - t) * 1000)
    print(
        f"one need, brute force over {args.volunteers:,}: median {statistics.median(times):.1f} ms"
    )

    t = time.perf_counter()
    index = SkillIndex(people)
    built = time.perf_counter() - t
    times = []
    for need in work[:20]:
        t = time.perf_counter()
        index.rank(need, 5)
        times.append((time.perf_counter() - t) * 1000)
    print(
        f"one need, skill index: median {statistics.median(times):.2f} ms "
        f"(index built in {built * 1000:.0f} ms)"
    )

    t = time.perf_counter()
    for need in work:
        rank(need, people, 5)
    print(f"{args.needs:,} needs, brute force: {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    for need in work:
        index.rank(need, 5)
    print(f"{args.needs:,} needs, skill index: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
