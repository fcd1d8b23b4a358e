"""The dashboards' open cases are kept per group of service points (app/reports/figures.py:
``parts.group_of``), and a quarter's appraisal records per group of orgs: a case
written recounts the groups of the points it was and is at, a record those of the orgs it
was and is in, no other, and every figure follows the write at once."""

from __future__ import annotations

import pytest
import time_machine
from sqlalchemy import select, update

from app.appraisal.models import Appraisal
from app.cases.models import ServiceCase
from app.common import parts, versions
from app.extensions import db
from app.reports import dashboard, dashboard_appraisal, dashboard_cases, figures
from app.reports.dashboard_home import home_figures
from tests.reports.dashboard_data import NOW, build_world


@pytest.fixture
def world(app):
    with time_machine.travel(NOW, tick=False):
        w = build_world()
        # as a server's start does (wsgi.py)
        versions.bump(db.session, [figures.OPEN_CASES, figures.APPRAISAL_ORGS])
        db.session.commit()
        yield w


@pytest.fixture
def counted(monkeypatch):
    """The groups of points (as sorted point ids) each count of the open cases asked for."""
    calls: list[list[list[int]]] = []
    real = dashboard_cases._count_open

    def spy(user, groups, today, with_agents):
        calls.append([sorted(g) for g in groups])
        return real(user, groups, today, with_agents)

    monkeypatch.setattr(dashboard_cases, "_count_open", spy)
    return calls


def _open(user):
    o = dashboard.org_dashboard(user).panels.open
    loads = {a.member_id: (a.open, a.overdue, a.point_id) for a in o.agents}
    return o.total, o.overdue, o.unassigned, dict(o.by_point), loads


def _fresh(user):
    versions.clear_memo()
    return _open(user)


def test_a_case_written_recounts_its_points_group_only(world, counted):
    room_a, room_b, station = world.tree.room_a, world.room_b, world.station
    assert len({parts.group_of(p.id) for p in (room_a, room_b, station)}) == 3
    before = _open(world.cmte)
    assert counted == [[[room_a.id], [room_b.id], [station.id]]]  # every group, in one count
    case = db.session.scalar(
        select(ServiceCase).where(
            ServiceCase.service_point_id == room_b.id, ServiceCase.status == "handling"
        )
    )
    case.status = "refused"  # closed: no longer open, nor late
    db.session.commit()
    counted.clear()
    after = _open(world.cmte)
    assert counted == [[[room_b.id]]]
    assert after == _fresh(world.cmte)
    total, overdue, _unassigned, by_point, _loads = before
    assert (after[0], after[1]) == (total - 1, overdue - 1)  # it was due on 1 November
    assert after[3][room_b.id] == (by_point[room_b.id][0] - 1, by_point[room_b.id][1] - 1)


def test_a_case_moved_to_another_point_recounts_both_groups(world, counted):
    room_a, station = world.tree.room_a, world.station
    before = _open(world.cmte)
    case = db.session.scalar(
        select(ServiceCase).where(
            ServiceCase.service_point_id == room_a.id, ServiceCase.status == "applied"
        )
    )
    case.service_point_id = station.id
    case.agent_member_id = world.station_member.id
    db.session.commit()
    counted.clear()
    after = _open(world.cmte)
    assert counted == [[[room_a.id], [station.id]]]
    assert after == _fresh(world.cmte)
    assert after[2] == before[2] - 1  # someone's now
    assert after[3][station.id][0] == before[3][station.id][0] + 1
    assert after[4][world.station_member.id][:2] == (1, 0)


def test_a_new_open_case_shows_for_the_secretary_and_the_committee(world, counted):
    from tests.reports.dashboard_data import _case

    room_a = world.tree.room_a
    for user in (world.cmte, world.sec_a):
        _open(user)
    _case(world, room_a, world.civil, "handling", world.member_a, due=NOW.date())
    counted.clear()
    for user in (world.cmte, world.sec_a):
        after = _open(user)
        assert after == _fresh(user)
    assert counted[0] == [[room_a.id]]  # the committee: room A's group again, no other
    load = dashboard.org_dashboard(world.sec_a).panels.open
    assert set(load.by_point) == {room_a.id}  # the secretary's own points only


