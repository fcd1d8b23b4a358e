"""The October comparison of townships: each township's six rates of the year and its
complaints, ranked by OUR default rule (a setting), as a notice page and Excel."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from app.auth.models import Role
from app.extensions import db
from app.orgs.models import OrgKind, ServiceLevel
from app.reports.comparison import compare_townships, score
from app.reports.models import ReportSettings
from app.reports.rates import RATE_CODES, Rate
from app.reports.settings import RateRules
from tests.factories import make_org, make_service_point, make_user
from tests.reports.rates_data import add_complaint, build_network


@pytest.fixture
def net(app):
    n = build_network()
    t = n.tree
    town2 = make_org("第二镇党总支", OrgKind.GENERAL_BRANCH, t.committee)
    n.station2 = make_service_point(town2, "第二镇站", ServiceLevel.TOWNSHIP)
    n.town2 = town2
    add_complaint(t.room_a, date(2026, 3, 1), "upheld")
    add_complaint(t.room_a, date(2026, 4, 1), "not_upheld")
    add_complaint(t.room_a, date(2025, 12, 1), "upheld")  # the year before: not counted
    add_complaint(n.station2, date(2026, 5, 1), "partly")
    add_complaint(n.room_b, date(2026, 5, 1), "upheld")  # branch B is no township's
    db.session.commit()
    return n


def test_townships_ranked_by_the_default_rule(net):
    c = compare_townships(net.tree.committee, 2026)
    assert [r.org.name for r in c.rows] == ["测试党总支", "第二镇党总支"]
    first, second = c.rows
    # 测试党总支 in 2026: health 1/2, openness 1/2, acceptance 5/6, completion 4/5,
    # punctuality 2/3, satisfaction 3/4: mean 67.5; one upheld complaint of two: -2.
    assert {k: (r.num, r.den) for k, r in first.rates.items()} == {
        "health": (1, 2),
        "openness": (1, 2),
        "acceptance": (5, 6),
        "completion": (4, 5),
        "punctuality": (2, 3),
        "satisfaction": (3, 4),
    }
    assert (first.complaints, first.upheld, first.rank) == (2, 1, 1)
    assert first.score == pytest.approx(65.5)
    # 第二镇党总支: its station has no agent (health 0/1), nothing else to count; one partly
    # upheld complaint.
    assert second.rates["acceptance"].text == "—"
    assert (second.complaints, second.upheld, second.rank) == (1, 1, 2)
    assert second.score == pytest.approx(-2.0)


def test_the_penalty_is_a_setting(net):
    db.session.add(ReportSettings(org_id=net.tree.committee.id, complaint_penalty=10))
    db.session.commit()
    first, second = compare_townships(net.tree.committee, 2026).rows
    assert first.score == pytest.approx(57.5) and second.score == pytest.approx(-10.0)


def test_a_rate_with_nothing_to_count_is_left_out_or_counts_as_zero():
    # Satisfaction 100 % (one rated case) and nothing else to count; no complaint.
    rates = {code: Rate() for code in RATE_CODES} | {"satisfaction": Rate(1, 1)}
    assert score(rates, 0, RateRules()) == pytest.approx(100.0)  # our default: left out
    as_zero = RateRules(empty_rate_rule="zero")
    assert score(rates, 0, as_zero) == pytest.approx(100 / 6)
    assert score(rates, 1, as_zero) == pytest.approx(100 / 6 - 2)
    assert score({code: Rate() for code in RATE_CODES}, 0, RateRules()) is None


def test_no_township_no_rows(app):
    committee = make_org("空党委", OrgKind.COMMITTEE)
    assert compare_townships(committee, 2026).rows == []


def test_the_notice_and_its_excel_for_the_committee_only(net, login_as):
    cmte = login_as(make_user("cmte", (Role.COMMITTEE, net.tree.committee)))
    html = cmte.get("/reports/comparison?year=2026").get_data(as_text=True)
    assert "65.5" in html and "-2.0" in html and "第二镇党总支" in html
    assert cmte.get("/reports/comparison?year=junk").status_code == 200
    r = cmte.get("/reports/comparison.xlsx?year=2026")
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    ranked = [row for row in ws.iter_rows(values_only=True) if row and row[0] in (1, 2)]
    assert [(row[0], row[1], row[-1]) for row in ranked] == [
        (1, "测试党总支", 65.5),
        (2, "第二镇党总支", -2.0),
    ]
    town = login_as(make_user("sec_town", (Role.BRANCH_SECRETARY, net.tree.general)))
    assert town.get("/reports/comparison").status_code == 403
    assert town.get("/reports/comparison.xlsx").status_code == 403
