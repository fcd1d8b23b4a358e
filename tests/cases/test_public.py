"""The public online agency under /guide: applying online for a tracking code, following the
case with the code and phone (nothing revealed otherwise), rating it once delivered, and the
guards of a page without login (rate limits, CSRF)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.cases import services
from app.cases.models import CaseStep, Channel, Evaluation, ServiceCase, Status
from app.cases.workflow import Action, apply
from app.extensions import db
from tests.conftest import build_app, csrf_token

PHONE = "13800001234"  # the phone of net.case()'s applicant
NOT_FOUND = re.compile(r'<div class="alert alert-danger" role="alert" id="not-found">(.*?)</div>')


def _apply_data(net, **overrides) -> dict:
    data = {
        "item_id": net.promised.id,
        "service_point_id": net.room.id,
        "name": "李四",
        "phone": "139 1234 5678",
        "village": "甲村",
        "request": "为母亲申请低保",
    }
    data.update(overrides)
    return data


def _track(client, code: str, phone: str = PHONE, **rating):
    return client.post("/guide/track", data={"code": code, "phone": phone, **rating})


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _delivered(net, phone: str = PHONE) -> ServiceCase:
    """A case done and handed over on the spot by room 甲's agent: it awaits the rating."""
    case = net.case(net.direct, phone=phone)
    apply(
        case,
        Action.ACCEPT_IMMEDIATE,
        net.agent,
        expected_version=case.version,
        data={"result": "证明已开具"},
    )
    db.session.commit()
    assert case.status == Status.DELIVERED
    return case


# --- applying ----------------------------------------------------------------------------------


def test_apply_page_preselects_the_item_of_the_guide(net, client):
    page = client.get(f"/guide/apply?item={net.promised.id}").get_data(as_text=True)
    assert f'<option selected value="{net.promised.id}">' in page
    assert net.room.name in page and net.district.name in page
    item_page = client.get(f"/guide/items/{net.promised.id}").get_data(as_text=True)
    assert f'href="/guide/apply?item={net.promised.id}"' in item_page
    assert 'href="/guide/track"' in client.get("/guide/").get_data(as_text=True)


def test_apply_registers_an_online_case_and_shows_its_code_once(net, client):
    r = client.post("/guide/apply", data=_apply_data(net))
    assert r.status_code == 200
    assert r.headers["Cache-Control"] == "no-store"
    page = r.get_data(as_text=True)
    code = re.search(r'id="tracking-code">([A-Z0-9]+)<', page).group(1)
    case = db.session.scalar(select(ServiceCase))
    assert case.number in page and "/guide/track" in page
    assert (case.channel, case.status, case.item_id) == (
        Channel.ONLINE,
        Status.APPLIED,
        net.promised.id,
    )
    assert case.service_point_id == net.room.id and case.applicant.name == "李四"
    assert services.find_by_code(code, "13912345678") == case
    step = db.session.scalar(select(CaseStep).where(CaseStep.case_id == case.id))
    assert (step.action, step.actor_id) == (Action.REGISTER, None)


def test_bad_application_shows_errors_beside_the_fields_and_writes_nothing(net, client):
    r = client.post(
        "/guide/apply", data=_apply_data(net, item_id="x", name="", phone="", request="")
    )
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert page.count("此项为必填项。") == 3  # name, phone, request
    assert 'id="item_id" name="item_id"' in page and "form-select is-invalid" in page
    assert _count(ServiceCase) == 0


def test_a_phone_of_letters_and_a_closed_point_are_refused_beside_their_fields(net, client):
    r = client.post("/guide/apply", data=_apply_data(net, phone="call me"))
    assert r.status_code == 200
    assert 'class="form-control is-invalid" id="phone"' in r.get_data(as_text=True)
    net.district.is_active = False
    db.session.commit()
    r = client.post("/guide/apply", data=_apply_data(net, service_point_id=net.district.id))
    assert 'class="form-select is-invalid" id="service_point_id"' in r.get_data(as_text=True)
    assert _count(ServiceCase) == 0


# --- tracking ----------------------------------------------------------------------------------


def test_tracking_shows_the_case_only_with_its_code_and_phone(net, client):
    mine = net.case()
    other = net.case(phone="13700009999", request="别人的事")
    code, other_code = services.tracking_code(mine), services.tracking_code(other)

    r = _track(client, code.lower(), "138 0000 1234")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    assert mine.number in page and net.promised.name in page and net.room.name in page
    assert "not-found" not in page and other.number not in page

    messages = []
    for c, phone in (
        (code[:-1] + ("Y" if code.endswith("Z") else "Z"), PHONE),
        (code, "13800004321"),
        (other_code, PHONE),
    ):
        r = _track(client, c, phone)
        page = r.get_data(as_text=True)
        assert r.status_code == 200
        assert mine.number not in page and other.number not in page and "别人的事" not in page
        messages.append(NOT_FOUND.search(page).group(1))
    assert len(set(messages)) == 1  # the same words whichever was wrong


def test_tracking_by_get_shows_only_the_form(net, client):
    case = net.case()
    r = client.get(f"/guide/track?code={services.tracking_code(case)}&phone={PHONE}")
    assert r.status_code == 200
    assert case.number not in r.get_data(as_text=True)


