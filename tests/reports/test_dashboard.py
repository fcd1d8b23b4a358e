"""The dashboards' figures on hand-made data (tests/reports/dashboard_data.py says what each
must be), and who sees which: a branch secretary only their branch, a township only its
villages, an agent only their point."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from sqlalchemy import select

from app.appraisal.models import Appraisal
from app.cases.models import ServiceCase
from app.common import versions
from app.errors import NotFound
from app.extensions import db
from app.orgs.models import ServicePoint
from app.reports import dashboard, dashboard_appraisal, figures
from tests.factories import make_member, make_user
from tests.reports.dashboard_data import NOW, TODAY, build_world


@pytest.fixture
def world(app):
    with time_machine.travel(NOW, tick=False):
        yield build_world()


def _progress(d) -> dict[str, dict[str, int]]:
    return {r.org.name: r.steps.counts for r in d.progress.rows}


def test_committee_sees_the_whole_tree(world):
    d = dashboard.org_dashboard(world.cmte)
    assert d.org.id == world.tree.committee.id
    assert (d.progress.year, d.progress.quarter) == (2026, 4)
    # One row per org directly under the committee: branch A's records count with the
    # general branch above it, branch B's (and its group's) with branch B.
    assert _progress(d) == {
        "测试党总支": {"draft": 1, "submitted": 1, "signed": 1, "assessed": 2},
        "乙党支部": {"assessed": 1, "closed": 1},
    }
    assert [r.is_self for r in d.progress.rows] == [False, False]
    assert d.progress.totals.total == 7 and d.progress.totals.percent_done == 57
    assert [(q.year, q.quarter) for q in d.quarters] == [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]
    q3, q4 = d.quarters[2], d.quarters[3]
    assert q3.grades == {"excellent": 1, "qualified": 5, "basically_qualified": 1}
    assert (q3.vetoed, q3.sampled) == (0, 3)
    assert q3.spot == {"confirmed": 1, "returned": 1, "pending": 1}
    assert q4.grades == {"ungraded": 3, "excellent": 1, "qualified": 2, "unqualified": 1}
    assert (q4.vetoed, q4.sampled, q4.spot) == (1, 1, {"adjusted": 1})
    assert d.quarters[0].total == 0


def test_committee_case_figures(world):
    p = dashboard.org_dashboard(world.cmte).panels
    f = p.figures
    assert f.total == 8  # the 2025 cases lie outside the four quarters
    assert f.by_category["civil_affairs"].counts == {"in_hand": 3, "completed": 1, "not_handled": 1}
    assert f.by_category["land"].counts == {"in_hand": 2, "completed": 1}
    assert f.by_level["village"].total == 5 and f.by_level["township"].total == 3
    assert f.by_state == {
        "handling": 3,
        "applied": 1,
        "evaluated": 1,
        "refused": 1,
        "done": 1,
        "supplement": 1,
    }
    assert (p.open.total, p.open.overdue, p.open.unassigned) == (7, 4, 2)
    loads = {a.name: (a.open, a.overdue, a.capacity) for a in p.open.agents}
    assert loads == {
        "代理员agent_a": (3, 2, 2),
        "代理员agent_b": (2, 2, 5),
        "代理员station": (0, 0, 5),
    }
    assert [a.name for a in p.open.agents][0] == "代理员agent_a"  # the busiest first
    assert p.open.agents[0].over_capacity
    assert p.open.agent_count == 3
    # Each open case is someone's or nobody's: the loads add up to the total.
    assert sum(a.open for a in p.open.agents) + p.open.unassigned == p.open.total
    t = world.tree
    assert p.open.by_point == {
        t.room_a.id: (4, 2),
        world.room_b.id: (2, 2),
        world.station.id: (1, 0),
    }


def test_the_busiest_agents_are_listed_and_every_agent_counted(world):
    points = select(ServicePoint.id)
    top = dashboard.cases.open_cases(world.cmte, points, TODAY, "all", busiest=2)
    assert [(a.name, a.open, a.overdue) for a in top.agents] == [
        ("代理员agent_a", 3, 2),
        ("代理员agent_b", 2, 2),
    ]
    assert top.agent_count == 3 and top.total == 7


def test_a_branch_secretary_sees_only_their_branch(world):
    d = dashboard.org_dashboard(world.sec_a)
    assert d.org.id == world.tree.branch_a.id
    assert [o.name for o in d.choices] == ["甲党支部"]
    assert list(_progress(d)) == ["甲党支部"]
    assert [q.total for q in d.quarters] == [0, 0, 5, 5]
    p = d.panels
    assert (p.open.total, p.open.overdue, p.open.unassigned) == (4, 2, 1)
    assert [a.name for a in p.open.agents] == ["代理员agent_a"]
    assert p.figures.total == 5
    with pytest.raises(NotFound):
        dashboard.org_dashboard(world.sec_a, world.tree.branch_b.id)
    with pytest.raises(NotFound):
        dashboard.org_dashboard(world.sec_a, world.tree.committee.id)


def test_a_township_sees_its_villages_only(world):
    d = dashboard.org_dashboard(world.township)
    t = world.tree
    assert d.org.id == t.general.id
    assert [o.name for o in d.choices] == ["测试党总支", "甲党支部"]
    assert _progress(d) == {"甲党支部": {"draft": 1, "submitted": 1, "signed": 1, "assessed": 2}}
    assert {p.id for p in d.points} == {t.room_a.id, world.station.id}
    assert (d.panels.open.total, d.panels.open.overdue) == (5, 2)
    assert {a.name for a in d.panels.open.agents} == {"代理员agent_a", "代理员station"}
    # The picker narrows to one village.
    assert dashboard.org_dashboard(world.township, t.branch_a.id).panels.open.total == 4


def test_the_committee_picks_a_branch(world):
    d = dashboard.org_dashboard(world.cmte, world.tree.branch_b.id)
    # A branch's one row is itself, its party group's records with it.
    assert _progress(d) == {"乙党支部": {"assessed": 1, "closed": 1}}
    assert [r.is_self for r in d.progress.rows] == [True]
    assert (d.panels.open.total, d.panels.open.overdue) == (2, 2)


def test_a_party_group_has_no_dashboard_of_its_own(world):
    with pytest.raises(NotFound):
        dashboard.org_dashboard(world.cmte, world.tree.group_a.id)


def test_a_point_dashboard(world):
    sp = dashboard.get_point(world.agent_a, world.tree.room_a.id)
    p = dashboard.point_dashboard(world.agent_a, sp).panels
    assert (p.open.total, p.open.overdue, p.open.unassigned) == (4, 2, 1)
    assert [(a.name, a.open) for a in p.open.agents] == [("代理员agent_a", 3)]
    assert p.figures.total == 5
    with pytest.raises(NotFound):
        dashboard.get_point(world.agent_a, world.room_b.id)
    with pytest.raises(NotFound):
        dashboard.get_point(world.sec_a, world.room_b.id)


def test_a_quarter_with_no_appraisal_yet(app):
    """A fresh tree: no quarter opened, no case; the dashboard says so instead of failing."""
    from tests.factories import make_tree

    t = make_tree()
    make_member(t.group_a)
    cmte = make_user("fresh_cmte", ("committee", t.committee))
    d = dashboard.org_dashboard(cmte)
    assert d.progress.year is None and d.quarters == []
    assert d.panels.open.total == 0 and d.panels.figures.total == 0
    assert d.panels.rates.current["satisfaction"].value is None


# --- over HTTP ---------------------------------------------------------------------------------


def test_pages_answer_by_scope(world, login_as):
    t = world.tree
    with time_machine.travel(NOW, tick=False):
        sec = login_as(world.sec_a)
        assert sec.get("/reports/").status_code == 200
        assert sec.get(f"/reports/?org={t.branch_b.id}").status_code == 404
        assert sec.get(f"/reports/points/{world.room_b.id}").status_code == 404
        assert sec.get(f"/reports/points/{t.room_a.id}").status_code == 200
        body = sec.get("/reports/").get_data(as_text=True)
        assert "甲党支部" in body and "乙党支部" not in body and "乙村为民服务室" not in body
        agent = login_as(world.agent_a)
        r = agent.get("/reports/")
        assert r.status_code == 302 and r.location.endswith(f"/reports/points/{t.room_a.id}")
        assert agent.get(f"/reports/points/{world.room_b.id}").status_code == 404
        member = make_user("plain", ("member", t.group_a))
        plain = login_as(member)
        assert plain.get("/reports/").status_code == 403
        assert plain.get(f"/reports/points/{t.room_a.id}").status_code == 404


def test_the_progress_rows_open_the_dashboards_below(world, login_as):
    t = world.tree
    with time_machine.travel(NOW, tick=False):
        c = login_as(world.cmte)
        body = c.get("/reports/").get_data(as_text=True)
        assert f'href="/reports/?org={t.general.id}">测试党总支</a>' in body
        assert f'href="/reports/?org={t.branch_b.id}">乙党支部</a>' in body
        body = c.get(f"/reports/?org={t.general.id}").get_data(as_text=True)
        assert f'href="/reports/?org={t.branch_a.id}">甲党支部</a>' in body
        body = c.get(f"/reports/?org={t.branch_a.id}").get_data(as_text=True)
        assert f'href="/reports/?org={t.branch_a.id}"' not in body  # itself: no link


def test_the_point_picker_goes_to_the_point_chosen(world, login_as):
    with time_machine.travel(NOW, tick=False):
        c = login_as(world.cmte)
        r = c.get(f"/reports/points/{world.tree.room_a.id}?sp={world.room_b.id}")
        assert r.status_code == 302 and r.location.endswith(f"/reports/points/{world.room_b.id}")


def test_the_navigation_shows_reports_to_those_who_open_them(world, login_as):
    with time_machine.travel(NOW, tick=False):
        for user, shown in ((world.cmte, True), (world.agent_a, True)):
            body = login_as(user).get("/").get_data(as_text=True)
            assert ('href="/reports/"' in body) is shown
        member = make_user("nav_member", ("member", world.tree.group_a))
        assert 'href="/reports/"' not in login_as(member).get("/").get_data(as_text=True)


def test_the_points_table_lists_the_points_down_one_level(world, login_as):
    """The committee sees the township's station and branch B's room (one level below);
    branch A's room sits under the township, whose own dashboard lists it."""
    t = world.tree
    room_a = t.room_a.name
    with time_machine.travel(NOW, tick=False):
        d = dashboard.org_dashboard(world.cmte)
        assert {p.name for p in d.near_points} == {world.station.name, world.room_b.name}
        assert room_a in {p.name for p in d.points}
        html = login_as(world.cmte).get("/reports/").get_data(as_text=True)
        assert f"/reports/points/{world.room_b.id}" in html
        assert f"/reports/points/{t.room_a.id}" not in html
        township = dashboard.org_dashboard(world.cmte, t.general.id)
        assert {p.name for p in township.near_points} == {world.station.name, room_a}


