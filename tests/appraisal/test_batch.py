"""Working through many records (issue 14): signing several records with one opinion and
giving several the same grade from the branch overview. Each record is still checked on its
own (state, rights, the 优秀 cap, its version), gets its own timeline step, and a refused
record keeps nothing of the attempt."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.appraisal import batch
from app.appraisal.labels import STATUS_LABELS
from app.appraisal.models import Appraisal, AppraisalStep, BranchMeeting
from app.errors import FieldErrors
from app.extensions import db
from app.roster.models import Member
from tests.appraisal.conftest import ASSESS, MASSES, walk_to
from tests.crawl import text_of

GRADE = {**ASSESS, **MASSES}


def _steps(a: Appraisal, action: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AppraisalStep)
        .where(AppraisalStep.appraisal_id == a.id, AppraisalStep.action == action)
    )


def _pick(*records: Appraisal) -> dict[int, int]:
    return {a.id: a.version for a in records}


def _jia(i: int) -> Member:
    """One of the world's four plain members of group A (甲组0 … 甲组3)."""
    return db.session.scalar(select(Member).where(Member.name == f"甲组{i}"))


def test_grading_several_signed_records_checks_each_and_writes_each_timeline(world):
    signed = [walk_to(world, m, "signed") for m in (world.alice, _jia(0))]
    draft = world.record(world.bob)  # branch B: outside the secretary's branch overview
    own_draft = walk_to(world, world.probie, "draft")
    db.session.commit()
    t = world.tree
    result = batch.grade_records(
        world.sec_a, world.period, t.branch_a, _pick(*signed, own_draft, draft), ASSESS
    )
    db.session.commit()
    assert sorted(n for _id, n in result.done) == sorted(["爱丽丝", "甲组0"])
    refused = {r.appraisal_id: r.reason for r in result.refused}
    assert set(refused) == {own_draft.id, draft.id}
    assert str(STATUS_LABELS["draft"]) in refused[own_draft.id]  # its state, named
    for a in signed:
        a = world.record(a.member)
        assert a.status == "assessed" and a.grade == "qualified"
        assert _steps(a, "assess") == 1
    # One meeting recorded for the batch, shared by every record it decided.
    meetings = db.session.scalars(select(BranchMeeting)).all()
    assert len(meetings) == 1
    assert {world.record(a.member).branch_meeting_id for a in signed} == {meetings[0].id}
    assert world.record(world.probie).status == "draft"


def test_the_excellent_cap_is_counted_record_by_record(world):
    # Branch A: 6 full members (the probationary one is not graded) -> at most 2 excellent.
    records = [walk_to(world, m, "signed") for m in (world.alice, *map(_jia, range(3)))]
    db.session.commit()
    result = batch.grade_records(
        world.sec_a,
        world.period,
        world.tree.branch_a,
        _pick(*records),
        {**GRADE, "grade": "excellent"},
    )
    db.session.commit()
    assert len(result.done) == 2 and len(result.refused) == 2
    assert all("优秀" in r.reason for r in result.refused)
    for r in result.refused:
        a = db.session.get(Appraisal, r.appraisal_id)
        assert a.status == "signed" and a.grade is None and _steps(a, "assess") == 0
    grades = db.session.scalars(
        select(Appraisal.grade).where(Appraisal.id.in_([a.id for a in records]))
    ).all()
    assert sorted(g or "" for g in grades) == ["", "", "excellent", "excellent"]


def test_who_may_not_grade_gets_each_record_refused_with_its_reason(world):
    a = walk_to(world, world.alice, "signed")
    db.session.commit()
    # The group leader signs but does not give the branch opinion.
    result = batch.grade_records(world.leader_a, world.period, world.tree.group_a, _pick(a), ASSESS)
    assert result.done == [] and len(result.refused) == 1
    assert "无权" in result.refused[0].reason
    db.session.rollback()
    assert world.record(world.alice).status == "signed"
    # Branch B's secretary cannot reach branch A's records at all.
    result = batch.grade_records(world.sec_b, world.period, world.tree.branch_b, _pick(a), ASSESS)
    assert result.done == [] and result.refused[0].name == ""


