"""The reports' figures are computed once per change of their data (app/reports/figures.py):
a commit that writes a case, a rating, an appraisal record or the settings shows at once, the
day is part of what depends on the clock, and the pages run a fixed number of queries whether
the figures are computed (cold) or reused (warm)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from app.appraisal.models import Appraisal
from app.cases.models import Evaluation
from app.common import versions
from app.extensions import db
from app.reports.dashboard import org_dashboard
from app.reports.dashboard_home import home_figures
from app.reports.models import ReportSettings
from app.reports.periods import Period
from app.reports.rates import six_rates
from tests.reports import dashboard_data
from tests.reports.dashboard_data import NOW, TODAY, build_world
from tests.reports.rates_data import add_case, at, build_network, item

Q3 = Period("quarter", 2026, 3)


def _pair(rate) -> tuple[int, int]:
    return rate.num, rate.den


@pytest.fixture
def world(app):
    with time_machine.travel(NOW, tick=False):
        yield build_world()


def test_a_new_rating_and_a_new_case_show_at_once(app, count_queries):
    net = build_network()
    paths = [net.tree.committee.path]
    before = six_rates(paths, Q3)
    assert _pair(before["satisfaction"]) == (2, 4)
    with count_queries() as warm:
        assert six_rates(paths, Q3) == before
    assert len(warm.statements) == 2  # the settings and a token read: nothing recomputed
    # c2 was rated 3 (unsatisfied); a second rating of 5 is now its latest
    db.session.add(
        Evaluation(
            case_id=net.cases["c2"].id,
            level=5,
            source="online",
            round=2,
            created_at=at(date(2026, 8, 1)),
        )
    )
    db.session.commit()
    assert _pair(six_rates(paths, Q3)["satisfaction"]) == (3, 4)
    day = date(2026, 8, 3)
    add_case(net.room_b, item(net.tree.branch_b, "乙村事项"), "handling", day, day)
    db.session.commit()
    assert _pair(six_rates(paths, Q3)["acceptance"]) == (6, 7)


def test_saving_the_settings_shows_at_once(app):
    net = build_network()
    paths = [net.tree.committee.path]
    assert _pair(six_rates(paths, Q3)["acceptance"]) == (5, 6)  # c5 withdrawn: left out
    db.session.add(ReportSettings(org_id=net.tree.committee.id, count_withdrawn=True))
    db.session.commit()
    assert _pair(six_rates(paths, Q3)["acceptance"]) == (5, 7)


def test_the_dashboard_and_home_figures_follow_new_cases_and_records(world):
    with time_machine.travel(NOW, tick=False):
        cmte = world.cmte
        assert org_dashboard(cmte).panels.open.total == 7
        assert home_figures(cmte, TODAY).open == 7
        dashboard_data._case(world, world.tree.room_a, world.civil, "handling", world.member_a)
        assert org_dashboard(cmte).panels.open.total == 8
        assert home_figures(cmte, TODAY).open == 8
        done_before = home_figures(cmte, TODAY).steps.done
        record = db.session.query(Appraisal).filter(Appraisal.status != "closed").first()
        record.status = "closed"
        db.session.commit()
        assert home_figures(cmte, TODAY).steps.done == done_before + 1
        assert org_dashboard(cmte).progress.totals.done == done_before + 1


def test_a_write_recomputes_only_the_dashboard_panels_that_read_it(world, monkeypatch):
    """A case leaves the appraisal panels reused, a login (which writes the accounts) reuses
    every panel, and an appraisal record leaves the case panels reused: each shows at once."""
    from app.reports import dashboard

    computed = {"appraisal": 0, "cases": 0}

    def counting(name, fn):
        def wrapper(*args, **kwargs):
            computed[name] += 1
            return fn(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(
        dashboard, "_appraisal_panels", counting("appraisal", dashboard._appraisal_panels)
    )
    monkeypatch.setattr(dashboard, "_case_panels", counting("cases", dashboard._case_panels))
    with time_machine.travel(NOW, tick=False):
        cmte = world.cmte
        d = org_dashboard(cmte)
        assert (d.panels.open.total, d.progress.totals.done) == (7, 4)
        org_dashboard(cmte)
        assert computed == {"appraisal": 1, "cases": 1}
        dashboard_data._case(world, world.tree.room_a, world.civil, "handling", world.member_a)
        d = org_dashboard(cmte)
        assert (d.panels.open.total, d.progress.totals.done) == (8, 4)
        assert computed == {"appraisal": 1, "cases": 2}
        world.sec_a.last_login_at = NOW
        db.session.commit()
        org_dashboard(cmte)
        assert computed == {"appraisal": 1, "cases": 2}
        record = db.session.query(Appraisal).filter(Appraisal.status == "draft").first()
        record.status = "closed"
        db.session.commit()
        d = org_dashboard(cmte)
        assert (d.panels.open.total, d.progress.totals.done) == (8, 5)
        assert computed == {"appraisal": 2, "cases": 2}


def test_the_day_is_part_of_the_figures_that_follow_the_clock(world):
    with time_machine.travel(NOW, tick=False):
        assert home_figures(world.cmte, TODAY).overdue == 4
    later = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        # the case due on 11-20 is overdue now, with no write in between
        assert home_figures(world.cmte, date(2026, 11, 25)).overdue == 5
        assert org_dashboard(world.cmte).panels.open.overdue == 5


def _grow(w) -> None:
    """Twenty more cases, rated, in this quarter."""
    for i in range(20):
        c = dashboard_data._case(w, w.room_b, w.civil, "evaluated", w.member_b, due=TODAY)
        db.session.add(
            Evaluation(case_id=c.id, level=1 + i % 5, source="online", round=1, created_at=NOW)
        )
    db.session.commit()


def _count(client, count_queries, url: str, *, cold: bool) -> int:
    client.get(url)
    if cold:
        versions.clear_memo()
    with count_queries() as q:
        assert client.get(url).status_code == 200
    return len(q.statements)


@pytest.mark.parametrize("url", ["/reports/", "/reports/rates", "/"])
def test_the_pages_run_a_fixed_number_of_queries_cold_and_warm(world, login_as, count_queries, url):
    with time_machine.travel(NOW, tick=False):
        c = login_as(world.cmte)
        cold = _count(c, count_queries, url, cold=True)
        warm = _count(c, count_queries, url, cold=False)
        _grow(world)
        assert _count(c, count_queries, url, cold=True) == cold
        assert _count(c, count_queries, url, cold=False) == warm
        assert warm < cold


def test_the_dashboard_page_shows_each_change_and_each_readers_own(world, login_as):
    """The dashboard's body is kept per change of what its panels read, per reader, org and
    day: a new case shows at once, and a secretary never sees the committee's page."""
    import re

    with time_machine.travel(NOW, tick=False):
        committee = login_as(world.cmte)
        secretary = login_as(world.sec_a)

        def figures(client) -> list[str]:
            html = client.get("/reports/").get_data(as_text=True)
            return re.findall(r'<span class="key-figure-value[^"]*">(?:<a [^>]*>)?([^<]+)', html)

        assert figures(committee)[1] == "7"  # open cases
        mine = secretary.get("/reports/").get_data(as_text=True)
        assert world.tree.branch_a.name in mine and world.room_b.name not in mine
        dashboard_data._case(world, world.tree.room_a, world.civil, "handling", world.member_a)
        assert figures(committee)[1] == "8"
        assert world.room_b.name in committee.get("/reports/").get_data(as_text=True)
