"""Eligibility and ranking on a hand-made year where the right candidate list is known."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import FieldErrors
from app.extensions import db
from app.selection import services
from app.selection.ranking import candidates, mark_ties_at_cut
from app.selection.workflow import apply_round
from tests.selection.conftest import E, Q, U


def _branch_a(season):
    """Branch A's year: the expected rank or exclusion is in each name."""
    s = season
    people = {
        "star": s.member(grades=(E, E, E, Q), name="第一名"),
        "twin1": s.member(grades=(E, E, Q, Q), name="并列甲", confirmed=(0,)),
        "twin2": s.member(grades=(Q, E, E, Q), name="并列乙", confirmed=(1,)),
        "plain": s.member(grades=(Q, Q, Q, Q), name="合格者"),
        "gap": s.member(grades=(E, None, Q, Q), name="缺一季"),
        "vetoed": s.member(grades=(E, E, Q, Q), name="被否决", vetoed=(2,)),
        "bad": s.member(grades=(E, E, U, Q), name="不合格者"),
        "probie": s.member(
            grades=(Q, Q, Q, Q),
            name="预备党员",
            membership="probationary",
            full_member_on=None,
            joined_on="2025-05-01",
        ),
        "suspended": s.member(grades=(E, E, E, E), name="停止党籍", party_status="suspended"),
        "sanctioned": s.member(grades=(E, E, E, E), name="受处分"),
    }
    s.sanction(people["sanctioned"], date(2025, 3, 1), date(2026, 2, 28))
    return people


def _by_name(rows):
    return {c.name: c for c in rows}


def test_the_known_candidate_list(season):
    s = season
    _branch_a(s)
    r = s.open_round(quota_value=2)
    rows = candidates(r, [s.tree.branch_a.path], branch_id=s.tree.branch_a.id)
    eligible = [(c.name, c.rank) for c in rows if c.eligible]
    # Three 优秀 first; the twins tie (two 优秀, one confirmation each); the gap member's two
    # 优秀 and no confirmation rank after them; the plain member last.
    assert eligible == [("第一名", 1), ("并列甲", 2), ("并列乙", 2), ("缺一季", 4), ("合格者", 5)]
    excluded = {c.name: c.reasons for c in rows if not c.eligible}
    assert excluded == {
        "被否决": ["veto", "unqualified"],  # a veto forces 不合格
        "不合格者": ["unqualified"],
        "预备党员": ["probationary"],
        "停止党籍": ["standing"],
        "受处分": ["sanction"],
    }
    found = _by_name(rows)
    assert found["缺一季"].flags == ["incomplete"] and found["缺一季"].missing == 1
    assert found["第一名"].flags == []


def test_a_quota_cut_at_a_tie_marks_everyone_on_the_line(season):
    s = season
    _branch_a(s)
    r = s.open_round(quota_value=2)
    rows = [c for c in candidates(r, [s.tree.branch_a.path]) if c.eligible]
    mark_ties_at_cut(rows, 2)
    assert {c.name for c in rows if c.tie_at_cut} == {"并列甲", "并列乙"}
    rows = [c for c in candidates(r, [s.tree.branch_a.path]) if c.eligible]
    mark_ties_at_cut(rows, 3)  # the line falls below the tie: nobody is on it
    assert not any(c.tie_at_cut for c in rows)


def test_exemplary_marks_and_service_break_ties_in_the_stated_order(season):
    s = season
    s.member(grades=(E, Q, Q, Q), name="甲")
    s.member(grades=(E, Q, Q, Q), name="乙", exemplary=(1,))
    r = s.open_round()
    ranked = [(c.name, c.rank) for c in candidates(r, [s.tree.branch_a.path]) if c.eligible]
    assert ranked == [("乙", 1), ("甲", 2)]


def test_an_open_record_is_flagged_not_excluded(season):
    s = season
    s.member(grades=(E, E, Q, Q), name="未关闭", open=(3,))
    r = s.open_round()
    (c,) = candidates(r, [s.tree.branch_a.path])
    assert c.eligible and c.flags == ["incomplete"] and c.open == 1


def test_a_rule_switched_off_stops_excluding_and_is_on_the_timeline(season):
    s = season
    people = _branch_a(s)
    r = s.open_round()
    apply_round(
        r,
        "switch_rule",
        s.cmte,
        expected_version=r.version,
        comment="本年度试行：预备党员可参评",
        data={"rule": "probationary", "on": False},
    )
    db.session.commit()
    found = _by_name(candidates(r, [s.tree.branch_a.path]))
    assert found["预备党员"].eligible
    assert r.rules_off == {"probationary": "本年度试行：预备党员可参评"}
    steps = services.timeline(r, s.cmte)
    assert [st.action for st, _n in steps] == ["switch_rule"]
    assert people["probie"].id == found["预备党员"].member_id


def test_switching_a_rule_off_needs_a_reason(season):
    s = season
    r = s.open_round()
    with pytest.raises(FieldErrors) as err:
        apply_round(r, "switch_rule", s.cmte, expected_version=r.version, data={"rule": "veto"})
    assert "comment" in err.value.errors
    db.session.rollback()
    assert r.rules_off == {}


def test_a_sanction_that_ended_before_the_window_does_not_exclude(season):
    s = season
    m = s.member(grades=(E, E, E, E), name="早已期满")
    s.sanction(m, date(2023, 1, 1), date(2024, 1, 1))
    r = s.open_round()
    (c,) = candidates(r, [s.tree.branch_a.path])
    assert c.eligible


def test_members_who_left_are_not_listed_at_all(season):
    s = season
    s.member(grades=(E, E, E, E), name="已转出", party_status="transferred_out")
    r = s.open_round()
    assert candidates(r, [s.tree.branch_a.path]) == []


def test_one_member_is_ranked_among_the_whole_branch(season):
    s = season
    _branch_a(s)
    r = s.open_round()
    found = _by_name(candidates(r, [s.tree.branch_a.path]))
    (alone,) = candidates(r, [s.tree.branch_a.path], member_id=found["合格者"].member_id)
    assert alone.rank == 5
