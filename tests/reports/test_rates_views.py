"""The six rates pages: the figures, the rows behind them, whose subtrees one may open, the
committee's settings, and a fixed query count."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role
from app.common import versions
from app.extensions import db
from app.reports.models import ReportSettings
from tests.factories import make_user
from tests.reports.rates_data import add_case, build_network, item

Q3 = "period=2026-Q3"


@pytest.fixture
def net(app):
    return build_network()


@pytest.fixture
def cmte_client(net, login_as):
    return login_as(make_user("cmte", (Role.COMMITTEE, net.tree.committee)))


def page(client, url: str, status: int = 200) -> str:
    r = client.get(url)
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    return r.get_data(as_text=True)


def test_the_committee_sees_each_rate_with_its_figures_and_definition(net, cmte_client):
    html = page(cmte_client, f"/reports/rates?{Q3}")
    for figure in ("33.3%", "66.7%", "83.3%", "80.0%", "50.0%"):
        assert figure in html
    assert "/reports/rates/acceptance/num?" in html and "/reports/rates/health/den?" in html
    assert "/reports/settings" in html  # the committee may change the definitions
    assert "/reports/comparison" in html


def test_an_empty_quarter_shows_dashes(net, cmte_client):
    html = page(cmte_client, "/reports/rates?period=2025-Q1")
    assert html.count("—") >= 4


def test_the_rows_behind_a_numerator_and_a_denominator(net, cmte_client):
    c = net.cases
    accepted = page(cmte_client, f"/reports/rates/acceptance/num?{Q3}")
    for key in ("c1", "c2", "c3", "c7", "c9"):
        assert c[key].number in accepted
    for key in ("c4", "c5", "c6", "c8"):
        assert c[key].number not in accepted
    applied = page(cmte_client, f"/reports/rates/acceptance/den?{Q3}")
    assert c["c4"].number in applied and c["c5"].number not in applied
    points = page(cmte_client, f"/reports/rates/health/den?{Q3}")
    assert "测试镇站" in points and "乙村室" in points and "甲村为民服务室" in points
    items = page(cmte_client, f"/reports/rates/openness/num?{Q3}")
    assert "甲村事项" in items and "甲村草稿" not in items
    page(cmte_client, f"/reports/rates/nonsense/num?{Q3}", 404)
    page(cmte_client, f"/reports/rates/acceptance/half?{Q3}", 404)


def test_a_branch_secretary_sees_only_its_branch(net, login_as):
    t = net.tree
    sec = login_as(make_user("sec_a", (Role.BRANCH_SECRETARY, t.branch_a)))
    html = page(sec, f"/reports/rates?{Q3}")
    assert "甲党支部" in html and "80.0%" in html  # c1 c2 c3 c7 of c1 c2 c3 c4 c7
    assert "乙党支部" not in html and "/reports/settings" not in html
    page(sec, f"/reports/rates?of=org-{t.branch_b.id}&{Q3}", 404)
    page(sec, f"/reports/rates?of=org-{t.committee.id}&{Q3}", 404)
    page(sec, f"/reports/rates/acceptance/num?of=org-{t.branch_b.id}&{Q3}", 404)
    page(sec, f"/reports/periodic?of=org-{t.branch_b.id}&{Q3}", 404)
    page(sec, "/reports/rates?of=bogus", 404)
    rows = page(sec, f"/reports/rates/satisfaction/den?{Q3}")
    assert net.cases["c9"].number not in rows  # branch B's case


def test_a_township_secretary_sees_its_villages(net, login_as):
    t = net.tree
    town = login_as(make_user("sec_town", (Role.BRANCH_SECRETARY, t.general)))
    html = page(town, f"/reports/rates?{Q3}")
    assert "测试党总支" in html and "甲党支部" in html and "乙党支部" not in html
    page(town, f"/reports/rates?of=org-{t.branch_a.id}&{Q3}")
    page(town, f"/reports/rates?of=org-{t.branch_b.id}&{Q3}", 404)


def test_an_agent_sees_their_point(net, login_as):
    t = net.tree
    agent = login_as(make_user("agent_only", (Role.AGENT, t.branch_a, t.room_a)))
    html = page(agent, f"/reports/rates?{Q3}")
    assert "甲村为民服务室" in html
    page(agent, f"/reports/rates?of=org-{t.branch_a.id}&{Q3}", 404)
    page(agent, f"/reports/rates?of=point-{net.room_b.id}&{Q3}", 404)
    page(agent, "/reports/comparison", 403)


def test_a_member_may_not_open_the_rates(net, login_as):
    member = login_as(make_user("member_m", (Role.MEMBER, net.tree.group_a)))
    page(member, "/reports/rates", 403)


def test_the_committee_changes_a_definition(net, cmte_client):
    assert "83.3%" in page(cmte_client, f"/reports/rates?{Q3}")
    data = {
        "duty_rule": "staffed",
        "catalogue_rule": "own",
        "expected_rule": "active",
        "count_withdrawn": "y",
        "complaint_penalty": "3.5",
        "empty_rate_rule": "zero",
        "version": "0",
    }
    r = cmte_client.post("/reports/settings", data=data)
    assert r.status_code == 302
    row = db.session.scalar(select(ReportSettings))
    assert row.count_withdrawn and row.complaint_penalty == 3.5 and row.version == 1
    assert row.empty_rate_rule == "zero"
    assert "71.4%" in page(cmte_client, f"/reports/rates?{Q3}")  # 5 of 7 now
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.settings"))
    assert len(list(events)) == 1
    stale = cmte_client.post("/reports/settings", data=data)  # still says version 0
    assert stale.status_code == 409
    bad = cmte_client.post(
        "/reports/settings", data={**data, "version": "1", "complaint_penalty": "x"}
    )
    assert bad.status_code == 200 and "is-invalid" in bad.get_data(as_text=True)
    for junk in ("NaN", "-1", "1e9"):
        r = cmte_client.post(
            "/reports/settings", data={**data, "version": 1, "complaint_penalty": junk}
        )
        assert r.status_code == 200
    db.session.refresh(row)
    assert row.complaint_penalty == 3.5


def test_a_secretary_may_not_change_the_settings(net, login_as):
    sec = login_as(make_user("sec_a", (Role.BRANCH_SECRETARY, net.tree.branch_a)))
    page(sec, "/reports/settings", 403)
    assert sec.post("/reports/settings", data={"version": "0"}).status_code == 403


def test_the_page_runs_the_same_queries_on_small_and_larger_data(net, cmte_client, count_queries):
    url = f"/reports/rates?{Q3}"
    page(cmte_client, url)  # warm up
    with count_queries() as small_warm:
        page(cmte_client, url)
    versions.clear_memo()
    with count_queries() as small:
        page(cmte_client, url)
    what = item(net.tree.branch_b, "乙村事项")
    for i in range(25):
        day = date(2026, 8, 1 + i)
        add_case(net.room_b, what, "evaluated", day, day, date(2026, 9, 1), day, ((day, 4),))
    db.session.commit()
    with count_queries() as after_cases:  # the cases' token changed: the rates computed again
        page(cmte_client, url)
    versions.clear_memo()
    with count_queries() as larger:
        page(cmte_client, url)
    with count_queries() as larger_warm:
        page(cmte_client, url)
    assert small.count == larger.count
    # Viewed again unchanged, the page is kept whole: the session (which reads the tokens
    # too) and the rules in force; a change of the cases leaves the picker's orgs kept.
    assert small_warm.count == larger_warm.count == 2
    assert after_cases.count == small.count - 1


def test_the_kept_page_follows_new_cases_the_settings_and_the_reader(net, cmte_client, login_as):
    """The page is kept per change of what the rates read, per reader, query and rules: a new
    case, saved settings and another reader each get the page as it is now."""
    url = f"/reports/rates?{Q3}"
    first = page(cmte_client, url)
    day = date(2026, 8, 3)
    add_case(net.room_b, item(net.tree.branch_b, "乙村事项"), "handling", day, day)
    db.session.commit()
    second = page(cmte_client, url)
    assert second != first
    db.session.add(ReportSettings(org_id=net.tree.committee.id, count_withdrawn=True))
    db.session.commit()
    assert page(cmte_client, url) != second
    secretary = login_as(make_user("sec_b", (Role.BRANCH_SECRETARY, net.tree.branch_b)))
    theirs = page(secretary, url)
    assert net.tree.branch_b.name in theirs and net.tree.committee.name not in theirs
