"""The periodic reports: the appraisal results of a period (a half-year and a year add up
their quarters) and the six rates, each with the previous period's; the A4 page and Excel."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth.models import Role
from app.extensions import db
from app.reports.periodic import appraisal_figures
from app.reports.periods import Period
from tests.factories import make_user
from tests.reports.rates_data import add_appraisals, build_network

Q2, Q3 = Period("quarter", 2026, 2), Period("quarter", 2026, 3)
H2, Y2026 = Period("half", 2026, 2), Period("year", 2026)


@pytest.fixture
def net(app):
    n = build_network()
    add_appraisals(n.tree)
    return n


def test_the_appraisal_figures_of_quarters_a_half_and_a_year(net):
    q3, q2, h2, year = appraisal_figures([net.tree.committee.path], [Q3, Q2, H2, Y2026])
    assert (q3.records, q3.graded, q3.vetoed, q3.sampled) == (5, 4, 1, 2)
    assert dict(q3.grades) == {
        "excellent": 1,
        "qualified": 1,
        "unqualified": 1,
        "basically_qualified": 1,
    }
    assert dict(q3.spot) == {"confirmed": 1, "adjusted": 1}
    assert q3.share("excellent").text == "25.0%"
    assert (q2.records, dict(q2.grades)) == (1, {"qualified": 1})
    assert q2.share("excellent").text == "0.0%"
    assert (h2.records, h2.grades["excellent"], h2.graded) == (7, 3, 6)  # Q3 and Q4
    assert h2.share("excellent").text == "50.0%"
    assert (year.records, year.graded, year.grades["qualified"]) == (8, 7, 2)
    (a,) = appraisal_figures([net.tree.branch_a.path], [Q3])
    assert (a.records, a.graded, a.vetoed, a.sampled) == (4, 3, 1, 1)  # group A counts in A
    (empty,) = appraisal_figures([net.tree.committee.path], [Period("year", 2024)])
    assert empty.records == 0 and empty.share("excellent").text == "—"


def test_the_committee_report_page(net, login_as):
    c = login_as(make_user("cmte", (Role.COMMITTEE, net.tree.committee)))
    html = c.get("/reports/periodic?period=2026-Q3").get_data(as_text=True)
    assert 'id="report-appraisal"' in html and 'id="report-units"' in html
    assert "25.0%" in html and "+25.0" in html  # excellent share, up from 0 of 1 in Q2
    assert "83.3%" in html and "-16.7" in html  # acceptance 5/6, Q2's was c8 alone: 1/1
    assert "测试党总支" in html and "乙党支部" in html  # the units under the committee
    half = c.get("/reports/periodic?period=2026-H2").get_data(as_text=True)
    assert "50.0%" in half


def test_the_report_as_excel_is_audited(net, login_as):
    c = login_as(make_user("cmte", (Role.COMMITTEE, net.tree.committee)))
    r = c.get("/reports/periodic.xlsx?period=2026-Q3")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["六率", "考核结果", "下属单位"]
    rates = [row for row in wb["六率"].iter_rows(values_only=True) if row and row[0] == 3]
    assert rates[0][2:5] == ("83.3%", 5, 6)
    results = {row[0]: row[1:] for row in wb["考核结果"].iter_rows(min_row=4, values_only=True)}
    assert results["考核记录（人次）"] == (5, 1, "+4")
    assert results["一票否决"] == (1, 0, "+1")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.export"))
    assert len(list(events)) == 1


def test_scope_of_the_report(net, login_as):
    t = net.tree
    sec_b = login_as(make_user("sec_b", (Role.BRANCH_SECRETARY, t.branch_b)))
    assert sec_b.get(f"/reports/periodic?of=org-{t.branch_a.id}").status_code == 404
    assert sec_b.get(f"/reports/periodic.xlsx?of=org-{t.branch_a.id}").status_code == 404
    own = sec_b.get("/reports/periodic?period=2026-Q3").get_data(as_text=True)
    assert "乙党支部" in own and "测试党总支" not in own
    agent = login_as(make_user("agent_only", (Role.AGENT, t.branch_a, t.room_a)))
    html = agent.get("/reports/periodic?period=2026-Q3").get_data(as_text=True)
    assert "甲村为民服务室" in html and 'id="report-appraisal"' not in html
