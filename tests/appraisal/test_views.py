"""Appraisal pages and services: opening a quarter, the inbox per role, the branch overview."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.appraisal import services
from app.appraisal.inbox import inbox
from app.appraisal.models import Appraisal
from app.appraisal.workflow import apply
from app.extensions import db
from tests.appraisal.conftest import fill
from tests.factories import make_member


def test_opening_creates_one_record_per_member_in_good_standing(world):
    n = db.session.scalar(select(func.count(Appraisal.id)))
    assert n == 8  # alice, the leader, the probationary member, bob and four more
    assert world.record(world.probie).is_probationary
    gone = make_member(world.tree.group_a, name="已转出", party_status="transferred_out")
    new = make_member(world.tree.group_b, name="新党员")
    assert services.add_missing_records(world.period) == 1
    db.session.commit()
    assert world.record(new) is not None and world.record(gone) is None
    with pytest.raises(Exception):  # noqa: B017 - opening the same quarter twice
        services.open_period(world.committee, world.tree.committee, 2026, 3,
                             services.Deadlines(*[world.period.self_due] * 4))  # fmt: skip


def test_inbox_per_role(world):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    b = world.record(world.bob)
    fill(b)
    apply(b, "submit", world.sec_b, expected_version=None)
    apply(b, "sign", world.leader_b, expected_version=None, comment="属实")
    db.session.commit()

    def tasks(user):
        return sorted((i.task, i.appraisal.member.name) for i in inbox(user).items)

    assert tasks(world.alice_user) == []  # submitted: nothing left to do
    assert ("sign", "爱丽丝") in tasks(world.leader_a)
    assert ("sign", "鲍勃") not in tasks(world.leader_a)
    assert tasks(world.sec_b) == [("assess", "鲍勃")]
    assert {t for t, _ in tasks(world.leader_a)} == {"sign", "self"}  # their own record too
    # the leader's own record is not in their sign-off list
    assert ("sign", "组长本人") not in tasks(world.leader_a)


def test_inbox_and_overview_run_fixed_numbers_of_queries(world, login_as, count_queries):
    c = login_as(world.sec_a)
    url = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}"
    with count_queries() as few_over:
        assert c.get(url).status_code == 200
    with count_queries() as few_inbox:
        assert c.get("/appraisal/").status_code == 200
    for i in range(15):
        make_member(world.tree.group_a, name=f"加{i}")
    services.add_missing_records(world.period)
    db.session.commit()
    for a in db.session.scalars(select(Appraisal).where(Appraisal.status == "draft")):
        if a.member_id != world.alice.id:
            pass
    with count_queries() as many_over:
        assert c.get(url).status_code == 200
    with count_queries() as many_inbox:
        assert c.get("/appraisal/").status_code == 200
    assert many_over.count == few_over.count
    assert many_inbox.count == few_inbox.count


def test_member_writes_and_submits_on_the_phone_form(world, login_as):
    c = login_as(world.alice_user)
    a = world.record(world.alice)
    keys = ("political", "party_spirit", "job_duties", "ideological_work", "technical")
    data = {f"self-dim_{k}": "写实内容" for k in keys}
    data.update({"self-version": a.version, "self-dim_political__study_hours": "abc"})
    r = c.post(f"/appraisal/{a.id}/self", data=data)
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    data["self-dim_political__study_hours"] = "12"
    r = c.post(f"/appraisal/{a.id}/self", data={**data, "self-send": "1"})
    assert r.status_code == 302
    a = world.record(world.alice)
    assert a.status == "submitted" and a.self_record["political"]["study_hours"] == 12


def test_record_pages_are_scoped(world, login_as):
    a = world.record(world.alice)
    assert login_as(world.sec_b).get(f"/appraisal/{a.id}").status_code == 404
    assert login_as(world.leader_b).get(f"/appraisal/{a.id}").status_code == 404
    assert login_as(world.sec_a).get(f"/appraisal/{a.id}").status_code == 200
    assert login_as(world.alice_user).get(f"/appraisal/{a.id}").status_code == 200
    b = world.record(world.bob)
    assert login_as(world.alice_user).get(f"/appraisal/{b.id}").status_code == 404
    over = f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_b.id}"
    assert login_as(world.sec_a).get(over).status_code == 404


def test_step_over_http_with_stale_version(world, login_as):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    apply(a, "sign", world.leader_a, expected_version=None, comment="属实")
    db.session.commit()
    a = world.record(world.alice)
    c = login_as(world.sec_a)
    form = {"step_assess-version": a.version, "step_assess-grade": "qualified",
            "step_assess-meeting_on": "2026-10-10", "step_assess-comment": "同意",
            "step_assess-masses": "好"}  # fmt: skip
    assert c.post(f"/appraisal/{a.id}/step/assess", data=form).status_code == 302
    r = c.post(f"/appraisal/{a.id}/step/veto",
               data={"step_veto-version": a.version, "step_veto-category": "illegal",
                     "step_veto-comment": "事实"})  # fmt: skip
    assert r.status_code == 409
    assert world.record(world.alice).is_vetoed is False


def test_appraisal_book_lists_the_quarters(world, login_as):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    page = login_as(world.alice_user).get(f"/appraisal/members/{world.alice.id}/book")
    assert page.status_code == 200 and "2026年第3季度" in page.get_data(as_text=True)
    assert login_as(world.sec_b).get(f"/appraisal/members/{world.alice.id}/book").status_code == 404


def test_period_pages(world, login_as):
    c = login_as(world.committee)
    assert c.get("/appraisal/periods").status_code == 200
    assert c.get(f"/appraisal/periods/{world.period.id}").status_code == 200
    r = c.post(f"/appraisal/periods/{world.period.id}/sample", data={"share": "10"})
    assert r.status_code == 302
    db.session.expire_all()
    assert not world.period.is_closed


def test_committee_edits_the_template_and_open_quarters_keep_theirs(world, login_as):
    from datetime import date as d

    c = login_as(world.committee)
    page = c.get("/appraisal/templates").get_data(as_text=True)
    assert "政治思想" in page
    form = {"new_label": "安全生产", "new_guidance": "本季度安全生产情况"}
    keys = ("political", "party_spirit", "job_duties", "ideological_work", "technical")
    for i, key in enumerate(keys):
        form.update({f"rows-{i}-key": key, f"rows-{i}-label": f"维度{i}", f"rows-{i}-guidance": ""})
    url = f"/appraisal/templates?org_id={world.tree.committee.id}&post_kind=no_post"
    assert c.post(url, data=form).status_code == 302
    from app.appraisal.workflow import dimensions_for

    assert [x["label"] for x in dimensions_for(world.record(world.alice))][0] == "政治思想"
    new = services.open_period(world.committee, world.tree.committee, 2026, 4,
                               services.Deadlines(d(2026, 12, 31), d(2027, 1, 7), d(2027, 1, 15),
                                                  d(2027, 1, 25)))  # fmt: skip
    labels = [x["label"] for x in new.templates["no_post"]]
    assert labels[0] == "维度0" and labels[-1] == "安全生产"
    assert login_as(world.sec_a).get("/appraisal/templates").status_code == 403


def test_probation_review_form_only_for_probationary_quarters(world, login_as):
    c = login_as(world.sec_a)
    assert c.get(f"/appraisal/members/{world.probie.id}/probation").status_code == 200
    assert c.get(f"/appraisal/members/{world.alice.id}/probation").status_code == 404


def test_book_and_probation_form_as_excel(world, login_as):
    import io

    import openpyxl

    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    c = login_as(world.sec_a)
    r = c.get(f"/appraisal/members/{world.alice.id}/book.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][1] == "政治思想" and rows[2][0] == "2026年第3季度" and rows[2][1] == "本季度情况"
    assert c.get(f"/appraisal/members/{world.probie.id}/probation.xlsx").status_code == 200
    assert (
        login_as(world.sec_b).get(f"/appraisal/members/{world.alice.id}/book.xlsx").status_code
        == 404
    )
