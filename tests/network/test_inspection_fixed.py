"""What a published notice and a recorded rectification fix: the notice's title and findings
stay as published, and a rectification is recorded once."""

from __future__ import annotations

from datetime import date

import pytest

from app.common import timeutil
from app.errors import Conflict, FieldErrors
from app.extensions import db
from app.network import inspections as svc
from tests.network.supervision_world import build

DAY = date(2026, 1, 8)


@pytest.fixture
def w(app):
    return build()


def _published(w):
    i = svc.create_inspection(w.cmte, w.t.committee, svc.InspectionData("代理服务专项督查", DAY))
    f = svc.add_finding(w.cmte, i, svc.FindingData(w.room.id, "台账不全", "补齐台账", DAY))
    text = "经督查，发现以下问题，请限期整改。"
    svc.update_inspection(w.cmte, i, svc.InspectionData(i.title, DAY), text, None)
    svc.publish_notice(w.cmte, i, None)
    db.session.commit()
    return i, f


def test_a_published_notice_keeps_its_title_and_findings(w, login_as):
    i, _f = _published(w)
    with pytest.raises(FieldErrors) as err:
        svc.update_inspection(w.cmte, i, svc.InspectionData("另一个标题", DAY), i.notice, None)
    assert set(err.value.errors) == {"title"}
    with pytest.raises(Conflict):
        svc.add_finding(w.cmte, i, svc.FindingData(w.room.id, "新发现的问题"))
    client = login_as(w.cmte)
    r = client.post(
        f"/network/inspections/{i.id}/findings",
        data={"finding-service_point_id": w.room.id, "finding-problem": "新发现的问题"},
    )
    assert r.status_code == 409
    db.session.expire_all()
    assert [f.problem for f in i.findings] == ["台账不全"]
    page = client.get(f"/network/inspections/{i.id}").get_data(as_text=True)
    assert f'/network/inspections/{i.id}/findings"' not in page  # no form to add one
    # What is not on the notice may still be corrected.
    svc.update_inspection(w.cmte, i, svc.InspectionData(i.title, DAY, "纪委"), i.notice, None)


def test_a_rectification_is_recorded_once(w, login_as):
    _i, f = _published(w)
    client = login_as(w.sec)
    today = timeutil.today().isoformat()
    url = f"/network/inspections/findings/{f.id}/rectify"
    data = {f"rectify{f.id}-rectification": "台账已补齐", f"rectify{f.id}-rectified_on": today}
    assert client.post(url, data=data).status_code == 302
    data[f"rectify{f.id}-rectification"] = "改写的整改情况"
    assert client.post(url, data=data).status_code == 409
    db.session.refresh(f)
    assert f.rectification == "台账已补齐"
