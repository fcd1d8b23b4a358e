"""The selection's pages as each role sees them, the exports and the printable notice, and
the candidate list's fixed number of queries."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import time_machine

from app.extensions import db
from app.selection import services
from app.selection.nomination_workflow import apply_nomination, objections_of
from app.selection.workflow import apply_round
from tests.factories import make_org
from tests.selection.conftest import E, Q

TODAY = date(2026, 6, 1)
REASON = "该同志爱岗敬业，四个季度考核均为优秀，群众评价好。"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_the_committee_opens_a_round_with_the_defaults_shown(season, login_as):
    s = season
    c = login_as(s.cmte)
    page = c.get("/selection/new").get_data(as_text=True)
    # The four most recent closed quarters are ticked by default; five working days of notice.
    assert page.count("checked") == 4
    r = c.post(
        "/selection/new",
        data={
            "org_id": s.tree.committee.id,
            "year": 2026,
            "title": "",
            "quarters": ["2025-3", "2025-4", "2026-1", "2026-2"],
            "quota_mode": "count",
            "quota_value": "2",
            "quota_rounding": "round",
            "nominations_due": "2026-06-10",
            "review_due": "2026-06-15",
            "notice_starts": "2026-06-16",
            "notice_ends": "2026-06-22",
        },
    )
    assert r.status_code == 302
    (rnd,) = services.rounds_for(s.cmte)
    assert rnd.title == '2026年"七一"优秀共产党员评选' and rnd.window[0] == (2025, 3)
    page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "一票否决" in page and f"/selection/{rnd.id}/step/switch_rule?rule=veto" in page


def test_a_bad_round_form_says_what_is_wrong_beside_the_field(season, login_as):
    s = season
    c = login_as(s.cmte)
    r = c.post(
        "/selection/new",
        data={
            "org_id": s.tree.committee.id,
            "year": 2026,
            "quota_mode": "share",
            "quota_value": "5",
            "quota_rounding": "round",
            "nominations_due": "2026-06-20",
            "review_due": "2026-06-15",
            "notice_starts": "2026-06-16",
            "notice_ends": "2026-06-22",
        },
    )
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    assert page.count("invalid-feedback") >= 2
    assert services.rounds_for(s.cmte) == []


def test_pages_for_the_committee_and_the_branch(season, login_as):
    s = season
    star = s.member(grades=(E, E, E, Q), name="第一名")
    other = s.member(s.tree.group_b, grades=(E, E, Q, Q), name="乙支部人")
    r = s.open_round()
    cmte, sec_a, sec_b = login_as(s.cmte), login_as(s.sec_a), login_as(s.sec_b)
    for url in (
        f"/selection/{r.id}",
        f"/selection/{r.id}/candidates",
        f"/selection/{r.id}/branches/{s.tree.branch_a.id}",
        f"/selection/{r.id}/members/{star.id}",
        f"/selection/{r.id}/members/{star.id}/nominate",
    ):
        assert cmte.get(url).status_code == 200, url
        assert sec_a.get(url).status_code == 200, url
        assert sec_b.get(url).status_code in (200, 404), url
    assert sec_b.get(f"/selection/{r.id}/members/{star.id}").status_code == 404
    assert sec_b.get(f"/selection/{r.id}/branches/{s.tree.branch_a.id}").status_code == 404
    page = sec_a.get(f"/selection/{r.id}/candidates").get_data(as_text=True)
    assert "第一名" in page and "乙支部人" not in page
    assert other.id
    # The secretary nominates from the branch list.
    resp = sec_a.post(
        f"/selection/{r.id}/members/{star.id}/nominate",
        data={"version": 0, "reason": REASON, "deeds": "带头抢修线路"},
    )
    assert resp.status_code == 302
    page = sec_a.get(resp.headers["Location"]).get_data(as_text=True)
    assert "带头抢修线路" in page
    # A round step the secretary may not take is refused before any input is read.
    assert sec_a.post(f"/selection/{r.id}/step/close_nominations", data={}).status_code == 403


def test_a_member_cannot_open_the_selection(season, login_as):
    s = season
    r = s.open_round()
    c = login_as(s.member_user)
    assert c.get("/selection/").status_code == 403
    assert c.get(f"/selection/{r.id}").status_code == 404


def _final_round(s):
    a = s.member(grades=(E, E, E, Q), name="甲先进", job_title="班组长")
    b = s.member(grades=(E, E, Q, Q), name="乙先进")
    r = s.open_round()
    noms = []
    for m in (a, b):
        member, branch = services.candidate_member(s.sec_a, r, m.id)
        noms.append(
            services.nominate(
                s.sec_a, r, member, branch, {"reason": REASON, "deeds": f"{m.name}的事迹"}
            )
        )
    db.session.commit()
    apply_round(r, "close_nominations", s.cmte, expected_version=r.version)
    for n in noms:
        apply_nomination(n, "approve", s.cmte, expected_version=n.version)
    apply_round(
        r,
        "publish_notice",
        s.cmte,
        expected_version=r.version,
        data={"notice_starts": TODAY, "notice_ends": date(2026, 6, 5)},
    )
    apply_nomination(
        noms[1],
        "object",
        s.cmte,
        expected_version=noms[1].version,
        comment="有异议",
        data={"received_on": TODAY},
    )
    db.session.commit()
    return r, noms


def _sheet_rows(data: bytes) -> list[tuple]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]


def test_the_notice_and_the_exports_list_the_approved(season, login_as):
    s = season
    r, (a, b) = _final_round(s)
    c = login_as(s.cmte)
    notice = c.get(f"/selection/{r.id}/notice").get_data(as_text=True)
    assert "甲先进" in notice and "甲先进的事迹" in notice and "班组长" in notice
    assert c.get(f"/selection/{r.id}/final.xlsx").status_code == 404  # not approved yet
    # The objection is upheld; the final list is approved after the notice.
    (o,) = objections_of(b)
    apply_nomination(
        b,
        "uphold",
        s.cmte,
        expected_version=b.version,
        comment="属实",
        data={"objection_id": o.id, "answered_by": "纪委"},
    )
    db.session.commit()
    with time_machine.travel(date(2026, 6, 8), tick=False):
        apply_round(r, "approve_final", s.cmte, expected_version=r.version)
        db.session.commit()
    rows = _sheet_rows(c.get(f"/selection/{r.id}/final.xlsx").data)
    assert rows[0][0] == '2026年"七一"优秀共产党员评选表彰名单'
    assert rows[2] == (
        "序号",
        "姓名",
        "性别",
        "出生年月",
        "入党时间",
        "所在党支部",
        "职务",
        "主要事迹",
    )
    people = [row for row in rows[3:] if isinstance(row[0], int | float)]
    gender = {"male": "男", "female": "女"}[a.member.gender]
    assert [(p[1], p[2], p[4], p[5], p[6], p[7]) for p in people] == [
        ("甲先进", gender, "2005.07", "甲党支部", "班组长", "甲先进的事迹")
    ]
    assert any(row[1] == "党委（盖章）：" for row in rows)
    nominees = _sheet_rows(c.get(f"/selection/{r.id}/nominees.xlsx").data)
    assert [row[1] for row in nominees[3:] if isinstance(row[0], int | float)] == ["甲先进"]


def test_the_candidate_list_runs_a_fixed_number_of_queries(season, count_queries):
    s = season
    for i in range(3):
        s.member(grades=(E, Q, Q, Q), name=f"甲{i}")
    r = s.open_round()
    db.session.expire_all()
    r = db.session.get(type(r), r.id)
    with count_queries() as small:
        services.branch_rows(s.cmte, r, with_top=True)
    # Ten times the members, in more branches.
    for b in range(3):
        branch = make_org(f"新支部{b}", "branch", s.tree.committee)
        for i in range(10):
            s.member(branch, grades=(E, E, Q, Q), name=f"新{b}-{i}")
    db.session.expire_all()
    r = db.session.get(type(r), r.id)
    with count_queries() as large:
        rows = services.branch_rows(s.cmte, r, with_top=True)
    assert len(rows) == 4 and sum(len(x.top) for x in rows) > 3
    assert large.count == small.count == 6