def test_the_case_figures_follow_a_write_to_a_kept_month(world):
    versions.bump(db.session, [figures.CASE_DATES])  # as a server's start does (wsgi.py)
    db.session.commit()
    before = dashboard.org_dashboard(world.cmte).panels.figures.by_state
    applied = db.session.scalar(select(ServiceCase).where(ServiceCase.status == "applied"))
    applied.status = "refused"
    db.session.commit()
    after = dashboard.org_dashboard(world.cmte).panels.figures.by_state
    expected = {**before, "applied": before["applied"] - 1, "refused": before["refused"] + 1}
    assert after == {state: n for state, n in expected.items() if n}


def test_a_graded_record_counts_its_quarter_again_and_no_other(world, monkeypatch):
    versions.bump(db.session, [figures.APPRAISAL_QUARTERS])  # as a server's start does
    db.session.commit()
    asked: list[list[tuple[int, int]]] = []
    real = dashboard_appraisal._count_quarters

    def spy(user, paths, quarters):
        asked.append(list(quarters))
        return real(user, paths, quarters)

    monkeypatch.setattr(dashboard_appraisal, "_count_quarters", spy)
    before = dashboard.org_dashboard(world.cmte).quarters[3]
    assert asked == [[(2026, 1), (2026, 2), (2026, 3), (2026, 4)]]
    record = db.session.scalar(
        select(Appraisal)
        .where(Appraisal.year == 2026, Appraisal.quarter == 4)
        .where(Appraisal.grade.is_(None))
    )
    record.grade = "excellent"
    db.session.commit()
    after = dashboard.org_dashboard(world.cmte).quarters[3]
    assert asked[1:] == [[(2026, 4)]]
    assert after.grades["excellent"] == before.grades["excellent"] + 1
    assert after.grades["ungraded"] == before.grades["ungraded"] - 1


