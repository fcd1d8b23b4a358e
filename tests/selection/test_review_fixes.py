"""What a hostile review of the selection found, each kept fixed by a test."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from app.appraisal.models import Appraisal
from app.audit import AuditEvent
from app.errors import FieldErrors
from app.extensions import db
from app.roster.models import Member
from app.selection import services
from app.selection.nomination_workflow import apply_nomination, objections_of
from app.selection.ranking import candidates
from app.selection.workflow import apply_round
from app.workflow import InvalidTransition
from tests.selection.conftest import E, Q

TODAY = date(2026, 6, 1)
REASON = "该同志爱岗敬业，四个季度考核均为优秀，群众评价好。"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def _step(n, action, user, **kw):
    apply_nomination(n, action, user, expected_version=n.version, **kw)
    db.session.commit()


def _on_notice(s, *members):
    r = s.open_round(quota_value=5)
    noms = []
    for m in members:
        member, branch = services.candidate_member(s.sec_a, r, m.id)
        noms.append(
            services.nominate(
                s.sec_a, r, member, branch, {"reason": REASON, "deeds": "带头抢修线路"}
            )
        )
    db.session.commit()
    apply_round(r, "close_nominations", s.cmte, expected_version=r.version)
    for n in noms:
        apply_nomination(n, "approve", s.cmte, expected_version=n.version)
    apply_round(
        r,
        "publish_notice",
        s.cmte,
        expected_version=r.version,
        data={"notice_starts": TODAY, "notice_ends": date(2026, 6, 5)},
    )
    db.session.commit()
    return r, noms


def _object(s, n, text="反映其作风问题"):
    _step(n, "object", s.cmte, comment=text, data={"received_on": TODAY, "raised_by": "职工王某某"})


def test_a_nominee_taken_off_the_list_leaves_no_objection_blocking_the_final_list(season):
    s = season
    r, (n,) = _on_notice(s, s.member(grades=(E, E, Q, Q), name="有两条异议"))
    _object(s, n)
    _object(s, n, "另一条反映")
    first = objections_of(n)[0]
    _step(
        n, "uphold", s.cmte, comment="属实", data={"objection_id": first.id, "answered_by": "纪委"}
    )
    assert n.status == "dropped"
    with time_machine.travel(date(2026, 6, 8), tick=False):
        apply_round(r, "approve_final", s.cmte, expected_version=r.version)
    assert r.status == "final"


def test_a_sanction_recorded_after_the_nomination_holds_the_final_list(season):
    s = season
    m = s.member(grades=(E, E, Q, Q), name="后受处分")
    r, (n,) = _on_notice(s, m)
    s.sanction(m, date(2026, 5, 20), date(2027, 5, 19))
    with time_machine.travel(date(2026, 6, 8), tick=False):
        with pytest.raises(FieldErrors) as err:
            apply_round(r, "approve_final", s.cmte, expected_version=r.version)
    assert "后受处分" in err.value.errors["eligibility"]
    db.session.rollback()
    assert r.status == "notice"


def test_approval_reads_the_rules_again(season):
    s = season
    m = s.member(grades=(E, E, Q, Q), name="审核前受处分")
    r = s.open_round()
    member, branch = services.candidate_member(s.sec_a, r, m.id)
    n = services.nominate(s.sec_a, r, member, branch, {"reason": REASON, "deeds": "带头抢修线路"})
    db.session.commit()
    s.sanction(m, date(2026, 5, 20), None)
    with pytest.raises(FieldErrors) as err:
        _step(n, "approve", s.cmte)
    assert "eligibility" in err.value.errors
    db.session.rollback()
    assert n.status == "nominated"


def test_objections_stay_with_the_committee(season, login_as):
    s = season
    r, (n,) = _on_notice(s, s.member(grades=(E, E, Q, Q), name="被反映者"))
    _object(s, n, "反映其收受礼金")
    _step(
        n,
        "dismiss",
        s.cmte,
        comment="经核实不属实",
        data={"objection_id": objections_of(n)[0].id, "answered_by": "纪委"},
    )
    page = login_as(s.sec_a).get(f"/selection/nominations/{n.id}").get_data(as_text=True)
    assert "职工王某某" not in page and "反映其收受礼金" not in page and "经核实不属实" not in page
    committee_page = login_as(s.cmte).get(f"/selection/nominations/{n.id}").get_data(as_text=True)
    assert "职工王某某" in committee_page and "反映其收受礼金" in committee_page
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("nomination.%")))
    assert all("礼金" not in str(e.details) and "不属实" not in str(e.details) for e in events)


def test_the_evidence_page_opens_only_records_the_viewer_may_read(season, login_as):
    s = season
    m = s.member(s.tree.group_b, grades=(E, E, Q, Q), name="转入者")
    db.session.get(Member, m.id).org_id = s.tree.group_a.id  # moved to branch A
    db.session.commit()
    r = s.open_round()
    for a in db.session.scalars(select(Appraisal).where(Appraisal.member_id == m.id)):
        a.branch_comment = "乙支部的考核意见"
    db.session.commit()
    page = login_as(s.sec_a).get(f"/selection/{r.id}/members/{m.id}").get_data(as_text=True)
    assert "乙支部的考核意见" not in page
    (c,) = candidates(r, [s.tree.branch_a.path])
    assert c.excellent == 2  # still counted


def test_the_notice_and_the_final_list_are_the_committees(season, login_as):
    s = season
    r, _noms = _on_notice(s, s.member(grades=(E, E, Q, Q), name="公示者"))
    assert login_as(s.sec_a).get(f"/selection/{r.id}/notice").status_code == 403
    assert login_as(s.cmte).get(f"/selection/{r.id}/notice").status_code == 200
    assert login_as(s.sec_a).get(f"/selection/{r.id}/nominees.xlsx").status_code == 200


def test_a_strange_digit_in_a_quota_box_is_a_message_not_a_500(season, login_as):
    s = season
    s.member(grades=(E, E, Q, Q))
    r = s.open_round()
    c = login_as(s.cmte)
    resp = c.post(
        f"/selection/{r.id}/step/set_quota",
        data={
            "step_set_quota-version": r.version,
            "step_set_quota-quota_mode": "count",
            "step_set_quota-quota_value": "2",
            "step_set_quota-quota_rounding": "round",
            f"override_{s.tree.branch_a.id}": "²",
        },
    )
    assert resp.status_code == 200  # the page again, with the message
    db.session.refresh(r)
    assert r.quota_overrides == {}


def test_an_answer_cannot_come_before_the_objection(season):
    s = season
    _r, (n,) = _on_notice(s, s.member(grades=(E, E, Q, Q)))
    _object(s, n)
    with pytest.raises(FieldErrors) as err:
        _step(
            n,
            "dismiss",
            s.cmte,
            comment="不属实",
            data={
                "objection_id": objections_of(n)[0].id,
                "answered_by": "纪委",
                "answered_on": date(2026, 5, 1),
            },
        )
    assert "answered_on" in err.value.errors


def test_a_member_restored_to_the_party_is_in_good_standing(season):
    s = season
    s.member(grades=(E, E, Q, Q), name="恢复党籍", party_status="restored")
    r = s.open_round()
    (c,) = candidates(r, [s.tree.branch_a.path])
    assert c.eligible


def test_nothing_happens_to_a_dropped_nomination_objection(season):
    s = season
    _r, (n,) = _on_notice(s, s.member(grades=(E, E, Q, Q)))
    _object(s, n)
    _step(n, "drop", s.cmte, comment="另有问题")
    with pytest.raises(InvalidTransition):
        _step(n, "dismiss", s.cmte, comment="x", data={})
