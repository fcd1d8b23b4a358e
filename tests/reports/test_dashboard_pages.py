"""The dashboard pages: a fixed number of SQL queries whatever the data size, the charts' data
as JSON blocks beside their tables, nothing inline for the CSP, Chart.js served from the app."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
import time_machine

from app.appraisal.models import Appraisal
from app.extensions import db
from app.orgs.models import OrgKind, ServiceLevel
from tests.factories import make_member, make_org, make_service_point
from tests.reports.dashboard_data import NOW, _agent, _case, _period, build_world

ROOT = Path(__file__).resolve().parents[2]
CHARTS = ("progress", "grades", "checks", "rates", "categories", "states", "load")


@pytest.fixture
def world(app):
    with time_machine.travel(NOW, tick=False):
        yield build_world()


def _grow(w) -> None:
    """Many more of everything: a township with three villages, their members, agents,
    appraisal records of another quarter and cases in every state."""
    t = w.tree
    town = make_org("新增党总支", OrgKind.GENERAL_BRANCH, t.committee)
    states = ["applied", "handling", "done", "evaluated", "refused", "supplement", "follow_up"]
    for v in range(3):
        village = make_org(f"新增{v}村党支部", OrgKind.BRANCH, town)
        group = make_org(f"新增{v}村第一党小组", OrgKind.GROUP, village)
        room = make_service_point(village, f"新增{v}村为民服务室", ServiceLevel.VILLAGE)
        _u, agent = _agent(f"grow_agent{v}", village, room, group)
        for _ in range(6):
            make_member(group)
        for i, state in enumerate(states * 2):
            item = w.civil if i % 2 else w.land
            due = date(2026, 11, 1 + i)
            _case(w, room, item, state, agent if i % 3 else None, due=due)
    _period(t, 2026, 2)
    for a in db.session.query(Appraisal).filter(Appraisal.quarter == 2):
        a.status, a.grade = "closed", "qualified"
    db.session.commit()


def _count(client, count_queries, url: str) -> int:
    client.get(url)  # warm: the first request loads what later ones find cached
    with count_queries() as q:
        r = client.get(url)
    assert r.status_code == 200
    return len(q.statements)


def test_the_committee_dashboard_runs_a_fixed_number_of_queries(world, login_as, count_queries):
    with time_machine.travel(NOW, tick=False):
        c = login_as(world.cmte)
        small = _count(c, count_queries, "/reports/")
        point = f"/reports/points/{world.tree.room_a.id}"
        small_point = _count(c, count_queries, point)
        _grow(world)
        body = c.get("/reports/").get_data(as_text=True)
        assert "新增2村党支部" in body  # the bigger data set is on the page
        assert _count(c, count_queries, "/reports/") == small
        assert _count(c, count_queries, point) == small_point
        assert small < 40  # grouped queries, not one per row


def _json_blocks(body: str) -> dict[str, dict]:
    blocks = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', body, re.S)
    return {i: json.loads(text) for i, text in blocks}


def test_the_charts_data_and_their_tables(world, login_as):
    with time_machine.travel(NOW, tick=False):
        body = login_as(world.cmte).get("/reports/").get_data(as_text=True)
    blocks = _json_blocks(body)
    assert set(blocks) == {f"chart-{name}-data" for name in CHARTS}
    for block_id in blocks:
        assert f'data-chart="{block_id}"' in body  # each block drawn on its canvas
    progress = blocks["chart-progress-data"]
    assert progress["labels"] == ["测试党总支", "乙党支部"]  # the orgs directly under the committee
    by_step = {d["label"]: d["data"] for d in progress["datasets"]}
    assert by_step["已评定"] == [2, 1] and by_step["写实记录填写中"] == [1, 0]
    load = blocks["chart-load-data"]
    assert load["labels"][0] == "代理员agent_a" and load["datasets"][0]["data"][0] == 2
    rates = blocks["chart-rates-data"]
    assert rates["percent"] and len(rates["datasets"]) == 6 and len(rates["labels"]) == 4
    assert body.count("<table") >= len(CHARTS)  # every chart has its table


def test_the_pages_hold_no_inline_script_or_style(world, login_as):
    t = world.tree
    with time_machine.travel(NOW, tick=False):
        c = login_as(world.cmte)
        pages = [c.get(u) for u in ("/reports/", f"/reports/points/{t.room_a.id}", "/")]
    for r in pages:
        assert r.status_code == 200
        body = r.get_data(as_text=True)
        for tag in re.findall(r"<script\b[^>]*>", body):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert " style=" not in body and not re.search(r"\son[a-z]+=", body)
        assert not re.search(r'(?:src|href)="(?:[a-z]+:)?//', body)
        assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    # Fingerprinted names (app/common/assets.py): chart.umd.min.<hash>.js
    assert re.search(r"/static/vendor/chartjs/chart\.umd\.min\.\w+\.js", pages[0].text)
    assert re.search(r"/static/js/dashboard\.\w+\.js", pages[0].text)


def test_chart_js_is_vendored_as_its_manifest_says(client):
    folder = ROOT / "static" / "vendor" / "chartjs"
    manifest = json.loads((folder / "MANIFEST.json").read_text())
    assert manifest["name"] == "chart.js" and manifest["license"] == "MIT"
    assert (folder / "LICENSE.md").is_file()
    for name, sha in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha
    r = client.get("/static/vendor/chartjs/chart.umd.min.js")
    assert r.status_code == 200 and b"Chart.js v" + manifest["version"].encode() in r.data[:200]


def test_an_empty_dashboard_says_what_to_do(app, login_as):
    from tests.factories import make_tree, make_user

    with time_machine.travel(NOW, tick=False):
        t = make_tree()
        c = login_as(make_user("empty_cmte", ("committee", t.committee)))
        body = c.get("/reports/").get_data(as_text=True)
    # Nothing to chart: no empty chart, and each panel's empty state instead.
    for name in ("progress", "grades", "checks", "categories", "states", "load"):
        assert f"chart-{name}-data" not in body
    assert body.count('class="text-muted mb-0"') >= 5