def test_signing_several_with_one_opinion_and_a_stale_one_refused(world):
    subs = [walk_to(world, m, "submitted") for m in (world.alice, _jia(0), _jia(1))]
    db.session.commit()
    pick = _pick(*subs)
    pick[subs[0].id] -= 1  # the page showed an older version of Alice's record
    result = batch.sign_records(world.leader_a, world.period, world.tree.group_a, pick, "属实")
    db.session.commit()
    assert len(result.done) == 2
    assert [r.appraisal_id for r in result.refused] == [subs[0].id]
    for a in subs[1:]:
        a = db.session.get(Appraisal, a.id)
        assert a.status == "signed" and a.sign_opinion == "属实" and _steps(a, "sign") == 1
    assert db.session.get(Appraisal, subs[0].id).status == "submitted"


def test_an_opinion_left_empty_is_shown_beside_the_field_and_nothing_is_written(world):
    subs = [walk_to(world, m, "submitted") for m in (world.alice, _jia(0))]
    db.session.commit()
    with pytest.raises(FieldErrors) as e:
        batch.sign_records(world.sec_a, world.period, world.tree.branch_a, _pick(*subs), " ")
    assert set(e.value.errors) == {"comment"}
    with pytest.raises(FieldErrors) as e:
        batch.sign_records(world.sec_a, world.period, world.tree.branch_a, {}, "属实")
    assert set(e.value.errors) == {"ids"}


def test_the_pages_offer_the_batch_and_report_each_refusal(world, login_as):
    a = walk_to(world, world.alice, "signed")
    b = walk_to(world, _jia(0), "signed")
    db.session.commit()
    url = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}"
    c = login_as(world.sec_a)
    page = c.get(url + "?status=signed").get_data(as_text=True)
    assert 'id="batch"' in page and f'value="{a.id}:{a.version}"' in page
    assert "data-confirm" in page and 'id="batch-all"' in page
    # Drafts offer no batch; the group leader is offered signing only, on submitted records.
    assert 'id="batch"' not in c.get(url + "?status=draft").get_data(as_text=True)
    r = c.post(
        f"{url}/batch/assess?status=signed",
        data={
            "ids": [f"{a.id}:{a.version}", f"{b.id}:{b.version - 1}"],
            "meeting_id": "0",
            "meeting_on": "2026-10-10",
            "attendees": "张书记、李委员",
            "grade": "qualified",
            "comment": "同意",
        },
        follow_redirects=True,
    )
    text = text_of(r.get_data(as_text=True))
    assert r.history[0].status_code == 303 and r.status_code == 200
    assert "甲组0" in text, text
    assert world.record(world.alice).status == "assessed"
    assert world.record(_jia(0)).status == "signed"
    # A missing grade goes beside the field; nothing written.
    c2 = login_as(world.sec_a)
    b = world.record(_jia(0))
    r = c2.post(
        f"{url}/batch/assess?status=signed",
        data={"ids": [f"{b.id}:{b.version}"], "meeting_on": "2026-10-10", "attendees": "张书记"},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "invalid-feedback" in page and 'id="batch"' in page
    assert world.record(_jia(0)).status == "signed"


def test_search_finds_members_by_name_or_pinyin_and_keeps_the_filter(world, login_as):
    c = login_as(world.sec_a)
    url = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}"
    html = c.get(url + "?q=爱丽").get_data(as_text=True)
    assert "爱丽丝" in html and "甲组0" not in html
    assert 'name="q"' in html and 'value="爱丽"' in html
    html = c.get(url + "?q=甲组&status=draft").get_data(as_text=True)
    assert "甲组0" in html and "爱丽丝" not in html and 'name="status" value="draft"' in html
    assert "爱丽丝" not in c.get(url + "?q=没有这人").get_data(as_text=True)
    world.alice.name_pinyin, world.alice.name_initials = "ailisi", "als"  # as the roster sets
    db.session.commit()
    assert "爱丽丝" in c.get(url + "?q=Aili").get_data(as_text=True)
    assert "爱丽丝" in c.get(url + "?q=als").get_data(as_text=True)
    assert "爱丽丝" not in c.get(url + "?q=lisi").get_data(as_text=True)
    # The progress counts stay the whole branch's, whatever the list is filtered by.
    assert 'id="progress"' in html and 'value="7" max="7"' in html


