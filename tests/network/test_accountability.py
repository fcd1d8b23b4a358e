"""Accountability records: the committee over the person records and reads them; the person's
branch secretary, another branch and the person themself get 404 and see no trace."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import services as auth_services
from app.auth.models import Role
from app.common import timeutil
from app.errors import FieldErrors, NotFound
from app.extensions import db
from app.network import accountability as svc
from tests.network.supervision_world import build, other_committee


@pytest.fixture
def w(app):
    return build()


def _record(w, member=None, **overrides):
    data = {
        "member_id": (member or w.agent_member).id,
        "measure": "admonition",
        "reason": "多次推诿群众办事，经核实属实",
        "decided_on": date(2026, 1, 10),
    }
    data.update(overrides)
    a = svc.record_accountability(w.cmte, svc.AccountabilityData(**data))
    db.session.commit()
    return a


def test_the_committee_records_a_measure_with_its_grounds(w, login_as):
    c = w.complaint(about=w.agent_member)
    a = _record(w, complaint_id=c.id)
    assert (a.org_id, a.complaint_id, a.measure) == (w.t.committee.id, c.id, "admonition")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "accountability.create")
    )
    assert event.details["member_id"] == w.agent_member.id
    client = login_as(w.cmte)
    page = client.get(f"/network/accountability/{a.id}").get_data(as_text=True)
    assert "多次推诿群众办事" in page and c.number in page
    assert "钱代理" in client.get("/network/accountability").get_data(as_text=True)


def test_bad_input_names_the_fields(w):
    future = timeutil.today() + timedelta(days=2)
    data = svc.AccountabilityData(None, "fired", "", future, complaint_id=999)
    with pytest.raises(FieldErrors) as err:
        svc.record_accountability(w.cmte, data)
    assert set(err.value.errors) == {
        "member_id",
        "measure",
        "reason",
        "decided_on",
        "complaint_id",
    }


def test_hidden_from_the_branch_secretary_and_other_branches(w, login_as):
    a = _record(w)
    for user in (w.sec, w.sec_b, w.agent, w.member):
        client = login_as(user)
        for url in (
            "/network/accountability",
            "/network/accountability/new",
            f"/network/accountability/{a.id}",
        ):
            assert client.get(url).status_code == 404, (user.username, url)
    with pytest.raises(NotFound):
        svc.get_accountability(w.sec, a.id)
    # Another tree's committee has its own list, without this record.
    client = login_as(other_committee())
    assert client.get(f"/network/accountability/{a.id}").status_code == 404
    page = client.get("/network/accountability").get_data(as_text=True)
    assert "钱代理" not in page and 'id="empty"' in page


def test_hidden_from_the_person_even_on_the_committee(w, login_as):
    """The person held accountable sits on the committee too: their own record is not theirs
    to read, and they cannot record one against themself."""
    a = _record(w)
    auth_services.grant_role(None, w.agent, Role.COMMITTEE, w.t.committee)
    db.session.commit()
    client = login_as(w.agent)
    assert client.get(f"/network/accountability/{a.id}").status_code == 404
    assert "多次推诿" not in client.get("/network/accountability").get_data(as_text=True)
    with pytest.raises(FieldErrors):
        svc.record_accountability(
            w.agent,
            svc.AccountabilityData(
                w.agent_member.id, "criticism", "自己处理自己", date(2026, 1, 1)
            ),
        )


def test_recording_over_http(w, login_as):
    c = w.complaint(about=w.colleague)
    client = login_as(w.cmte)
    page = client.get(
        f"/network/accountability/new?member={w.colleague.id}&complaint={c.id}"
    ).get_data(as_text=True)
    assert f'<option selected value="{w.colleague.id}">' in page
    r = client.post(
        "/network/accountability/new",
        data={"member_id": w.colleague.id, "measure": "", "reason": "", "decided_on": ""},
    )
    assert r.status_code == 200 and r.get_data(as_text=True).count("is-invalid") >= 3
    r = client.post(
        "/network/accountability/new",
        data={
            "member_id": w.colleague.id,
            "measure": "circulated",
            "reason": "投诉属实，通报批评",
            "decided_on": "2026-01-12",
            "complaint_id": c.id,
        },
    )
    assert r.status_code == 302
