"""The matcher on hand-made cases where the right order is obvious."""

from __future__ import annotations

from types import SimpleNamespace

from app.volunteers.agents import _area_of
from app.volunteers.matching import Candidate, Need, SkillIndex, needs_for, rank, score

LAW, FARM, WEB = 1, 2, 3


def c(member_id, name, **kw):
    return Candidate(member_id=member_id, name=name, **kw)


def test_skill_coverage_and_level_decide_first():
    need = Need(skill_ids=frozenset({LAW, WEB}))
    expert = c(1, "甲", skills={LAW: 3, WEB: 3})
    half = c(2, "乙", skills={LAW: 3})
    novice = c(3, "丙", skills={LAW: 1, WEB: 1})
    none = c(4, "丁")
    assert [m.name for m in rank(need, [none, novice, half, expert])] == ["甲", "乙", "丙", "丁"]


def test_willingness_availability_load_and_place_break_even_skills():
    need = Need(
        skill_ids=frozenset({FARM}),
        category="technical_support",
        weekday="mon",
        service_point_id=10,
        area_id=100,
    )
    base = {"skills": {FARM: 2}, "max_cases": 4}
    best = c(
        1,
        "甲",
        categories=frozenset({"technical_support"}),
        availability=frozenset({"mon"}),
        service_point_id=10,
        **base,
    )
    far = c(
        2,
        "乙",
        categories=frozenset({"technical_support"}),
        availability=frozenset({"mon"}),
        service_point_id=11,
        area_id=100,
        **base,
    )
    busy = c(
        3,
        "丙",
        categories=frozenset({"technical_support"}),
        availability=frozenset({"mon"}),
        service_point_id=10,
        open_cases=3,
        **base,
    )
    unwilling = c(4, "丁", availability=frozenset({"mon"}), service_point_id=10, **base)
    full = c(
        5,
        "戊",
        categories=frozenset({"technical_support"}),
        availability=frozenset({"mon"}),
        service_point_id=10,
        open_cases=4,
        **base,
    )
    order = [m.name for m in rank(need, [full, unwilling, busy, far, best])]
    assert order[0] == "甲" and order[-1] == "戊"  # a full agent comes last whatever the score
    assert order.index("乙") < order.index("丁")


def test_ties_are_broken_by_name_then_id():
    need = Need()
    same = [c(3, "王", max_cases=3), c(1, "王", max_cases=3), c(2, "李", max_cases=3)]
    assert [(m.name, m.member_id) for m in rank(need, same)] == [("李", 2), ("王", 1), ("王", 3)]


def test_every_score_is_explained():
    need = Need(skill_ids=frozenset({LAW}), category="stability", weekday="tue", service_point_id=1)
    m = score(
        need,
        c(
            1,
            "甲",
            skills={LAW: 2},
            categories=frozenset({"stability"}),
            availability=frozenset(),
            open_cases=1,
            max_cases=3,
            satisfaction=0.9,
            service_point_id=1,
        ),
    )
    codes = dict(m.reasons)
    assert codes["skills"] == (1, 1) and codes["load"] == (1, 3)
    assert "willing" in codes and "unavailable" in codes and "same_point" in codes
    assert codes["satisfaction"] == (90,)


def test_index_ranks_the_same_as_brute_force():
    people = [
        c(
            i,
            f"人{i:03d}",
            skills={(i % 7): 1 + i % 3, (i % 5) + 10: 2},
            categories=frozenset({"civil_affairs"} if i % 2 else {"land"}),
            open_cases=i % 4,
            max_cases=3,
        )
        for i in range(300)
    ]
    index = SkillIndex(people)
    cases = [Need(skill_ids=frozenset({3, 12})), Need(skill_ids=frozenset({5}), category="land")]
    for need in (*cases, Need()):
        assert [m.member_id for m in index.rank(need, 5)] == [
            m.member_id for m in rank(need, people, 5)
        ]


def test_reverse_lists_the_items_a_member_fits():
    me = c(1, "甲", skills={LAW: 3}, categories=frozenset({"stability"}))
    needs = {
        10: Need(skill_ids=frozenset({FARM})),
        11: Need(skill_ids=frozenset({LAW}), category="stability"),
    }
    assert [item for item, _m in needs_for(me, needs)] == [11, 10]


def test_township_station_area_is_its_own_org():
    orgs = {10: SimpleNamespace(parent_id=5), 5: SimpleNamespace(parent_id=1)}
    village_room = SimpleNamespace(level="village", org_id=10)
    station = SimpleNamespace(level="township", org_id=5)
    assert _area_of(village_room, orgs) == 5 == _area_of(station, orgs)


def test_the_top_few_are_the_head_of_the_full_ranking_with_their_reasons():
    import random

    from bench.matching import generate, needs

    rng = random.Random(5)
    people = generate(400, 30, rng)
    for need in needs(25, 30, rng):
        full = rank(need, people)
        top = rank(need, people, 5)
        assert [(m.member_id, m.score, m.full) for m in top] == [
            (m.member_id, m.score, m.full) for m in full[:5]
        ]
        assert all(m.reasons == score(need, p).reasons for m in top for p in people
                   if p.member_id == m.member_id)  # fmt: skip
