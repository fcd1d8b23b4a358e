"""The public complaint form under /guide: a complaint without login gets a number and a
tracking code once; errors in Chinese beside the fields; the supervising body named; tracking
with code and phone only (a wrong phone reveals nothing); throttled and CSRF-protected."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit import AuditEvent
from app.common import timeutil, workdays
from app.extensions import db
from app.network.complaints_workflow import apply
from app.network.models import Complaint, ComplaintStep
from tests.conftest import build_app, csrf_token
from tests.network.supervision_world import build

CODE = re.compile(r'id="tracking-code">([A-Z0-9]+)<')
NOT_FOUND = re.compile(r'id="not-found">(.*?)</div>')


@pytest.fixture
def w(app):
    return build()


def _form(w, **overrides) -> dict:
    data = {
        "service_point_id": w.room.id,
        "agent_name": "钱代理",
        "name": "周群众",
        "phone": "139 0000 1111",
        "content": "去办低保证明，代理员让我跑了三趟还没办",
    }
    data.update(overrides)
    return data


def _count() -> int:
    return db.session.scalar(select(func.count(Complaint.id)))


def test_the_form_names_the_supervising_body_and_its_phone(w, client):
    page = client.get("/guide/complaint").get_data(as_text=True)
    box = page[page.index('id="supervisor"') :]
    assert w.t.committee.name in box[:600]  # our default: the committee at the top
    assert w.room.name in page  # the point is one of the choices


def test_a_complaint_gets_a_number_and_a_code_once(w, client):
    r = client.post("/guide/complaint", data=_form(w))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    code = CODE.search(page).group(1)
    c = db.session.scalar(select(Complaint))
    assert c.number in page and "1111" in page
    assert (c.channel, c.status, c.agent_member_id) == ("online", "received", w.agent_member.id)
    assert c.phone_tail == "1111" and "13900001111" not in c.phone_enc
    assert c.due_on > timeutil.today()
    step = db.session.scalar(select(ComplaintStep).where(ComplaintStep.complaint_id == c.id))
    assert (step.action, step.actor_id) == ("register", None)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "complaint.register"))
    assert "周群众" not in str(event.details) and "1111" not in str(event.details)
    assert code not in client.get("/guide/complaint/track").get_data(as_text=True)


def test_an_unknown_agent_name_stays_in_the_text(w, client):
    client.post("/guide/complaint", data=_form(w, agent_name="不存在的人"))
    c = db.session.scalar(select(Complaint))
    assert c.agent_member_id is None and "不存在的人" in c.content


def test_bad_input_shows_chinese_errors_beside_the_fields_and_writes_nothing(w, client):
    r = client.post(
        "/guide/complaint", data=_form(w, service_point_id="x", name="", phone="", content="")
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert page.count("此项为必填项。") == 3  # name, phone, content
    assert 'class="form-select is-invalid" id="service_point_id"' in page
    r = client.post("/guide/complaint", data=_form(w, phone="call me"))
    page = r.get_data(as_text=True)
    assert 'class="form-control is-invalid" id="phone"' in page and "数字" in page
    assert _count() == 0


def test_tracking_needs_the_code_and_the_phone(w, client):
    page = client.post("/guide/complaint", data=_form(w)).get_data(as_text=True)
    code = CODE.search(page).group(1)
    c = db.session.scalar(select(Complaint))
    later = timeutil.today() + timedelta(days=7)
    apply(c, "assign", w.cmte, expected_version=c.version, data={"handler_id": w.sec.id})
    apply(
        c,
        "uphold",
        w.sec,
        expected_version=c.version,
        data={
            "finding": "upheld",
            "finding_note": "属实",
            "rectification": "当场办结并道歉",
            "rectify_due_on": later,
        },
    )
    db.session.commit()

    r = client.post("/guide/complaint/track", data={"code": code.lower(), "phone": "13900001111"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert c.number in page and "当场办结并道歉" in page and "属实" in page
    assert w.sec.display_name not in page  # who handles it inside is not told

    messages = []
    for wrong_code, phone in (
        (code[:-1] + ("Y" if code.endswith("Z") else "Z"), "13900001111"),
        (code, "13900002222"),
    ):
        r = client.post("/guide/complaint/track", data={"code": wrong_code, "phone": phone})
        page = r.get_data(as_text=True)
        assert c.number not in page and "当场办结并道歉" not in page
        messages.append(NOT_FOUND.search(page).group(1))
    assert len(set(messages)) == 1


def test_tracking_by_get_shows_only_the_form(w, client):
    page = client.get("/guide/complaint/track?code=X&phone=1").get_data(as_text=True)
    assert "not-found" not in page and 'name="code"' in page


def test_public_posts_are_throttled_per_ip(database_url):
    if database_url != "sqlite://":
        pytest.skip("one throttle test is enough")
    app = build_app(
        "sqlite://",
        RATELIMIT_ENABLED=True,
        PUBLIC_APPLY_RATE_LIMIT="2 per minute",
        PUBLIC_TRACK_RATE_LIMIT="3 per minute",
    )
    c = app.test_client()
    tracked = [
        c.post("/guide/complaint/track", data={"code": "X", "phone": "1"}).status_code
        for _ in range(4)
    ]
    assert tracked == [200, 200, 200, 429]
    sent = [c.post("/guide/complaint", data={}).status_code for _ in range(3)]
    assert sent == [200, 200, 429]
    assert c.get("/guide/complaint").status_code == 200


def test_a_post_without_a_token_is_refused(w, csrf_app):
    c = csrf_app.test_client()
    assert c.post("/guide/complaint", data=_form(w)).status_code == 400
    assert _count() == 0
    token = csrf_token(c, "/guide/complaint")
    r = c.post("/guide/complaint", data={**_form(w), "csrf_token": token})
    assert r.status_code == 200 and 'id="tracking-code"' in r.get_data(as_text=True)


def test_the_supervising_body_and_the_deadline_are_settings(w, app, client):
    app.config.update(
        SUPERVISION_BODY="区纪委监委派驻组", SUPERVISION_PHONE="0937-1111222", COMPLAINT_DAYS=5
    )
    try:
        page = client.get("/guide/complaint").get_data(as_text=True)
        assert "区纪委监委派驻组" in page and "0937-1111222" in page
        client.post("/guide/complaint", data=_form(w))
        c = db.session.scalar(select(Complaint))
        assert c.due_on == workdays.add_workdays(c.received_on, 5)
    finally:
        for key in ("SUPERVISION_BODY", "SUPERVISION_PHONE", "COMPLAINT_DAYS"):
            app.config.pop(key)
