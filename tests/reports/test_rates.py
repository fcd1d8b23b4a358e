"""The six rates on the hand-made network of tests/reports/rates_data.py: every figure below
was counted by hand from the table in that module's docstring."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.extensions import db
from app.reports.periods import Period
from app.reports.rates import RATE_CODES, Rate, six_rates, six_rates_by_org, six_rates_over
from app.reports.settings import RateRules
from tests.reports.rates_data import SHANGHAI, add_case, build_network, item

Q3, Q4 = Period("quarter", 2026, 3), Period("quarter", 2026, 4)
H2, Y2026 = Period("half", 2026, 2), Period("year", 2026)


def figures(rates) -> dict[str, tuple[int, int]]:
    return {code: (r.num, r.den) for code, r in rates.items()}


@pytest.fixture
def net(app):
    return build_network()


def test_rate_values_and_the_dash():
    assert Rate(1, 3).text == "33.3%" and Rate(1, 3).value == pytest.approx(1 / 3)
    assert Rate(0, 5).text == "0.0%" and Rate(5, 5).text == "100.0%"
    empty = Rate(0, 0)
    assert empty.value is None and empty.percent is None and str(empty) == "—"
    assert Rate(1, 2).change_text(Rate(1, 4)) == "+25.0"
    assert Rate(1, 4).change_text(Rate(1, 2)) == "-25.0"
    assert Rate(1, 2).change_text(Rate(2, 4)) == "0.0"
    assert Rate(1, 2).change_text(empty) == "—" and empty.change(Rate(1, 2)) is None


def test_the_committee_quarter(net):
    got = six_rates([net.tree.committee.path], Q3)
    assert list(got) == list(RATE_CODES)
    assert figures(got) == {
        "health": (1, 3),  # only 甲村室: the station has no catalogue, 乙村室 no agent
        "openness": (2, 3),  # 甲村草稿 is not published
        "acceptance": (5, 6),  # c1 c2 c3 c4 c7 c9 applied (c5 withdrawn, c6 new); c4 refused
        "completion": (4, 5),  # accepted c1 c2 c3 c8 c9; c3 still in hand
        "punctuality": (2, 3),  # c1 c2 c9 done with a date; c2 late (c8 had none)
        "satisfaction": (2, 4),  # latest ratings c1:5 c2:3 c8:5 c9:1
    }
    assert got["satisfaction"].text == "50.0%"


def test_a_quarter_with_no_application_shows_a_dash(net):
    got = six_rates([net.tree.committee.path], Q4)
    assert got["acceptance"] == Rate(0, 0) and got["acceptance"].text == "—"
    assert figures(got)["completion"] == (1, 1)  # c7, accepted 10-02, done 10-05
    assert figures(got)["punctuality"] == (1, 1)
    assert figures(got)["satisfaction"] == (1, 1)  # c7 rated 4


def test_an_empty_period_has_only_dashes_for_the_cases(net):
    got = six_rates([net.tree.committee.path], Period("quarter", 2025, 1))
    for code in ("acceptance", "completion", "punctuality", "satisfaction"):
        assert got[code].den == 0 and got[code].text == "—"
    assert figures(got)["health"] == (1, 3)  # the points are counted as they are today


def test_a_half_year_and_a_year(net):
    half = six_rates([net.tree.committee.path], H2)
    assert figures(half) == {
        "health": (1, 3),
        "openness": (2, 3),
        "acceptance": (5, 6),
        "completion": (5, 6),  # c1 c2 c3 c7 c8 c9 accepted; c3 open
        "punctuality": (3, 4),  # c1 c2 c7 c9; c2 late
        "satisfaction": (3, 5),  # c1:5 c2:3 c7:4 c8:5 c9:1
    }
    year = six_rates([net.tree.committee.path], Y2026)
    assert figures(year)["acceptance"] == (6, 7)  # c8 was registered in June
    assert figures(year)["completion"] == (5, 6)
    assert figures(year)["satisfaction"] == (3, 5)


def test_subtrees_count_only_their_own_points(net):
    t = net.tree
    a = figures(six_rates([t.branch_a.path], Q3))
    assert a == {
        "health": (1, 1),
        "openness": (1, 2),
        "acceptance": (4, 5),
        "completion": (3, 4),
        "punctuality": (1, 2),
        "satisfaction": (2, 3),
    }
    b = six_rates([t.branch_b.path], Q3)
    assert figures(b)["health"] == (0, 1) and b["openness"].text == "—"
    assert figures(b)["satisfaction"] == (0, 1)
    town = figures(six_rates([t.general.path], Q3))
    assert town["health"] == (1, 2) and town["acceptance"] == (4, 5)


def test_by_org_in_one_go_matches_each_subtree(net):
    t = net.tree
    orgs = [t.general, t.branch_b, t.committee]  # the committee holds both others
    by_org = six_rates_by_org(orgs, Q3)
    assert list(by_org) == [o.id for o in orgs]
    for o in orgs:
        assert by_org[o.id] == six_rates([o.path], Q3)


def test_over_periods_matches_each_period(net):
    paths = [net.tree.committee.path]
    periods = [Q3, Q4, H2, Y2026, Period("quarter", 2025, 1)]
    assert six_rates_over(paths, periods) == [six_rates(paths, p) for p in periods]


def test_one_point_only(net):
    got = six_rates([net.tree.general.path], Q3, point_ids=[net.township.id])
    assert figures(got)["health"] == (0, 1)
    assert got["acceptance"].den == 0


def test_the_settings_change_the_definitions(net):
    t, paths = net.tree, [net.tree.committee.path]
    withdrawn = six_rates(paths, Q3, rules=RateRules(count_withdrawn=True))
    assert figures(withdrawn)["acceptance"] == (5, 7)  # c5 now applied and not accepted
    inherited = six_rates(paths, Q3, rules=RateRules(catalogue_rule="inherited"))
    assert figures(inherited)["health"] == (2, 3)  # the station offers 区级事项 now
    rota = six_rates(paths, Q3, rules=RateRules(duty_rule="rota"))
    assert figures(rota)["health"] == (0, 3)  # no published rota at all
    net.room_b.is_active = False
    db.session.commit()
    assert figures(six_rates(paths, Q3))["health"] == (1, 2)
    assert figures(six_rates(paths, Q3, rules=RateRules(expected_rule="all")))["health"] == (1, 3)
    assert t.room_a.is_active


def test_a_day_belongs_to_its_quarter_in_beijing_time(net):
    t = net.tree
    late = datetime(2026, 9, 30, 23, 30, tzinfo=SHANGHAI)  # 15:30 UTC, still September
    early = datetime(2026, 10, 1, 0, 30, tzinfo=SHANGHAI)  # 16:30 UTC on September 30
    what = item(t.branch_b, "乙村事项")
    add_case(net.room_b, what, "applied", date(2026, 9, 30), created_at=late)
    add_case(net.room_b, what, "applied", date(2026, 10, 1), created_at=early)
    db.session.commit()
    assert figures(six_rates([t.branch_b.path], Q3))["acceptance"] == (1, 2)
    assert figures(six_rates([t.branch_b.path], Q4))["acceptance"] == (0, 1)


def test_no_path_gives_only_dashes(net):
    got = six_rates([], Q3)
    assert all(r.den == 0 for r in got.values())


def test_a_fixed_number_of_queries_whatever_the_data(net, count_queries):
    paths, rules = [net.tree.committee.path], RateRules()
    with count_queries() as small:
        six_rates_over(paths, [Q3], rules=rules)
    with count_queries() as many_periods:
        six_rates_over(paths, Period("quarter", 2026, 4).last(8), rules=rules)
    what = item(net.tree.branch_b, "乙村事项")
    for i in range(30):
        day = date(2026, 7, 1 + i)
        rated = ((date(2026, 7, 21), 1 + i % 5),)
        add_case(net.room_b, what, "evaluated", day, day, date(2026, 8, 1), day, rated)
    db.session.commit()
    towns = [net.tree.general, net.tree.branch_b]
    assert all(o.path for o in towns)  # loaded before counting
    with count_queries() as bigger:
        six_rates_over(paths, [Q3], rules=rules)
    with count_queries() as by_town:
        six_rates_by_org(towns, Q3, rules=rules)
    with count_queries() as again:
        six_rates_by_org(towns, Q3, rules=rules)
    # Three token reads (app/common/versions.py: the rates', the points', the cases') and the
    # four grouped queries (points, items, cases by their dates, cases by their ratings); once
    # computed, one token read alone until the data changes.
    assert small.count == many_periods.count == bigger.count == by_town.count == 7
    assert again.count == 1