def test_the_home_pages_open_cases_follow_a_write_to_a_kept_group(world, counted):
    room_b = world.room_b
    before = home_figures(world.cmte, NOW.date())
    case = db.session.scalar(
        select(ServiceCase).where(
            ServiceCase.service_point_id == room_b.id, ServiceCase.status == "handling"
        )
    )
    case.status = "withdrawn"
    db.session.commit()
    counted.clear()
    after = home_figures(world.cmte, NOW.date())
    assert counted == [[[room_b.id]]]
    assert (after.open, after.overdue) == (before.open - 1, before.overdue - 1)
    versions.clear_memo()
    fresh = home_figures(world.cmte, NOW.date())
    assert (after.open, after.overdue) == (fresh.open, fresh.overdue)


def test_a_statement_on_the_cases_recounts_every_group(world, counted):
    room_a, room_b, station = world.tree.room_a, world.room_b, world.station
    _open(world.cmte)
    db.session.execute(
        update(ServiceCase)
        .where(ServiceCase.status == "applied")
        .values(status="handling", due_on=NOW.date())
    )
    db.session.commit()
    counted.clear()
    after = _open(world.cmte)
    assert counted == [[[room_a.id], [room_b.id], [station.id]]]
    assert after == _fresh(world.cmte)


def test_the_day_changes_the_overdue_cases_without_a_write(world):
    before = _open(world.cmte)
    with time_machine.travel("2026-12-31 08:00 +0800", tick=False):
        later = _open(world.cmte)
        assert later == _fresh(world.cmte)
    assert later[1] > before[1]  # the cases due in between are late now


# --- the appraisal records per group of orgs ---------------------------------------------


@pytest.fixture
def org_counts(monkeypatch):
    """The groups of orgs (as sorted org ids) each count of a quarter's records asked for."""
    calls: list[list[list[int]]] = []
    real = dashboard_appraisal._count_org_steps

    def spy(user, paths, quarter, groups, every):
        calls.append([sorted(g) for g in groups])
        return real(user, paths, quarter, groups, every)

    monkeypatch.setattr(dashboard_appraisal, "_count_org_steps", spy)
    return calls


def _progress(user):
    p = dashboard.org_dashboard(user).progress
    rows = {r.org.name: dict(r.steps.counts) for r in p.rows}
    return rows, dict(p.totals.counts), home_figures(user, NOW.date()).steps.counts


def _fresh_progress(user):
    versions.clear_memo()
    return _progress(user)


def _draft(world) -> Appraisal:
    return db.session.scalar(
        select(Appraisal).where(
            Appraisal.year == 2026, Appraisal.quarter == 4, Appraisal.status == "draft"
        )
    )


def test_a_record_written_recounts_its_orgs_group_only(world, org_counts):
    before = _progress(world.cmte)
    record = _draft(world)
    record.status = "submitted"
    db.session.commit()
    org_counts.clear()
    after = _progress(world.cmte)
    assert org_counts == [[[record.org_id]]]  # the dashboard's; the home page's is kept too
    assert after == _fresh_progress(world.cmte)
    assert after[1].get("draft", 0) == before[1]["draft"] - 1
    assert after[1]["submitted"] == before[1]["submitted"] + 1
    assert after[2] == after[1]  # the home page shows the same quarter's steps


def test_a_record_moved_to_another_org_recounts_both_groups(world, org_counts):
    t = world.tree
    _progress(world.cmte)
    record = _draft(world)
    was = record.org_id
    record.org_id = t.group_b.id if was != t.group_b.id else t.group_a.id
    db.session.commit()
    org_counts.clear()
    after = _progress(world.cmte)
    assert org_counts == [sorted([[was], [record.org_id]])]
    assert after == _fresh_progress(world.cmte)


def test_a_statement_on_the_records_recounts_every_group(world, org_counts):
    _progress(world.cmte)
    db.session.execute(
        update(Appraisal).where(Appraisal.status == "draft").values(status="submitted")
    )
    db.session.commit()
    org_counts.clear()
    after = _progress(world.cmte)
    assert len(org_counts) == 1 and len(org_counts[0]) > 2  # every group, in one count
    assert after == _fresh_progress(world.cmte)
    assert "draft" not in after[1]


def test_a_period_written_recounts_every_group(world, org_counts):
    from app.appraisal.models import AppraisalPeriod

    _progress(world.cmte)
    period = db.session.scalar(
        select(AppraisalPeriod).where(AppraisalPeriod.year == 2026, AppraisalPeriod.quarter == 4)
    )
    period.self_due = period.self_due.replace(day=1)  # the counts find records by period
    db.session.commit()
    org_counts.clear()
    after = _progress(world.cmte)
    assert len(org_counts) == 1 and len(org_counts[0]) > 2  # every group, in one count
    assert after == _fresh_progress(world.cmte)
