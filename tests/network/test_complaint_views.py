"""The staff's complaint pages: counter entry by a point's agent, the list with its filters and
tallies in a fixed number of queries, the complaint page with the viewer's next step only,
the steps over HTTP, and the phone shown in full only on a recorded request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.common import timeutil
from app.extensions import db
from app.network.complaints_workflow import apply
from app.network.models import Complaint
from tests.factories import make_member
from tests.network.supervision_world import PHONE, build


@pytest.fixture
def w(app):
    return build()


def test_an_agent_takes_a_complaint_in_at_the_counter(w, login_as):
    client = login_as(w.agent)
    page = client.get("/network/complaints/new").get_data(as_text=True)
    assert w.room.name in page and "孙代理" in page
    r = client.post(
        "/network/complaints/new",
        data={
            "service_point_id": w.room.id,
            "agent_member_id": w.colleague.id,
            "channel": "phone",
            "name": "吴来电",
            "phone": "13600001111",
            "content": "电话投诉：代理员不接电话",
        },
    )
    page = r.get_data(as_text=True)
    c = db.session.scalar(select(Complaint))
    assert r.status_code == 200 and c.number in page and 'id="tracking-code"' in page
    assert (c.channel, c.agent_member_id, c.complainant_name) == ("phone", w.colleague.id, "吴来电")
    # The agent took it in but does not read complaints afterwards.
    assert client.get(f"/network/complaints/{c.id}").status_code == 404
    assert client.get("/network/complaints").status_code == 403


def test_counter_entry_refuses_an_agent_of_another_point(w, login_as):
    client = login_as(w.sec)
    stranger = make_member(w.t.group_b, name="乙村代理")
    stranger.service_point_id = w.room_b.id
    db.session.commit()
    r = client.post(
        "/network/complaints/new",
        data={
            "service_point_id": w.room.id,
            "agent_member_id": stranger.id,
            "channel": "counter",
            "name": "吴来访",
            "content": "投诉内容写在这里",
        },
    )
    assert r.status_code == 200 and "is-invalid" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_the_list_filters_and_counts_in_a_fixed_number_of_queries(w, login_as, count_queries):
    late = w.complaint(about=w.colleague)
    late.received_on = timeutil.today() - timedelta(days=60)
    late.due_on = timeutil.today() - timedelta(days=30)
    done = w.complaint()
    apply(done, "assign", w.cmte, expected_version=done.version, data={"handler_id": w.sec.id})
    apply(done, "dismiss", w.cmte, expected_version=done.version, data={"reply": "不属实"})
    db.session.commit()
    client = login_as(w.sec)
    page = client.get("/network/complaints").get_data(as_text=True)
    assert late.number in page and done.number in page and 'id="per-agent"' in page
    page = client.get("/network/complaints?overdue=y").get_data(as_text=True)
    assert late.number in page and done.number not in page
    page = client.get("/network/complaints?status=closed").get_data(as_text=True)
    assert late.number not in page and done.number in page
    for _ in range(5):
        w.complaint()
    with count_queries() as few:
        client.get("/network/complaints")
    for _ in range(10):
        w.complaint(about=w.colleague)
    with count_queries() as more:
        client.get("/network/complaints")
    assert more.count == few.count
    # Branch B's secretary may list, and finds nothing of branch A.
    page = login_as(w.sec_b).get("/network/complaints").get_data(as_text=True)
    assert late.number not in page and 'id="empty"' in page


def test_the_page_offers_the_next_step_and_takes_it(w, login_as):
    c = w.complaint(about=w.colleague)
    client = login_as(w.sec)
    page = client.get(f"/network/complaints/{c.id}").get_data(as_text=True)
    assert 'id="step-assign"' in page and 'id="step-uphold"' not in page
    assert PHONE not in page and PHONE[-4:] in page
    due = (timeutil.today() + timedelta(days=5)).isoformat()
    r = client.post(
        f"/network/complaints/{c.id}/step/assign",
        data={"step_assign-version": c.version, "step_assign-handler_id": w.sec.id,
              "step_assign-due_on": due},
    )  # fmt: skip
    assert r.status_code == 302
    page = client.get(f"/network/complaints/{c.id}").get_data(as_text=True)
    assert 'id="step-uphold"' in page and 'id="step-dismiss"' in page
    r = client.post(
        f"/network/complaints/{c.id}/step/uphold",
        data={"step_uphold-version": c.version, "step_uphold-finding": "upheld"},
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and page.count("此项为必填项。") >= 2
    db.session.refresh(c)
    assert c.status == "handling"
    # A step the table does not list now is refused whatever is posted.
    r = client.post(f"/network/complaints/{c.id}/step/close", data={"step_close-result": "x"})
    assert r.status_code == 409


def test_the_accused_agent_finds_nothing(w, login_as):
    c = w.complaint(about=w.agent_member)
    from app.auth import services as auth_services
    from app.auth.models import Role

    auth_services.grant_role(None, w.agent, Role.BRANCH_SECRETARY, w.t.branch_a)
    db.session.commit()
    client = login_as(w.agent)
    assert client.get(f"/network/complaints/{c.id}").status_code == 404
    assert c.number not in client.get("/network/complaints").get_data(as_text=True)
    r = client.post(f"/network/complaints/{c.id}/step/assign", data={})
    assert r.status_code == 404


def test_the_full_phone_is_shown_on_a_recorded_request(w, login_as):
    c = w.complaint()
    client = login_as(w.sec)
    page = client.post(f"/network/complaints/{c.id}/phone").get_data(as_text=True)
    assert PHONE in page
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "complaint.reveal_phone")
    )
    assert event.details["complaint_number"] == c.number and PHONE not in str(event.details)


def test_a_stale_form_is_refused(w, login_as):
    c = w.complaint()
    client = login_as(w.sec)
    old = c.version
    apply(c, "assign", w.cmte, expected_version=c.version, data={"handler_id": w.cmte.id})
    db.session.commit()
    r = client.post(
        f"/network/complaints/{c.id}/step/assign",
        data={"step_assign-version": old, "step_assign-handler_id": w.sec.id},
    )
    assert r.status_code == 409
    db.session.refresh(c)
    assert c.handler_id == w.cmte.id
