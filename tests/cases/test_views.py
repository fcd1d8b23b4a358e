"""The staff's case pages over HTTP: the counter intake, the case page for each role, a case
walked from acceptance to its rating, refused steps, overdue marks, the lists' query counts
and the printed sheets."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.audit import AuditEvent
from app.cases import services
from app.cases.models import Evaluation, ServiceCase
from app.cases.workflow import apply
from app.common import timeutil
from app.extensions import db
from tests.cases.conftest import PHONE
from tests.factories import make_user


def _intake(net, **overrides):
    data = {
        "service_point_id": net.room.id,
        "item_id": net.promised.id,
        "name": "李奶奶",
        "phone": PHONE,
        "village": "甲村",
        "address": "甲村三组12号",
        "id_number": "",
        "request": "申请低保",
        "channel": "phone",
    }
    data.update(overrides)
    return data


def _invalid(page: str, name: str) -> bool:
    """The field ``name`` is shown with an error beside it."""
    return re.search(rf'class="form-(control|select)[^"]*is-invalid" id="{name}"', page) is not None


def _case(case_id: int) -> ServiceCase:
    db.session.expire_all()
    return db.session.get(ServiceCase, case_id)


def _step(client, c: ServiceCase, action: str, **fields):
    data = {f"step_{action}-version": c.version}
    data.update({f"step_{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/cases/{c.id}/step/{action}", data=data)


def test_intake_registers_a_phone_call_and_shows_the_tracking_code_once(net, login_as):
    c = login_as(net.agent)
    page = c.get(f"/cases/new?point={net.room.id}").get_data(as_text=True)
    assert f'<option selected value="{net.room.id}">' in page
    assert net.promised.name in page and net.room_b.name not in page
    r = c.post("/cases/new", data=_intake(net))
    assert r.status_code == 302
    case = db.session.scalar(db.select(ServiceCase))
    assert r.headers["Location"].endswith(f"/cases/{case.id}")
    assert (
        case.status == "applied"
        and case.channel == "phone"
        and case.service_point_id == net.room.id
    )
    shown = c.get(r.headers["Location"]).get_data(as_text=True)
    code = services.tracking_code(case)
    assert "查询码" in shown and code in shown
    assert code not in c.get(f"/cases/{case.id}").get_data(as_text=True)  # flashed once


def test_intake_bad_input_sits_beside_its_fields(net, login_as):
    c = login_as(net.agent)
    r = c.post("/cases/new", data=_intake(net, name="", item_id=0, request=""))
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and db.session.scalar(db.select(ServiceCase)) is None
    assert all(_invalid(page, name) for name in ("name", "item_id", "request"))
    assert not _invalid(page, "phone")
    # The service's own check: a phone of letters, an ID number that does not add up.
    r = c.post("/cases/new", data=_intake(net, phone="abc", id_number="123456789012345678"))
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert _invalid(page, "phone") and _invalid(page, "id_number")
    # A point where this agent may not register cases is not among the choices.
    r = c.post("/cases/new", data=_intake(net, service_point_id=net.room_b.id))
    assert r.status_code == 200 and _invalid(r.get_data(as_text=True), "service_point_id")
    assert db.session.scalar(db.select(ServiceCase)) is None


def test_intake_is_for_point_staff_only(net, login_as):
    member = make_user("plain")
    assert login_as(member).get("/cases/new").status_code == 403


def test_case_page_for_each_role(net, login_as):
    case = net.case()
    assert login_as(net.agent).get(f"/cases/{case.id}").status_code == 200
    assert login_as(net.secretary).get(f"/cases/{case.id}").status_code == 200
    assert login_as(net.cmte).get(f"/cases/{case.id}").status_code == 200
    assert login_as(net.agent_b).get(f"/cases/{case.id}").status_code == 404
    assert login_as(net.township_agent).get(f"/cases/{case.id}").status_code == 404
    page = login_as(net.agent).get(f"/cases/{case.id}").get_data(as_text=True)
    assert "138****1234" in page and PHONE not in page  # the phone masked
    assert case.number in page and "step_accept-materials" in page


def test_a_case_walked_from_acceptance_to_a_bad_rating(net, login_as):
    case = net.case()
    c = login_as(net.agent)
    r = _step(c, case, "accept", kind="accept", materials="户口簿")
    assert r.status_code == 200 and "is-invalid" in r.get_data(as_text=True)  # one missing
    assert _case(case.id).status == "applied"
    case = _case(case.id)
    r = c.post(
        f"/cases/{case.id}/step/accept",
        data={
            "step_accept-version": case.version,
            "step_accept-kind": "accept",
            "step_accept-materials": ["户口簿", "身份证复印件"],
        },
    )
    assert r.status_code == 302
    case = _case(case.id)
    assert case.status == "handling" and case.kind == "promised" and case.due_on is not None
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "step_assign-member_id" in page and net.agent_member.name in page
    assert _step(c, case, "assign", member_id=net.agent_member.id).status_code == 302
    case = _case(case.id)
    assert case.agent_member_id == net.agent_member.id
    r = _step(c, case, "complete", result="")
    assert r.status_code == 200 and _invalid(r.get_data(as_text=True), "step_complete-result")
    assert _step(c, _case(case.id), "complete", result="已审批通过").status_code == 302
    case = _case(case.id)
    today = timeutil.today().isoformat()
    assert _step(c, case, "deliver", via="电话告知", on=today).status_code == 302
    case = _case(case.id)
    assert case.status == "delivered" and case.delivered_via == "电话告知"
    assert _step(c, case, "evaluate", level=2, comment="太慢").status_code == 302
    case = _case(case.id)
    assert case.status == "follow_up" and case.fix_due_on is not None  # opened by the system
    [ev] = db.session.scalars(db.select(Evaluation)).all()
    assert ev.level == 2 and ev.source == "return_visit"
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "太慢" in page and "step_return_visit" in page


def test_a_stale_form_is_refused(net, login_as):
    case = net.case()
    c = login_as(net.agent)
    old = case.version
    assert _step(c, case, "urge", comment="请尽快").status_code == 302
    r = c.post(f"/cases/{case.id}/step/urge", data={"step_urge-version": old})
    assert r.status_code == 409


def test_a_village_agent_cannot_act_on_a_case_the_township_owns(net, login_as):
    case = net.case()
    c = login_as(net.agent)
    assert _step(c, case, "accept", kind="escalate", comment="超出本级权限").status_code == 302
    case = _case(case.id)
    assert case.service_point_id == net.township.id and case.kind == "escalated"
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)  # still sees it through
    assert "step_assign" not in page and net.township.name in page
    r = _step(c, case, "assign", member_id=net.agent_member.id)
    assert r.status_code == 403
    assert _case(case.id).agent_member_id is None
    assert login_as(net.agent_b).post(f"/cases/{case.id}/step/assign").status_code == 404
    # The township's agent takes it over.
    t = login_as(net.township_agent)
    assert "step_assign" in t.get(f"/cases/{case.id}").get_data(as_text=True)
    assert _step(t, case, "assign", member_id=net.township_member.id).status_code == 302


def test_a_type_the_form_did_not_offer_is_refused(net, login_as):
    case = net.case()
    c = login_as(net.secretary)
    # A step posted through the acceptance form that is no acceptance type: refused (409).
    assert _step(c, case, "accept", kind="complete", result="办完了").status_code == 409
    assert _case(case.id).status == "applied"
    assert _step(c, case, "accept", kind="accept_immediate", result="当场开具").status_code == 302
    case = _case(case.id)
    assert case.status == "delivered" and case.kind == "immediate"
    # Accepted: the acceptance form is gone and its steps are refused before the input is read.
    assert _step(c, case, "accept", kind="accept").status_code == 409
    assert _step(c, case, "register").status_code == 404


def _late_case(net, days: int = 3) -> ServiceCase:
    case = net.case()
    materials = ["户口簿", "身份证复印件"]
    apply(case, "accept", net.agent, expected_version=None, data={"materials": materials})
    apply(case, "assign", net.agent, expected_version=None, data={"member": net.agent_member})
    case.due_on = timeutil.today() - timedelta(days=days)
    db.session.commit()
    return case


def test_overdue_cases_are_marked_and_name_who_holds_them(net, login_as):
    fresh = net.case(name="张三")
    late = _late_case(net)
    c = login_as(net.secretary)
    page = c.get(f"/cases/{late.id}").get_data(as_text=True)
    assert "text-bg-danger" in page and net.agent_member.name in page
    listing = c.get("/cases/").get_data(as_text=True)
    assert listing.index(late.number) < listing.index(fresh.number)  # overdue first
    assert "table-danger" in listing
    board = c.get(f"/cases/points/{net.room.id}").get_data(as_text=True)
    assert late.number in board and fresh.number in board


def test_the_board_is_for_the_points_staff(net, login_as):
    assert login_as(net.agent).get(f"/cases/points/{net.room.id}").status_code == 200
    assert login_as(net.agent).get(f"/cases/points/{net.room_b.id}").status_code == 404
    assert login_as(net.agent_b).get(f"/cases/points/{net.room.id}").status_code == 404
    assert login_as(net.secretary).get(f"/cases/points/{net.room.id}").status_code == 200


def test_lists_run_a_fixed_number_of_queries(net, login_as, count_queries):
    """Computed afresh (the first view after a change), each list runs the same number of
    queries however many cases there are; viewed again unchanged, fewer still."""
    from app.common import versions

    net.case()
    _late_case(net)
    c = login_as(net.agent)
    board_url = f"/cases/points/{net.room.id}"

    def counted(url: str):
        versions.clear_memo()
        with count_queries() as q:
            page = c.get(url)
            assert page.status_code == 200
        return q.count, page

    c.get("/cases/")
    few_mine, _page = counted("/cases/")
    few_board, _page = counted(board_url)
    for i in range(12):
        net.case(name=f"申请人{i}")
    _late_case(net, days=5)
    many_mine, page = counted("/cases/")
    many_board, _page = counted(board_url)
    assert page.get_data(as_text=True).count("/cases/") > 14
    assert many_mine == few_mine and many_board == few_board
    with count_queries() as again:
        assert c.get(board_url).status_code == 200
    assert again.count < few_board


def test_receipt_and_card_print_the_number_code_and_masked_applicant(net, login_as):
    case = _late_case(net)
    c = login_as(net.agent)
    code = services.tracking_code(case)
    for sheet in ("receipt", "card"):
        page = c.get(f"/cases/{case.id}/{sheet}").get_data(as_text=True)
        assert case.number in page and code in page
        assert "138****1234" in page and PHONE not in page
        assert "身份证复印件" in page and net.agent_member.name in page
        assert "signature-line" in page and "style=" not in page
    assert login_as(net.agent_b).get(f"/cases/{case.id}/receipt").status_code == 404


def test_staff_may_see_the_full_phone_to_call_back_and_it_is_audited(net, login_as):
    case = net.case()
    c = login_as(net.agent)
    page = c.get(f"/cases/{case.id}").get_data(as_text=True)
    assert PHONE not in page and f"/cases/{case.id}/phone" in page
    page = c.post(f"/cases/{case.id}/phone").get_data(as_text=True)
    assert PHONE in page
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.reveal_phone"))
    assert ev is not None and PHONE not in str(ev.details)
    assert login_as(net.agent_b).post(f"/cases/{case.id}/phone").status_code == 404


def test_list_rows_name_the_item_applicant_point_and_agent_page_by_page(net, login_as, monkeypatch):
    from app.cases import pages

    monkeypatch.setattr(pages, "PER_PAGE", 2)
    cases = [net.case(name=f"申请人{i}") for i in range(3)]
    late = _late_case(net)
    held = _case(late.id)
    order = [held.number] + [c.number for c in cases]  # overdue first, then the oldest
    c = login_as(net.secretary)
    seen: list[str] = []
    for page in (1, 2):
        html = c.get(f"/cases/?page={page}").get_data(as_text=True)
        seen += re.findall(r'href="/cases/\d+">([^<]+)</a>', html)
        assert net.promised.name in html and net.room.name in html
    assert seen == order
    first = c.get("/cases/?page=1").get_data(as_text=True)
    assert held.applicant.name in first and net.agent_member.name in first
    assert "table-danger" in first and "申请人2" not in first


def test_lists_show_each_change_on_the_next_view(net, login_as):
    """The lists are kept per change of what they read: a new case, a renamed item and an
    applicant's corrected name show at once, on my cases and on the board."""
    c = login_as(net.agent)
    board_url = f"/cases/points/{net.room.id}"
    first = net.case(name="张三")
    assert first.number in c.get("/cases/").get_data(as_text=True)
    assert first.number in c.get(board_url).get_data(as_text=True)
    second = net.case(name="李四")
    assert second.number in c.get("/cases/").get_data(as_text=True)
    assert second.number in c.get(board_url).get_data(as_text=True)
    net.promised.name = "改名后的事项"
    db.session.commit()
    assert "改名后的事项" in c.get("/cases/").get_data(as_text=True)
    assert "改名后的事项" in c.get(board_url).get_data(as_text=True)
    case = _case(first.id)
    case.applicant.name = "张叁"
    db.session.commit()
    assert "张叁" in c.get("/cases/").get_data(as_text=True)
