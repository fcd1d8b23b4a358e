"""The home page's figures of the user's dashboard: the appraisal quarter's progress, open and
overdue cases and this quarter's satisfaction so far, each for the user's own scope."""

from __future__ import annotations

import pytest
import time_machine

from app.reports.dashboard_home import home_figures
from tests.factories import make_user
from tests.reports.dashboard_data import NOW, TODAY, build_world


@pytest.fixture
def world(app):
    with time_machine.travel(NOW, tick=False):
        yield build_world()


def test_figures_by_scope(world):
    cmte = home_figures(world.cmte, TODAY)
    assert cmte.quarter == (2026, 4) and (cmte.steps.done, cmte.steps.total) == (4, 7)
    assert (cmte.open, cmte.overdue, cmte.point_id) == (7, 4, None)
    assert cmte.period.key == "2026-Q4"
    sec = home_figures(world.sec_a, TODAY)
    assert (sec.steps.done, sec.steps.total) == (2, 5) and (sec.open, sec.overdue) == (4, 2)
    agent = home_figures(world.agent_a, TODAY)
    assert (agent.open, agent.overdue, agent.point_id) == (4, 2, world.tree.room_a.id)
    assert not agent.has_appraisal
    assert home_figures(make_user("just_member", ("member", world.tree.group_a)), TODAY) is None


def test_the_home_page_shows_them_with_the_link(world, login_as):
    with time_machine.travel(NOW, tick=False):
        body = login_as(world.cmte).get("/").get_data(as_text=True)
        assert 'href="/reports/"' in body and "57%" in body
        agent_body = login_as(world.agent_a).get("/").get_data(as_text=True)
        assert f'href="/reports/points/{world.tree.room_a.id}"' in agent_body
