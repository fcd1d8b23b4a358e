"""Nominating within quota, the committee's review, the public notice with its objections,
and the final list: each decision through the workflow, refused steps changing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from app.errors import FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.selection import services
from app.selection.nomination_workflow import apply_nomination, objections_of
from app.selection.workflow import apply_round
from app.workflow import InvalidTransition
from tests.factories import make_member
from tests.selection.conftest import E, Q

TODAY = date(2026, 6, 1)
REASON = "该同志爱岗敬业，四个季度考核均为优秀，群众评价好。"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def _nominate(s, r, m, user=None, **data):
    member, branch = services.candidate_member(user or s.sec_a, r, m.id)
    n = services.nominate(
        user or s.sec_a, r, member, branch, {"reason": REASON, "deeds": "带头抢修线路", **data}
    )
    db.session.commit()
    return n


def _step(n, action, user, **kw):
    apply_nomination(n, action, user, expected_version=n.version, **kw)
    db.session.commit()


def test_nominations_stay_within_quota_and_over_quota_is_refused_with_the_figures(season):
    s = season
    a, b, c = (s.member(grades=(E, E, Q, Q), name=f"候选{i}") for i in range(3))
    r = s.open_round(quota_value=2)
    _nominate(s, r, a)
    second = _nominate(s, r, b)
    with pytest.raises(FieldErrors) as err:
        _nominate(s, r, c)
    message = err.value.errors["quota"]
    assert message == "超出名额：本支部可推荐 2 名（每个支部 2 名），已有 2 个推荐占用名额。"
    db.session.rollback()
    assert [n.member.name for n in services.nominations_of(s.cmte, r)] == ["候选0", "候选1"]
    # Withdrawing frees the place; the withdrawn member may be nominated again later.
    _step(second, "withdraw", s.sec_a, comment="本人谦让")
    _nominate(s, r, c)
    assert second.status == "withdrawn"


def test_a_share_quota_rounds_as_the_committee_states(season):
    s = season
    for i in range(5):
        s.member(grades=(Q, Q, Q, Q), name=f"成员{i}")
    r = s.open_round(quota_mode="share", quota_value=0.3, quota_rounding="floor")
    (row,) = [x for x in services.branch_rows(s.cmte, r) if x.branch.id == s.tree.branch_a.id]
    assert (row.quota.members, row.quota.quota) == (5, 1)  # 5 × 30% = 1.5, rounded down
    apply_round(
        r,
        "set_quota",
        s.cmte,
        expected_version=r.version,
        data={"mode": "share", "value": 0.3, "rounding": "ceil", "overrides": {}},
    )
    db.session.commit()
    (row,) = [x for x in services.branch_rows(s.cmte, r) if x.branch.id == s.tree.branch_a.id]
    assert row.quota.quota == 2 and "1.5" in row.quota.explain()
    apply_round(
        r,
        "set_quota",
        s.cmte,
        expected_version=r.version,
        data={
            "mode": "share",
            "value": 0.3,
            "rounding": "ceil",
            "overrides": {s.tree.branch_a.id: 4},
        },
    )
    db.session.commit()
    (row,) = [x for x in services.branch_rows(s.cmte, r) if x.branch.id == s.tree.branch_a.id]
    assert row.quota.quota == 4 and row.quota.is_override


def test_an_ineligible_member_is_refused_and_a_flagged_one_needs_an_explanation(season):
    s = season
    vetoed = s.member(grades=(E, E, Q, Q), name="否决", vetoed=(1,))
    gap = s.member(grades=(E, None, Q, Q), name="缺季")
    r = s.open_round()
    with pytest.raises(FieldErrors) as err:
        _nominate(s, r, vetoed)
    assert "member_id" in err.value.errors
    db.session.rollback()
    with pytest.raises(FieldErrors) as err:
        _nominate(s, r, gap)
    assert "explanation" in err.value.errors
    db.session.rollback()
    n = _nominate(s, r, gap, explanation="第四季度在外培训，组织关系暂转")
    assert n.status == "nominated" and n.figures["records"] == 3


def test_a_branch_sees_and_nominates_only_its_own(season):
    s = season
    ours = s.member(grades=(E, E, Q, Q), name="本支部")
    theirs = s.member(s.tree.group_b, grades=(E, E, E, Q), name="乙支部")
    r = s.open_round()
    with pytest.raises(NotFound):
        services.candidate_member(s.sec_a, r, theirs.id)
    with pytest.raises(NotFound):
        services.get_branch(s.sec_a, r, s.tree.branch_b.id)
    rows = services.branch_rows(s.sec_a, r, with_top=True)
    assert [row.branch.id for row in rows] == [s.tree.branch_a.id]
    assert [c.name for c in rows[0].top] == ["本支部"]
    _nominate(s, r, ours)
    _nominate(s, r, theirs, user=s.sec_b)
    assert [n.member.name for n in services.nominations_of(s.sec_a, r)] == ["本支部"]
    assert len(services.nominations_of(s.cmte, r)) == 2
    # A plain member sees no round at all.
    assert services.rounds_for(s.member_user) == []


def test_nobody_nominates_or_approves_themselves(season):
    s = season
    me = make_member(s.tree.group_a, name="书记本人")
    me.user_id = s.sec_a.id
    db.session.commit()
    s.member(grades=(E, E, Q, Q), name="他人")
    r = s.open_round()
    with pytest.raises(PermissionDenied):
        _nominate(s, r, me)


def test_review_send_back_revise_and_approve(season):
    s = season
    m = s.member(grades=(E, E, Q, Q), name="送回者")
    r = s.open_round()
    n = _nominate(s, r, m)
    with pytest.raises(PermissionDenied):
        _step(n, "approve", s.sec_a)
    db.session.rollback()
    with pytest.raises(FieldErrors):
        _step(n, "send_back", s.cmte)  # the reason is required
    db.session.rollback()
    _step(n, "send_back", s.cmte, comment="事迹不够具体")
    assert n.status == "sent_back" and n.review_comment == "事迹不够具体"
    _step(
        n,
        "revise",
        s.sec_a,
        data={"reason": REASON + "带领班组完成检修。", "deeds": "带头抢修线路40余次"},
    )
    assert n.status == "nominated" and n.deeds == "带头抢修线路40余次"
    _step(n, "approve", s.cmte, comment="同意")
    assert n.status == "approved"
    actions = [st.action for st, _n in services.timeline(r, s.cmte)]
    assert actions == ["approve", "revise", "send_back", "nominate"]


def _to_notice(s, r, *members):
    noms = [_nominate(s, r, m) for m in members]
    apply_round(r, "close_nominations", s.cmte, expected_version=r.version)
    db.session.commit()
    with pytest.raises(InvalidTransition):  # nominations still wait for review
        apply_round(r, "publish_notice", s.cmte, expected_version=r.version, data={})
    db.session.rollback()
    for n in noms:
        _step(n, "approve", s.cmte)
    apply_round(
        r,
        "publish_notice",
        s.cmte,
        expected_version=r.version,
        data={"notice_starts": TODAY, "notice_ends": services.notice_end(TODAY)},
    )
    db.session.commit()
    return noms


def test_objections_during_the_notice_and_the_final_list(season):
    s = season
    first, second = (s.member(grades=(E, E, Q, Q), name=n) for n in ("甲", "乙"))
    r = s.open_round()
    kept, dropped = _to_notice(s, r, first, second)
    assert r.status == "notice" and r.notice_ends == date(2026, 6, 5)  # five working days
    with pytest.raises(FieldErrors) as err:
        _step(
            dropped,
            "object",
            s.cmte,
            comment="反映其曾酒后驾车",
            data={"received_on": TODAY - timedelta(days=3)},
        )
    assert "received_on" in err.value.errors
    db.session.rollback()
    _step(
        dropped,
        "object",
        s.cmte,
        comment="反映其曾酒后驾车",
        data={"received_on": TODAY, "raised_by": ""},
    )
    _step(
        kept,
        "object",
        s.cmte,
        comment="反映其不团结同事",
        data={"received_on": TODAY, "raised_by": "职工王某"},
    )
    with pytest.raises(FieldErrors) as err:  # who answered is required
        _step(kept, "dismiss", s.cmte, comment="经核实不属实", data={"objection_id": 0})
    assert {"objection_id", "answered_by"} <= set(err.value.errors)
    db.session.rollback()
    (o_kept,) = objections_of(kept)
    _step(
        kept,
        "dismiss",
        s.cmte,
        comment="经走访核实，反映不属实",
        data={"objection_id": o_kept.id, "answered_by": "纪委书记张某"},
    )
    (o_drop,) = objections_of(dropped)
    _step(
        dropped,
        "uphold",
        s.cmte,
        comment="经核实属实",
        data={"objection_id": o_drop.id, "answered_by": "纪委书记张某"},
    )
    assert (kept.status, dropped.status) == ("approved", "dropped")
    assert (o_kept.outcome, o_kept.answered_by) == ("dismissed", "纪委书记张某")
    # The final list waits for the notice to end.
    with pytest.raises(InvalidTransition):
        apply_round(r, "approve_final", s.cmte, expected_version=r.version)
    db.session.rollback()
    with time_machine.travel(date(2026, 6, 6), tick=False):
        apply_round(r, "approve_final", s.cmte, expected_version=r.version)
        db.session.commit()
    assert r.status == "final" and r.decided_on == date(2026, 6, 6)
    final = services.nominations_of(s.cmte, r, ("approved",))
    assert [n.member.name for n in final] == ["甲"]


def test_an_unanswered_objection_holds_the_final_list(season):
    s = season
    m = s.member(grades=(E, E, Q, Q), name="待答复")
    r = s.open_round()
    (n,) = _to_notice(s, r, m)
    _step(n, "object", s.cmte, comment="有异议", data={"received_on": TODAY})
    with time_machine.travel(date(2026, 6, 8), tick=False):
        with pytest.raises(InvalidTransition):
            apply_round(r, "approve_final", s.cmte, expected_version=r.version)