def test_the_sampled_filter_lists_the_drawn_records(world, login_as):
    a = walk_to(world, world.alice, "assessed")
    a.is_sampled = True
    db.session.commit()
    c = login_as(world.committee)
    url = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.committee.id}"
    html = c.get(url + "?sampled=drawn").get_data(as_text=True)
    assert "爱丽丝" in html and "鲍勃" not in html and 'id="by-branch"' not in html
    assert "爱丽丝" in c.get(url + "?sampled=open").get_data(as_text=True)


def test_search_and_batch_pages_run_a_fixed_number_of_queries(world, login_as, count_queries):
    from app.appraisal import services
    from tests.factories import make_member

    url = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}"
    pages = ("?q=甲组", "?status=signed", "?sampled=drawn")

    def counts() -> list[int]:
        out = []
        c = login_as(world.sec_a)
        for args in pages:
            with count_queries() as q:
                assert c.get(url + args).status_code == 200
            out.append(q.count)
        return out

    walk_to(world, world.alice, "signed")
    db.session.commit()
    few = counts()
    for i in range(6):
        make_member(world.tree.group_a, name=f"甲组加{i}")
    services.add_missing_records(world.period)
    db.session.commit()
    for i in range(3):
        walk_to(
            world, db.session.scalar(select(Member).where(Member.name == f"甲组加{i}")), "signed"
        )
    db.session.commit()
    assert counts() == few


def test_signing_from_the_page_keeps_the_opinion_typed(world, login_as):
    subs = [walk_to(world, m, "submitted") for m in (world.alice, _jia(0))]
    db.session.commit()
    url = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.group_a.id}"
    c = login_as(world.leader_a)
    assert 'id="batch"' in c.get(url + "?status=submitted").get_data(as_text=True)
    ids = [f"{a.id}:{a.version}" for a in subs]
    r = c.post(f"{url}/batch/sign?status=submitted", data={"ids": ids, "comment": " "})
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    assert {world.record(a.member).status for a in subs} == {"submitted"}
    r = c.post(
        f"{url}/batch/sign?status=submitted",
        data={"ids": ids, "comment": "情况属实"},
        follow_redirects=True,
    )
    assert r.status_code == 200 and 'id="batch-summary"' in r.get_data(as_text=True)
    for a in subs:
        a = world.record(a.member)
        assert a.status == "signed" and a.sign_opinion == "情况属实" and _steps(a, "sign") == 1


def test_the_route_s_own_names_in_the_query_string_change_nothing(world, login_as):
    """?period_id= or ?org_id= (or anything else) never reaches the links the pages build:
    the overview answers, and a batch answers after it has signed (not a 500 after the commit)."""
    subs = [walk_to(world, m, "submitted") for m in (world.alice, _jia(0))]
    db.session.commit()
    url = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.group_a.id}"
    c = login_as(world.leader_a)
    for junk in ("&action=x", "&org_id=1", "&period_id=1"):
        assert c.get(f"{url}?status=submitted{junk}").status_code == 200
    ids = [f"{a.id}:{a.version}" for a in subs]
    r = c.post(
        f"{url}/batch/sign?status=submitted&period_id=1&org_id=2",
        data={"ids": ids, "comment": "情况属实"},
        follow_redirects=True,
    )
    assert r.status_code == 200 and 'id="batch-summary"' in r.get_data(as_text=True)
    assert f'href="{url}?status=submitted"' in r.get_data(as_text=True)


def test_a_batch_is_refused_where_the_overview_offers_none(world, login_as):
    """Only a branch's or group's overview offers a batch: a post to the committee's is refused
    before any record is touched (one branch meeting decides one branch's grades)."""
    a = walk_to(world, world.alice, "signed")
    db.session.commit()
    url = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.committee.id}"
    r = login_as(world.committee).post(
        f"{url}/batch/assess",
        data={"ids": [f"{a.id}:{a.version}"], "grade": "qualified", "comment": "同意"},
    )
    assert r.status_code == 409
    assert world.record(world.alice).status == "signed"
