"""Inspections: the committee (or a general branch over its subtree) records one, its findings
and notice; those over an inspected point see its findings there; the notice prints on A4 and
the findings export to Excel; another branch finds nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.common import timeutil
from app.errors import Conflict, FieldErrors, PermissionDenied
from app.extensions import db
from app.network import inspections as svc
from app.network.models import Inspection
from tests.factories import make_service_point
from tests.network.supervision_world import build, general_secretary

DAY = date(2026, 1, 8)


@pytest.fixture
def w(app):
    return build()


def _inspection(w, org=None, actor=None):
    actor = actor or w.cmte
    i = svc.create_inspection(
        actor, org or w.t.committee, svc.InspectionData("代理服务专项督查", DAY, "组织部 纪委")
    )
    a = svc.add_finding(actor, i, svc.FindingData(w.room.id, "台账不全", "补齐台账", DAY))
    b = None
    if i.org_id == w.t.committee.id:  # room B lies under the committee, not under branch A
        b = svc.add_finding(actor, i, svc.FindingData(w.room_b.id, "未公示代理事项", "上墙公示"))
    db.session.commit()
    return i, a, b


def _publish(w, i, text="经督查，发现以下问题，请限期整改。"):
    svc.update_inspection(w.cmte, i, svc.InspectionData(i.title, i.inspected_on), text, None)
    svc.publish_notice(w.cmte, i, None)
    db.session.commit()


def test_the_committee_records_an_inspection_and_its_findings(w):
    i, a, b = _inspection(w)
    assert [f.problem for f in i.findings] == ["台账不全", "未公示代理事项"]
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("inspection.%"))
    )
    assert list(actions) == [
        "inspection.create",
        "inspection.finding_add",
        "inspection.finding_add",
    ]


def test_who_may_inspect(w):
    with pytest.raises(PermissionDenied):
        svc.create_inspection(w.sec, w.t.branch_a, svc.InspectionData("督查", DAY))
    gen = general_secretary(w)
    assert svc.inspectable_orgs(gen)[0].id == w.t.general.id
    svc.create_inspection(gen, w.t.branch_a, svc.InspectionData("总支督查", DAY))
    with pytest.raises(PermissionDenied):
        svc.create_inspection(gen, w.t.branch_b, svc.InspectionData("越权督查", DAY))


def test_bad_input_names_the_fields(w):
    future = timeutil.today() + timedelta(days=3)
    with pytest.raises(FieldErrors) as err:
        svc.create_inspection(w.cmte, w.t.committee, svc.InspectionData("", future))
    assert set(err.value.errors) == {"title", "inspected_on"}
    i, _a, _b = _inspection(w, org=w.t.branch_a)
    with pytest.raises(FieldErrors) as err:
        svc.add_finding(w.cmte, i, svc.FindingData(w.room_b.id, ""))  # room B is not inspected
    assert set(err.value.errors) == {"service_point_id", "problem"}


def test_a_published_notice_is_fixed(w):
    i, _a, _b = _inspection(w)
    with pytest.raises(FieldErrors):
        svc.publish_notice(w.cmte, i, None)  # no text yet
    _publish(w, i)
    assert i.notice_published_on == timeutil.today()
    with pytest.raises(Conflict):
        svc.publish_notice(w.cmte, i, None)
    with pytest.raises(FieldErrors):
        svc.update_inspection(w.cmte, i, svc.InspectionData(i.title, DAY), "改过的通报", None)


def test_those_over_a_point_see_its_findings_only(w, login_as):
    i, a, b = _inspection(w)
    _publish(w, i)
    page = login_as(w.sec).get(f"/network/inspections/{i.id}").get_data(as_text=True)
    assert "台账不全" in page and "未公示代理事项" not in page
    assert f"/findings/{a.id}/rectify" in page  # the secretary records the rectification
    page = login_as(w.agent).get(f"/network/inspections/{i.id}").get_data(as_text=True)
    assert "台账不全" in page and f"/findings/{a.id}/rectify" not in page
    client_b = login_as(w.sec_b)
    page = client_b.get(f"/network/inspections/{i.id}").get_data(as_text=True)
    assert "未公示代理事项" in page and "台账不全" not in page
    assert login_as(w.member).get(f"/network/inspections/{i.id}").status_code == 404
    r = client_b.post(
        f"/network/inspections/findings/{a.id}/rectify",
        data={f"rectify{a.id}-rectification": "x", f"rectify{a.id}-rectified_on": "2026-01-09"},
    )
    assert r.status_code == 404


def test_a_secretary_records_the_rectification(w, login_as):
    i, a, _b = _inspection(w)
    client = login_as(w.sec)
    today = timeutil.today().isoformat()
    r = client.post(
        f"/network/inspections/findings/{a.id}/rectify",
        data={f"rectify{a.id}-rectification": "台账已补齐", f"rectify{a.id}-rectified_on": today},
    )
    assert r.status_code == 302
    db.session.refresh(a)
    assert a.rectification == "台账已补齐" and a.rectified_on == timeutil.today()
    # The secretary cannot change the inspection itself.
    assert client.post(f"/network/inspections/{i.id}/publish", data={}).status_code == 403


def test_the_notice_prints_on_a4(w, login_as):
    i, _a, _b = _inspection(w)
    cmte, sec = login_as(w.cmte), login_as(w.sec)
    assert sec.get(f"/network/inspections/{i.id}/notice").status_code == 404  # not yet out
    page = cmte.get(f"/network/inspections/{i.id}/notice").get_data(as_text=True)
    assert 'class="print-sheet"' in page and "no-print alert" in page  # a draft, marked
    _publish(w, i)
    page = sec.get(f"/network/inspections/{i.id}/notice").get_data(as_text=True)
    assert "经督查，发现以下问题，请限期整改。" in page and w.t.committee.name in page
    assert "台账不全" in page and "未公示代理事项" not in page
    day = timeutil.today()
    assert f"{day.year}年{day.month}月{day.day}日" in page


def test_the_findings_export_to_excel(w, login_as):
    i, _a, _b = _inspection(w)
    r = login_as(w.cmte).get(f"/network/inspections/{i.id}/findings.xlsx")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "代理服务专项督查问题整改清单"
    assert rows[2][:4] == ("序号", "服务点", "发现的问题", "整改要求")
    assert [r[1] for r in rows[3:5]] == [w.room.name, w.room_b.name]
    assert rows[3][4] == DAY.isoformat()
    r = login_as(w.sec).get(f"/network/inspections/{i.id}/findings.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    names = [row[1] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert w.room.name in names and w.room_b.name not in names
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "inspection.export")
    ).all()
    assert [e.details["rows"] for e in events] == [2, 1]


def test_the_list_shows_what_one_may_see(w, login_as):
    i, _a, _b = _inspection(w, org=w.t.branch_a)
    other = make_service_point(w.t.branch_b, "乙村第二服务室")
    j = svc.create_inspection(w.cmte, w.t.branch_b, svc.InspectionData("乙支部督查", DAY))
    svc.add_finding(w.cmte, j, svc.FindingData(other.id, "无人值班"))
    db.session.commit()
    page = login_as(w.sec).get("/network/inspections").get_data(as_text=True)
    assert i.title in page and "乙支部督查" not in page
    page = login_as(w.cmte).get("/network/inspections").get_data(as_text=True)
    assert i.title in page and "乙支部督查" in page
    assert db.session.scalar(select(Inspection.id).where(Inspection.id == j.id)) == j.id


def test_creating_over_http(w, login_as):
    client = login_as(w.cmte)
    assert client.get("/network/inspections/new").status_code == 200
    r = client.post(
        "/network/inspections/new",
        data={"org_id": w.t.branch_a.id, "title": "", "inspected_on": "not a date"},
    )
    assert r.status_code == 200 and r.get_data(as_text=True).count("is-invalid") >= 2
    r = client.post(
        "/network/inspections/new",
        data={"org_id": w.t.branch_a.id, "title": "甲支部督查", "inspected_on": DAY.isoformat()},
    )
    assert r.status_code == 302
    i = db.session.scalar(select(Inspection))
    r = client.post(
        f"/network/inspections/{i.id}/findings",
        data={"finding-service_point_id": w.room.id, "finding-problem": "服务牌缺失"},
    )
    assert r.status_code == 302
    db.session.expire(i)
    assert [f.problem for f in i.findings] == ["服务牌缺失"]
    assert login_as(w.sec).get("/network/inspections/new").status_code == 403


def test_a_general_branch_secretary_holds_their_own_inspections(w, login_as):
    gen = general_secretary(w)
    i, a, _b = _inspection(w, org=w.t.general, actor=gen)
    client = login_as(gen)
    assert i.title in client.get("/network/inspections").get_data(as_text=True)
    page = client.get(f"/network/inspections/{i.id}").get_data(as_text=True)
    assert f"/inspections/{i.id}/publish" in page and "台账不全" in page
    # The committee's inspection of the whole tree is not theirs to change.
    j, _c, _d = _inspection(w)
    assert client.post(f"/network/inspections/{j.id}/publish", data={}).status_code == 403
