"""Disciplinary sanctions on the roster: recording (per-field errors, the usual period by kind),
who may record, see and delete them, the confirmed and audited deletion, and the reason shown
only to those who may read it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role, User
from app.common.timeutil import today
from app.demo.common import DEMO_PASSWORD, SeedReport
from app.demo.orgs import seed_logins, seed_orgs
from app.demo.roster import seed_members
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db
from app.roster import sanctions
from app.roster.models import MemberHistory, Sanction
from tests.factories import make_member, make_user

REASON = "违规发放津贴补贴"


def _record(member, actor=None, **kw):
    args = {
        "kind": "warning",
        "decided_on": date(2026, 3, 15),
        "ends_on": None,
        "reason": REASON,
        **kw,
    }
    s = sanctions.record_sanction(actor, member, **args)
    db.session.commit()
    return s


# --- the service ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "ends"),
    [
        ("warning", date(2027, 3, 14)),
        ("serious_warning", date(2027, 9, 14)),
        ("removal_from_post", date(2028, 3, 14)),
        ("probation", date(2028, 3, 14)),
    ],
)
def test_an_empty_end_date_takes_the_usual_period_of_the_kind(tree, kind, ends):
    s = _record(make_member(tree.group_a), kind=kind)
    assert s.ends_on == ends


def test_a_given_end_date_is_kept(tree):
    s = _record(make_member(tree.group_a), ends_on=date(2026, 9, 30))
    assert s.ends_on == date(2026, 9, 30)


def test_the_committee_may_set_other_periods_in_the_config(app, tree, monkeypatch):
    monkeypatch.setitem(app.config, "SANCTION_EFFECT_MONTHS", {"probation": 12, "bogus": 3})
    months = sanctions.effect_months()
    assert months["probation"] == 12 and months["warning"] == 12 and "bogus" not in months
    s = _record(make_member(tree.group_a), kind="probation")
    assert s.ends_on == date(2027, 3, 14)


def test_a_month_end_decision_ends_on_a_real_day():
    assert sanctions.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert sanctions.default_end("warning", date(2024, 2, 29)) == date(2025, 2, 27)


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"kind": None}, {"kind"}),
        ({"kind": "expulsion"}, {"kind"}),
        ({"decided_on": None}, {"decided_on"}),
        ({"decided_on": "tomorrow"}, {"decided_on"}),
        ({"ends_on": date(2026, 3, 14)}, {"ends_on"}),
        ({"reason": "长" * 1001}, {"reason"}),
        ({"kind": "", "decided_on": "tomorrow"}, {"kind", "decided_on"}),
    ],
)
def test_each_field_at_fault_is_named(tree, values, fields):
    member = make_member(tree.group_a)
    if values.get("decided_on") == "tomorrow":
        values["decided_on"] = today() + timedelta(days=1)
    with pytest.raises(FieldErrors) as err:
        _record(member, **values)
    assert set(err.value.errors) == fields
    db.session.rollback()
    assert db.session.scalar(select(Sanction.id)) is None


def test_in_effect_from_the_decision_to_the_end_date_inclusive(tree):
    s = _record(make_member(tree.group_a), ends_on=date(2026, 6, 30))
    days = {
        date(2026, 3, 14): False,
        date(2026, 3, 15): True,
        date(2026, 6, 30): True,
        date(2026, 7, 1): False,
    }
    for on, expected in days.items():
        assert sanctions.in_effect(s, on) is expected, on
        in_sql = db.session.scalar(select(Sanction.id).where(sanctions.in_effect_on(on)))
        assert (in_sql is not None) is expected, on


def test_recording_writes_history_and_audit_without_the_reason(tree):
    member = make_member(tree.group_a)
    secretary = make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a))
    s = _record(member, secretary, kind="serious_warning")
    assert s.recorded_by_id == secretary.id
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.sanction"))
    assert ev.target_id == member.id and ev.org_path == tree.group_a.path
    assert ev.details == {
        "sanction_kind": "serious_warning",
        "decided_on": "2026-03-15",
        "ends_on": "2027-09-14",
    }
    h = db.session.scalar(select(MemberHistory).where(MemberHistory.kind == "sanction"))
    assert h.changes == {"sanction": [None, "serious_warning"]}
    assert h.effective_on == date(2026, 3, 15)
    assert REASON not in repr(ev.details) + repr(h.changes) + h.note


@pytest.mark.parametrize("who", ["member", "leader", "other_branch", "self"])
def test_only_the_branch_or_committee_records_and_never_on_themself(tree, who):
    member = make_member(tree.group_a)
    actor = {
        "member": lambda: make_user("mem", (Role.MEMBER, tree.group_a)),
        "leader": lambda: make_user("glead", (Role.GROUP_LEADER, tree.group_a)),
        "other_branch": lambda: make_user("secb", (Role.BRANCH_SECRETARY, tree.branch_b)),
        "self": lambda: make_user("seca", (Role.BRANCH_SECRETARY, tree.branch_a)),
    }[who]()
    if who == "self":
        member.user_id = actor.id
        db.session.commit()
    with pytest.raises(PermissionDenied):
        _record(member, actor)


# --- the pages -----------------------------------------------------------------------------


def _form(**kw):
    data = {"kind": "warning", "decided_on": "2026-03-15", "ends_on": "", "reason": REASON}
    data.update(kw)
    return {f"sanction-{k}": v for k, v in data.items()}


def test_secretary_records_a_sanction_from_the_member_page(tree, login_as):
    member = make_member(tree.group_a)
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    page = c.get(f"/roster/{member.id}").get_data(as_text=True)
    assert 'id="sanctions"' in page and "SANCTION_EFFECT_MONTHS" in page
    r = c.post(f"/roster/{member.id}/sanctions", data=_form(kind="probation"))
    assert r.status_code == 302 and r.location.endswith(f"/roster/{member.id}#sanctions")
    s = db.session.scalar(select(Sanction))
    assert (s.kind, s.ends_on, s.reason) == ("probation", date(2028, 3, 14), REASON)
    page = c.get(f"/roster/{member.id}").get_data(as_text=True)
    assert "2028-03-14" in page and REASON in page


def test_the_page_shows_each_error_beside_its_field(tree, login_as):
    member = make_member(tree.group_a)
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    tomorrow = (today() + timedelta(days=1)).isoformat()
    r = c.post(f"/roster/{member.id}/sanctions", data=_form(kind="", decided_on=tomorrow))
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert page.count("invalid-feedback") == 2
    assert 'id="sanction-kind"' in page and 'id="sanction-decided_on"' in page
    r = c.post(f"/roster/{member.id}/sanctions", data=_form(ends_on="2026-01-01"))
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    assert db.session.scalar(select(Sanction.id)) is None


def test_who_may_record_over_http(tree, login_as):
    member = make_member(tree.group_a)
    url = f"/roster/{member.id}/sanctions"
    other = login_as(make_user("secb", (Role.BRANCH_SECRETARY, tree.branch_b)))
    assert other.post(url, data=_form()).status_code == 404
    leader = login_as(make_user("glead", (Role.GROUP_LEADER, tree.group_a)))
    assert leader.post(url, data=_form()).status_code == 403
    own = make_user("self", (Role.MEMBER, tree.group_a))
    member.user_id = own.id
    db.session.commit()
    assert login_as(own).post(url, data=_form()).status_code == 403
    assert db.session.scalar(select(Sanction.id)) is None
    cmte = login_as(make_user("cmte", (Role.COMMITTEE, tree.committee)))
    assert cmte.post(url, data=_form()).status_code == 302


def test_the_reason_is_shown_only_to_those_who_record_sanctions(tree, login_as):
    member = make_member(tree.group_a, name="受处分人")
    _record(member, ends_on=date(2026, 6, 30))
    _record(member, kind="serious_warning", decided_on=date(2026, 10, 1), reason="")
    own = make_user("self", (Role.MEMBER, tree.group_a))
    member.user_id = own.id
    db.session.commit()
    viewers = {
        "cmte": (make_user("cmte", (Role.COMMITTEE, tree.committee)), True),
        "sec": (make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)), True),
        "leader": (make_user("glead", (Role.GROUP_LEADER, tree.group_a)), False),
        "self": (own, False),
    }
    for name, (user, sees_reason) in viewers.items():
        r = login_as(user).get(f"/roster/{member.id}")
        page = r.get_data(as_text=True)
        assert r.status_code == 200 and 'id="sanctions"' in page, name
        assert page.count("badge text-bg-danger") == 1, name  # the one in effect
        assert page.count("badge text-bg-secondary") >= 1, name  # the one ended
        assert (REASON in page) is sees_reason, name
        assert ("/delete" in page) is sees_reason, name  # only they may delete, too
    other = login_as(make_user("secb", (Role.BRANCH_SECRETARY, tree.branch_b)))
    assert other.get(f"/roster/{member.id}").status_code == 404


def test_delete_asks_for_confirmation_and_a_reason_then_audits(tree, login_as):
    member = make_member(tree.group_a)
    s = _record(member)
    sid = s.id
    url = f"/roster/{member.id}/sanctions/{sid}/delete"
    c = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    confirm = c.get(url)
    assert confirm.status_code == 200 and 'name="reason"' in confirm.get_data(as_text=True)
    assert db.session.get(Sanction, sid) is not None  # a GET deletes nothing
    r = c.post(url, data={"reason": ""})
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    r = c.post(url, data={"reason": "录错了人"})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Sanction, sid) is None
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.sanction_delete"))
    assert ev.details == {
        "sanction_kind": "warning",
        "decided_on": "2026-03-15",
        "delete_reason": "录错了人",
    }
    kinds = db.session.scalars(
        select(MemberHistory.kind).where(MemberHistory.member_id == member.id)
    ).all()
    assert "sanction_delete" in kinds
    assert c.post(url, data={"reason": "再删一次"}).status_code == 404


def test_delete_is_refused_outside_the_scope_and_for_another_members_sanction(tree, login_as):
    member = make_member(tree.group_a)
    other_member = make_member(tree.group_a)
    sid = _record(member).id
    url = f"/roster/{member.id}/sanctions/{sid}/delete"
    sb = login_as(make_user("secb", (Role.BRANCH_SECRETARY, tree.branch_b)))
    assert sb.get(url).status_code == 404
    assert sb.post(url, data={"reason": "不对"}).status_code == 404
    leader = login_as(make_user("glead", (Role.GROUP_LEADER, tree.group_a)))
    assert leader.get(url).status_code == 403
    assert leader.post(url, data={"reason": "不对"}).status_code == 403
    sec = login_as(make_user("sec", (Role.BRANCH_SECRETARY, tree.branch_a)))
    wrong = f"/roster/{other_member.id}/sanctions/{sid}/delete"
    assert sec.post(wrong, data={"reason": "不对"}).status_code == 404
    assert db.session.get(Sanction, sid) is not None


def test_the_demo_roster_has_sanctions_in_effect_and_ended(app, login_as):
    report = SeedReport()
    by_name = seed_orgs(report)
    seed_logins(by_name, report)
    seed_members(by_name, report)
    db.session.commit()
    rows = db.session.scalars(select(Sanction)).all()
    assert len(rows) == 3
    assert sorted(sanctions.in_effect(s, today()) for s in rows) == [False, False, True]
    secretary = db.session.scalar(select(User).where(User.username == "secretary"))
    page = login_as(secretary, DEMO_PASSWORD).get(f"/roster/{rows[0].member_id}")
    assert rows[0].reason in page.get_data(as_text=True)