@pytest.mark.parametrize("busiest", [1, 2])
def test_the_busiest_agents_are_those_of_every_load_listed(world, busiest):
    from app.reports import dashboard_cases

    points = dashboard_cases.points_under([world.tree.committee.path])
    every = dashboard_cases.open_cases(world.cmte, points, TODAY, "all")  # every load read
    top = dashboard_cases.open_cases(world.cmte, points, TODAY, "all", busiest=busiest)
    assert [(a.name, a.open, a.overdue, a.point_id, a.capacity) for a in top.agents] == [
        (a.name, a.open, a.overdue, a.point_id, a.capacity) for a in every.agents[:busiest]
    ]
    assert top.agent_count == every.agent_count == 3
    assert (top.total, top.overdue, top.unassigned, top.by_point) == (
        every.total,
        every.overdue,
        every.unassigned,
        every.by_point,
    )


def test_agents_tied_with_the_last_listed_are_settled_by_name(world):
    from app.reports import dashboard_cases

    b = db.session.scalar(select(ServiceCase).where(ServiceCase.status == "applied"))
    loads = dashboard_cases.open_cases(
        world.cmte, dashboard_cases.points_under(["/"]), TODAY, ("paths", ("/",))
    ).agents
    assert [(a.open, a.overdue) for a in loads][:2] == [(3, 2), (2, 2)]
    # One more open case, not late, for the second: both hold 3, 2 of them late.
    second = next(a for a in loads if (a.open, a.overdue) == (2, 2))
    b.agent_member_id, b.status = second.member_id, "handling"
    b.due_on = date.fromordinal(TODAY.toordinal() + 10)
    db.session.commit()
    paths = [world.tree.committee.path]
    points, key = dashboard_cases.points_under(paths), ("paths", tuple(paths))
    one = dashboard_cases.open_cases(world.cmte, points, TODAY, key, busiest=1).agents
    every = dashboard_cases.open_cases(world.cmte, points, TODAY, key).agents
    assert [(a.open, a.overdue) for a in every][:2] == [(3, 2), (3, 2)]
    names = sorted(a.name for a in loads[:2])
    assert [a.name for a in one] == names[:1]  # the tie settled by name, as before