def test_timeline_shows_what_is_meant_for_the_applicant_only(net, client):
    handled = net.case()
    apply(
        handled,
        Action.ACCEPT,
        net.agent,
        expected_version=handled.version,
        data={"materials": ["户口簿", "身份证复印件"]},
    )
    apply(handled, Action.NOTE, net.agent, expected_version=None, comment="内部备注：家里有矛盾")
    refused = net.case(phone="13700009999")
    apply(
        refused,
        Action.REFUSE,
        net.agent,
        expected_version=refused.version,
        comment="不属于受理范围",
    )
    db.session.commit()

    page = _track(client, services.tracking_code(handled)).get_data(as_text=True)
    assert handled.due_on.isoformat() in page
    assert "内部备注" not in page
    assert page.count('class="list-group-item"><span>') == 2  # registered, accepted; no note
    page = _track(client, services.tracking_code(refused), "13700009999").get_data(as_text=True)
    assert "不属于受理范围" in page


# --- rating ------------------------------------------------------------------------------------


def test_rating_needs_a_delivered_case(net, client):
    case = net.case()
    page = _track(client, services.tracking_code(case)).get_data(as_text=True)
    assert 'name="level"' not in page
    r = _track(client, services.tracking_code(case), level="5", rate="1")
    assert r.status_code == 409
    assert _count(Evaluation) == 0


def test_rating_needs_the_code_and_the_phone(net, client):
    case = _delivered(net)
    code = services.tracking_code(case)
    assert 'name="level"' in _track(client, code).get_data(as_text=True)
    for c, phone in ((code, "13800004321"), ("", PHONE), (code, "")):
        r = _track(client, c, phone, level="5", version=str(case.version), rate="1")
        assert r.status_code == 200
        assert case.number not in r.get_data(as_text=True)
    assert _count(Evaluation) == 0


def test_a_good_rating_closes_the_case(net, client):
    case = _delivered(net)
    r = _track(client, services.tracking_code(case), level="4", comment="很及时", rate="1")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert 'id="your-rating"' in page and "很及时" in page and 'name="level"' not in page
    db.session.expire_all()
    ev = db.session.scalar(select(Evaluation))
    assert (ev.level, ev.comment, ev.source, ev.round) == (4, "很及时", "online", 1)
    assert db.session.get(ServiceCase, case.id).status == Status.EVALUATED
    # Once rated, a second rating is refused.
    assert _track(client, services.tracking_code(case), level="1", rate="1").status_code == 409
    assert _count(Evaluation) == 1


def test_a_rating_without_a_level_is_shown_beside_the_field(net, client):
    case = _delivered(net)
    r = _track(client, services.tracking_code(case), level="9", rate="1")
    assert r.status_code == 200
    assert "invalid-feedback d-block" in r.get_data(as_text=True)
    assert _count(Evaluation) == 0


def test_a_bad_first_rating_opens_the_follow_up(net, client):
    case = _delivered(net)
    r = _track(client, services.tracking_code(case), level="2", comment="态度差", rate="1")
    assert r.status_code == 200
    db.session.expire_all()
    case = db.session.get(ServiceCase, case.id)
    assert case.status == Status.FOLLOW_UP
    assert case.visit_due_on is not None and case.fix_due_on is not None
    actions = db.session.scalars(
        select(CaseStep.action).where(CaseStep.case_id == case.id).order_by(CaseStep.id)
    ).all()
    assert actions[-2:] == [Action.EVALUATE, Action.OPEN_FOLLOW_UP]


def test_a_second_round_bad_rating_opens_no_new_follow_up(net):
    case = _delivered(net)
    services.rate(None, case, 1, "", expected_version=case.version)
    apply(case, Action.FIX, net.agent, expected_version=None, comment="已重新办理")
    services.rate(None, case, 2, "", expected_version=None)
    db.session.commit()
    assert case.status == Status.EVALUATED
    assert [e.round for e in db.session.scalars(select(Evaluation).order_by(Evaluation.id))] == [
        1,
        2,
    ]


# --- guards of a page without login ------------------------------------------------------------


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
    track = [c.post("/guide/track", data={"code": "X", "phone": "1"}).status_code for _ in range(4)]
    assert track == [200, 200, 200, 429]
    applied = [c.post("/guide/apply", data={}).status_code for _ in range(3)]
    assert applied == [200, 200, 429]
    assert c.get("/guide/track").status_code == 200  # reading the form is not throttled
    assert c.get("/guide/apply").status_code == 200


def test_public_posts_without_a_token_are_refused(net, csrf_app):
    c = csrf_app.test_client()
    assert c.post("/guide/apply", data=_apply_data(net)).status_code == 400
    assert _count(ServiceCase) == 0
    case = _delivered(net)
    r = _track(c, services.tracking_code(case), level="5", rate="1")
    assert r.status_code == 400
    assert _count(Evaluation) == 0
    token = csrf_token(c, "/guide/apply")
    r = c.post("/guide/apply", data={**_apply_data(net), "csrf_token": token})
    assert r.status_code == 200 and 'id="tracking-code"' in r.get_data(as_text=True)
