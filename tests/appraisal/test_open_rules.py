"""The rules read against the code (issue 10): the exemplary mark only on a record in good
standing, the committee's veto for other serious problems, what the masses report at both
ends of the scale, and the 优秀 cap stated with the very figures the check refuses by."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from app.appraisal import services
from app.appraisal.cap import excellent_cap
from app.appraisal.models import AppraisalStep
from app.appraisal.workflow import apply
from app.audit import AuditEvent
from app.errors import Conflict, FieldErrors
from app.extensions import db
from app.roster.models import Member
from tests.appraisal.conftest import ASSESS, MASSES, walk_to

VETO = {"category": "illegal"}


def _steps(a, action):
    return list(
        db.session.scalars(
            select(AppraisalStep).where(
                AppraisalStep.appraisal_id == a.id, AppraisalStep.action == action
            )
        )
    )


def test_the_mark_is_refused_on_a_vetoed_record(world):
    a = walk_to(world, world.alice, "assessed")
    apply(a, "veto", world.sec_a, expected_version=None, comment="酒驾", data=VETO)
    with pytest.raises(Conflict) as err:
        services.mark_exemplary(world.committee, a, "带头抢险")
    assert err.value.field == "note"
    assert not a.is_exemplary


def test_the_mark_is_refused_on_an_unqualified_record(world):
    data = {**ASSESS, **MASSES, "grade": "unqualified"}
    a = walk_to(world, world.alice, "assessed", data=data)
    with pytest.raises(Conflict):
        services.mark_exemplary(world.committee, a, "带头抢险")
    # Removing a mark is always possible; a qualified record takes one.
    services.mark_exemplary(world.committee, a, "", on=False)
    b = walk_to(world, world.bob, "assessed")
    services.mark_exemplary(world.committee, b, "带头抢险")
    assert b.is_exemplary


def test_a_veto_removes_the_mark_and_says_so(world):
    a = walk_to(world, world.alice, "assessed")
    services.mark_exemplary(world.committee, a, "带头抢险")
    apply(a, "veto", world.sec_a, expected_version=None, comment="酒驾", data=VETO)
    db.session.flush()
    assert not a.is_exemplary and a.exemplary_note == ""
    (veto,) = _steps(a, "veto")
    assert veto.snapshot["exemplary_removed"] == "带头抢险"
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "appraisal.exemplary")
    ).all()
    assert [e.details.get("on") for e in events] == [True, False]
    assert events[-1].details["removed_by"] == "veto"
    # Lifting the veto does not bring the mark back: the committee decides again.
    apply(a, "lift_veto", world.committee, expected_version=None, comment="不属实")
    assert not a.is_exemplary


def test_a_spot_check_adjustment_to_unqualified_removes_the_mark(world):
    a = walk_to(world, world.alice, "assessed")
    services.mark_exemplary(world.committee, a, "带头抢险")
    a.is_sampled = True
    apply(
        a,
        "spot_adjust",
        world.committee,
        expected_version=None,
        comment="抽查发现问题",
        data={"grade": "basically_qualified"},
    )
    assert a.is_exemplary  # a lower grade that is not 不合格 keeps it
    apply(
        a,
        "spot_adjust",
        world.committee,
        expected_version=None,
        comment="复查不合格",
        data={"grade": "unqualified"},
    )
    assert not a.is_exemplary
    assert _steps(a, "spot_adjust")[-1].snapshot["exemplary_removed"] == "带头抢险"


def test_the_record_page_shows_the_mark_and_hides_the_form_once_vetoed(world, login_as):
    a = walk_to(world, world.alice, "assessed")
    services.mark_exemplary(world.committee, a, "带头抢险")
    db.session.commit()
    c = login_as(world.committee)
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert "带头抢险" in page
    a = world.record(world.alice)
    apply(a, "veto", world.sec_a, expected_version=None, comment="酒驾", data=VETO)
    db.session.commit()
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert 'name="exemplary-note"' not in page
    r = c.post(
        f"/appraisal/{a.id}/exemplary", data={"exemplary-note": "再试", "exemplary-mark": "y"}
    )
    assert r.status_code == 409 and not world.record(world.alice).is_exemplary


def test_only_the_committee_records_a_veto_for_another_serious_problem(world):
    a = walk_to(world, world.alice, "assessed")
    other = {"category": "other"}
    with pytest.raises(FieldErrors) as err:
        apply(a, "veto", world.sec_a, expected_version=None, comment="严重问题", data=other)
    assert set(err.value.errors) == {"category"}
    assert not a.is_vetoed
    with pytest.raises(FieldErrors) as err:  # the facts are required as for any veto
        apply(a, "veto", world.committee, expected_version=None, comment="", data=other)
    assert "comment" in err.value.errors
    apply(a, "veto", world.committee, expected_version=None, comment="严重问题", data=other)
    db.session.flush()  # the CHECK constraint takes the new category
    assert a.is_vetoed and a.veto_category == "other"


def test_a_secretary_choosing_other_gets_the_error_beside_the_category(world, login_as):
    a = walk_to(world, world.alice, "assessed")
    db.session.commit()
    r = login_as(world.sec_a).post(
        f"/appraisal/{a.id}/step/veto",
        data={
            "step_veto-version": a.version,
            "step_veto-category": "other",
            "step_veto-comment": "严重问题",
        },
    )
    assert r.status_code == 200 and "is-invalid" in r.get_data(as_text=True)
    assert not world.record(world.alice).is_vetoed


@pytest.mark.parametrize("grade", ["excellent", "unqualified"])
def test_masses_are_required_for_excellent_and_unqualified(world, grade):
    a = walk_to(world, world.alice, "signed")
    with pytest.raises(FieldErrors) as err:
        apply(a, "assess", world.sec_a, expected_version=None, data={**ASSESS, "grade": grade})
    assert set(err.value.errors) == {"masses"}
    apply(
        a, "assess", world.sec_a, expected_version=None, data={**ASSESS, **MASSES, "grade": grade}
    )
    assert a.masses_opinion == MASSES["masses"]


def test_masses_are_required_when_a_vetoed_record_is_assessed(world):
    a = walk_to(world, world.alice, "signed")
    apply(a, "veto", world.sec_a, expected_version=None, comment="酒驾", data=VETO)
    with pytest.raises(FieldErrors) as err:
        apply(a, "assess", world.sec_a, expected_version=None, data={**ASSESS, "grade": None})
    assert "masses" in err.value.errors


def test_a_qualified_grade_needs_no_masses(world):
    a = walk_to(world, world.alice, "assessed")
    assert a.grade == "qualified" and a.masses_opinion == ""


def _full_members_of_group_a(world):
    return [
        m
        for m in db.session.scalars(
            select(Member).where(
                Member.org_id == world.tree.group_a.id, Member.membership == "full"
            )
        )
        if m.id != world.leader_member.id
    ]


def test_the_cap_statement_shows_the_figures_the_check_refuses_by(world, login_as):
    excellent = {**ASSESS, **MASSES, "grade": "excellent"}
    first, second, third = _full_members_of_group_a(world)[:3]
    walk_to(world, first, "assessed", data=excellent)
    walk_to(world, second, "assessed", data=excellent)
    a = walk_to(world, third, "signed")
    cap = excellent_cap(world.period, a.org, excluding=a.id)
    # Branch A: 6 full members (the probationary one is not graded), a third → 2, both used.
    assert (cap.total, cap.allowed, cap.used) == (6, 2, 2)
    with pytest.raises(FieldErrors) as err:
        apply(a, "assess", world.sec_a, expected_version=None, data=excellent)
    assert cap.statement() in err.value.errors["grade"]
    db.session.commit()
    c = login_as(world.sec_a)
    record_page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert escape(cap.statement()) in record_page
    overview = c.get(f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}")
    branch_cap = excellent_cap(world.period, world.tree.branch_a)
    assert (branch_cap.total, branch_cap.allowed, branch_cap.used) == (6, 2, 2)
    assert escape(branch_cap.statement()) in overview.get_data(as_text=True)


def test_the_cap_leaves_the_record_itself_out_when_it_is_already_excellent(world):
    excellent = {**ASSESS, **MASSES, "grade": "excellent"}
    first, second = _full_members_of_group_a(world)[:2]
    walk_to(world, first, "assessed", data=excellent)
    a = walk_to(world, second, "assessed", data=excellent)
    # The branch revises its opinion on an excellent record: it does not count against itself.
    assert excellent_cap(world.period, a.org, excluding=a.id).admits_one_more()
    apply(a, "assess", world.sec_a, expected_version=None, data=excellent)
    assert a.grade == "excellent"
