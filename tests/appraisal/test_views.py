"""Appraisal pages and services: opening a quarter, the inbox per role, the branch overview."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import openpyxl
import pytest
import time_machine
from sqlalchemy import func, select

from app.appraisal import responsibility, rollup, services
from app.appraisal.inbox import inbox
from app.appraisal.models import Appraisal, ContactLog
from app.appraisal.workflow import apply, dimensions_for
from app.audit import AuditEvent
from app.common import timeutil
from app.errors import FieldErrors
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
    with pytest.raises(FieldErrors) as opened_twice:
        services.open_period(
            world.committee,
            world.tree.committee,
            2026,
            3,
            services.Deadlines(*[world.period.self_due] * 4),
        )
    assert list(opened_twice.value.errors) == ["quarter"]


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
        return sorted((i.task, i.member_name) for i in inbox(user).items)

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
    form = {
        "step_assess-version": a.version,
        "step_assess-grade": "qualified",
        "step_assess-meeting_on": "2026-10-10",
        "step_assess-attendees": "张书记、李委员",
        "step_assess-comment": "同意",
        "step_assess-masses": "好",
    }
    assert c.post(f"/appraisal/{a.id}/step/assess", data=form).status_code == 302
    r = c.post(
        f"/appraisal/{a.id}/step/veto",
        data={
            "step_veto-version": a.version,
            "step_veto-category": "illegal",
            "step_veto-comment": "事实",
        },
    )
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
    r = c.post(f"/appraisal/periods/{world.period.id}/sample", data={"share": "250", "seed": "s1"})
    page = r.get_data(as_text=True)  # the typed values stay, the error beside the share
    assert r.status_code == 200 and "invalid-feedback" in page and 'value="s1"' in page
    assert 'value="250"' in page and "1% 到 100%" in page
    r = c.post(f"/appraisal/periods/{world.period.id}/sample", data={"share": "10"})
    assert r.status_code == 302
    db.session.expire_all()
    assert not world.period.is_closed


def test_committee_edits_the_template_and_open_quarters_keep_theirs(world, login_as):
    c = login_as(world.committee)
    page = c.get("/appraisal/templates").get_data(as_text=True)
    assert "政治思想" in page
    form = {"new_label": "安全生产", "new_guidance": "本季度安全生产情况"}
    keys = ("political", "party_spirit", "job_duties", "ideological_work", "technical")
    for i, key in enumerate(keys):
        form.update({f"rows-{i}-key": key, f"rows-{i}-label": f"维度{i}", f"rows-{i}-guidance": ""})
    url = f"/appraisal/templates?org_id={world.tree.committee.id}&post_kind=no_post"
    assert c.post(url, data=form).status_code == 302
    assert [x["label"] for x in dimensions_for(world.record(world.alice))][0] == "政治思想"
    new = services.open_period(
        world.committee,
        world.tree.committee,
        2026,
        4,
        services.Deadlines(
            date(2026, 12, 31), date(2027, 1, 7), date(2027, 1, 15), date(2027, 1, 25)
        ),
    )
    db.session.commit()  # a request below writes the audit log too
    labels = [x["label"] for x in new.templates["no_post"]]
    assert labels[0] == "维度0" and labels[-1] == "安全生产"
    assert login_as(world.sec_a).get("/appraisal/templates").status_code == 403


def test_probation_review_form_only_for_probationary_quarters(world, login_as):
    c = login_as(world.sec_a)
    assert c.get(f"/appraisal/members/{world.probie.id}/probation").status_code == 200
    assert c.get(f"/appraisal/members/{world.alice.id}/probation").status_code == 404


def test_book_and_probation_form_as_excel(world, login_as):
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


# --- closing a quarter --------------------------------------------------------------------


def test_a_secretary_closing_a_quarter_is_refused_with_403(world, login_as):
    c = login_as(world.sec_a)
    url = f"/appraisal/periods/{world.period.id}/close"
    assert c.get(url).status_code == 403
    assert c.post(url, data={"reason": "提前结束"}).status_code == 403
    db.session.expire_all()
    assert not world.period.is_closed


def test_closing_shows_unfinished_records_per_branch_and_requires_a_reason(world, login_as):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    c = login_as(world.committee)
    url = f"/appraisal/periods/{world.period.id}/close"
    page = c.get(url).get_data(as_text=True)
    assert world.tree.branch_a.name in page and world.tree.branch_b.name in page
    assert page.count("<tr>") == 3  # the header and one row per branch

    r = c.post(url, data={"reason": " "})
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    db.session.expire_all()
    assert not world.period.is_closed

    assert c.post(url, data={"reason": "上级要求提前归档"}).status_code == 302
    db.session.expire_all()
    assert world.period.is_closed
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "appraisal.close_period"))
    assert ev.details["reason"] == "上级要求提前归档"
    assert ev.details["unfinished"] == {"draft": 7, "submitted": 1}


def test_unfinished_counts_per_branch_and_state(world):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    rows = {r.branch.name: r.unfinished for r in rollup.unfinished_by_branch(world.period)}
    assert rows == {
        world.tree.branch_a.name: {"draft": 6, "submitted": 1},
        world.tree.branch_b.name: {"draft": 1},
    }


# --- the record page's forms ----------------------------------------------------------------


def _submitted(world):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    return world.record(world.alice)


def test_each_step_form_keeps_its_own_input_and_errors(world, login_as):
    a = _submitted(world)
    c = login_as(world.leader_a)
    r = c.post(
        f"/appraisal/{a.id}/step/return_to_member",
        data={"step_return_to_member-version": a.version, "step_return_to_member-comment": "补"},
    )
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert page.count("invalid-feedback") == 1  # under the 退回 form only
    sign_box = re.search(r'<textarea[^>]*name="step_sign-comment"[^>]*>([^<]*)</textarea>', page)
    back_box = re.search(
        r'<textarea[^>]*name="step_return_to_member-comment"[^>]*>([^<]*)</textarea>', page
    )
    assert sign_box.group(1).strip() == "" and back_box.group(1).strip() == "补"
    assert world.record(world.alice).status == "submitted"


def _typed_self_record(a, text="还没保存的写实内容"):
    keys = ("political", "party_spirit", "job_duties", "ideological_work", "technical")
    return {"self-version": a.version, **{f"self-dim_{k}": text for k in keys}}


def test_logging_a_talk_keeps_the_unsaved_self_record(world, login_as):
    a = world.record(world.alice)
    key = responsibility.add_person(world.alice_user, a, "马建军", "", True)
    db.session.commit()
    c = login_as(world.alice_user)
    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    # The talk form's button posts the self-record's <form>, so its text comes along.
    form = page[
        page.index('id="self-record"') : page.index("</form>", page.index('id="self-record"'))
    ]
    assert f'formaction="/appraisal/{a.id}/area/log#area"' in form
    log = {
        "log-person_id": key.id,
        "log-kind": "talk",
        "log-occurred_on": timeutil.today().isoformat(),
        "log-summary": "谈心",
    }
    r = c.post(f"/appraisal/{a.id}/area/log", data={**_typed_self_record(a), **log})
    assert r.status_code == 200
    assert r.get_data(as_text=True).count("还没保存的写实内容") == 5  # shown again, not saved
    assert db.session.scalar(select(func.count(ContactLog.id))) == 1
    assert world.record(world.alice).self_record == {}
    # Nothing typed elsewhere: back to the page as usual.
    r = c.post(f"/appraisal/{a.id}/area/log", data={**_typed_self_record(a, ""), **log})
    assert r.status_code == 302


def test_an_error_in_the_talk_form_stays_there_and_keeps_the_self_record(world, login_as):
    a = world.record(world.alice)
    key = responsibility.add_person(world.alice_user, a, "马建军", "", True)
    db.session.commit()
    c = login_as(world.alice_user)
    log = {"log-person_id": key.id, "log-kind": "talk", "log-summary": "谈心"}
    r = c.post(f"/appraisal/{a.id}/area/log", data={**_typed_self_record(a), **log})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and page.count("invalid-feedback") == 1
    assert re.search(r'name="log-occurred_on"[^>]*>\s*<div class="invalid-feedback">', page)
    assert page.count("还没保存的写实内容") == 5
    assert db.session.scalar(select(func.count(ContactLog.id))) == 0


def test_saving_the_self_record_keeps_a_talk_typed_but_not_logged(world, login_as):
    a = world.record(world.alice)
    responsibility.add_person(world.alice_user, a, "马建军", "", True)
    db.session.commit()
    c = login_as(world.alice_user)
    data = {**_typed_self_record(a), "self-save": "1", "log-summary": "下周家访"}
    r = c.post(f"/appraisal/{a.id}/self", data=data)
    assert r.status_code == 200 and "下周家访" in r.get_data(as_text=True)
    assert world.record(world.alice).self_record["political"]["text"] == "还没保存的写实内容"


def test_closing_shows_the_days_left_before_each_deadline(world):
    # The world's deadlines: self-records 30 Sep, sign-offs 7 Oct, opinions 15 Oct, spot 25 Oct.
    with time_machine.travel(datetime(2026, 10, 10, 4, 0, tzinfo=UTC), tick=False):
        left = [(d.due.isoformat(), d.days_left) for d in rollup.deadlines(world.period)]
    assert left == [("2026-09-30", -10), ("2026-10-07", -3), ("2026-10-15", 5), ("2026-10-25", 15)]


def test_a_step_without_a_form_for_the_viewer_is_refused_before_its_input_is_read(world, login_as):
    a = world.record(world.alice)
    c = login_as(world.alice_user)
    # Not hers to sign, whatever the input: 409 in the draft state, never a silent 200.
    for data in ({"step_sign-comment": ""}, {"step_sign-comment": "属实", "step_sign-version": 1}):
        assert c.post(f"/appraisal/{a.id}/step/sign", data=data).status_code == 409
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    r = c.post(f"/appraisal/{a.id}/step/sign", data={"step_sign-comment": ""})
    assert r.status_code == 403  # nobody signs their own record
