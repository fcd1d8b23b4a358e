"""Each agent's quarter in figures: the numbers from hand-made facts, who is an agent, who sees
whom, the fixed number of queries, the agent's page and the Excel export."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.extensions import db
from app.network.assessment import Quarter, agents_stmt, figures
from app.network.assessment_pages import agent_table
from tests.factories import make_member
from tests.network.assessment_world import World, build

Q3 = Quarter(2026, 3)


@pytest.fixture
def w(app) -> World:
    return build()


def _facts(w: World) -> None:
    a = w.agent_member
    # Q3: four cases done, three with a promised date, two of them on time; ratings 5, 4, 2.
    w.case(a, done_on=date(2026, 7, 3), due_on=date(2026, 7, 5), rating=5)
    w.case(a, done_on=date(2026, 8, 10), due_on=date(2026, 8, 10), rating=4)
    w.case(a, done_on=date(2026, 9, 20), due_on=date(2026, 9, 1), rating=2)
    w.case(a, done_on=date(2026, 9, 30), due_on=None)
    w.case(a, done_on=date(2026, 10, 1), due_on=date(2026, 10, 9), rating=1)  # Q4
    w.case(a, done_on=None, due_on=date(2026, 9, 3), status="handling")  # not done
    w.complaint(a, date(2026, 7, 10), "upheld")
    w.complaint(a, date(2026, 8, 10), "partly")
    w.complaint(a, date(2026, 8, 11), "not_upheld")
    w.complaint(a, date(2026, 8, 12))  # undecided
    w.complaint(a, date(2026, 6, 30), "upheld")  # Q2
    published, draft = w.rota(2026, 7), w.rota(2026, 8, "draft")
    w.shift(published, a, date(2026, 7, 1), kept=True)
    w.shift(published, a, date(2026, 7, 2), kept=False)
    w.shift(published, a, date(2026, 7, 3), kept=True)
    w.shift(published, a, date(2026, 7, 4))  # not recorded
    w.shift(draft, a, date(2026, 8, 1), kept=True)  # a draft rota does not count
    w.training(date(2026, 7, 15), {a: True, w.colleague: False})
    w.training(date(2026, 9, 15), {a: False, w.colleague: True})
    w.training(date(2026, 10, 15), {a: True})  # Q4
    db.session.commit()


def test_the_figures_of_a_quarter_from_known_facts(w):
    _facts(w)
    f = figures([w.agent_member.id, w.colleague.id], Q3, today=date(2026, 12, 1))
    a = f[w.agent_member.id]
    assert (a.cases_done, a.with_due, a.on_time) == (4, 3, 2)
    assert (a.rated, a.satisfied) == (3, 2)
    assert a.rating_mean == pytest.approx(11 / 3)
    assert a.complaints_upheld == 2
    assert (a.shifts_kept, a.shifts_recorded) == (2, 3)
    assert (a.trainings_attended, a.trainings_expected) == (1, 2)
    assert a.on_time_share == pytest.approx(2 / 3)
    c = f[w.colleague.id]
    assert (c.cases_done, c.trainings_attended, c.trainings_expected) == (0, 1, 2)
    assert c.on_time_share is None and c.rating_mean is None


def test_a_session_still_to_come_is_not_yet_expected(w):
    _facts(w)
    f = figures([w.agent_member.id], Q3, today=date(2026, 8, 1))[w.agent_member.id]
    assert (f.trainings_attended, f.trainings_expected) == (1, 1)


def test_who_counts_as_an_agent(w, app):
    holder = make_member(w.t.group_a, name="周办件")  # no post, no login: holds a case in Q3
    w.case(holder, done_on=date(2026, 8, 1))
    db.session.commit()
    names = {m.name for m in db.session.scalars(agents_stmt(w.cmte, Q3)).unique()}
    assert {"钱代理", "孙代理", "乙代理", "周办件"} <= names
    assert "李普通" not in names
    # Another quarter: the holder of a case done in Q3 is no agent of Q1.
    q1 = {m.name for m in db.session.scalars(agents_stmt(w.cmte, Quarter(2026, 1))).unique()}
    assert "周办件" not in q1 and "钱代理" in q1


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("cmte", {"钱代理", "孙代理", "乙代理"}),
        ("sec", {"钱代理", "孙代理"}),
        ("sec_b", {"乙代理"}),
        ("agent", {"钱代理"}),  # only their own line
    ],
)
def test_each_reader_lists_the_agents_of_their_scope(w, who, seen):
    table = agent_table(getattr(w, who), Q3)
    assert {m.name for m in table.page.items} == seen


def test_the_table_runs_a_fixed_number_of_queries(w, count_queries):
    _facts(w)
    for i in range(3):
        make_member(w.t.group_a, name=f"多代理{i}").service_point_id = w.room.id
    db.session.commit()
    sec = db.session.get(type(w.sec), w.sec.id)
    with count_queries() as few:
        agent_table(sec, Q3)
    for i in range(12):
        make_member(w.t.group_a, name=f"更多代理{i}").service_point_id = w.room.id
    db.session.commit()
    sec = db.session.get(type(w.sec), w.sec.id)
    with count_queries() as many:
        table = agent_table(sec, Q3)
    assert len(table.page.items) == 17
    assert many.count == few.count <= 9


def test_the_agents_page_and_its_excel(w, login_as):
    _facts(w)
    c = login_as(w.sec)
    page = c.get("/network/agents?quarter=2026-3").get_data(as_text=True)
    assert "钱代理" in page and "孙代理" in page and "乙代理" not in page
    assert "2/3" in page  # on time
    r = c.get("/network/agents/export.xlsx?quarter=2026-3")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = {row[0]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"钱代理", "孙代理"}
    assert rows["钱代理"][2:4] == (4, 2)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "assessment.export")
    ).one()
    assert event.details["rows"] == 2 and "钱代理" not in str(event.details)


def test_an_agent_sees_their_own_page_and_nobody_elses(w, login_as):
    _facts(w)
    c = login_as(w.agent)
    own = c.get(f"/network/agents/{w.agent_member.id}?quarter=2026-3")
    assert own.status_code == 200
    text = own.get_data(as_text=True)
    assert "测试〔2026〕" in text and "培训" in text
    assert c.get(f"/network/agents/{w.colleague.id}").status_code == 404
    assert c.get("/network/agents/export.xlsx").status_code == 403
    assert login_as(w.sec_b).get(f"/network/agents/{w.agent_member.id}").status_code == 404


def test_the_list_says_what_to_do_when_there_are_no_agents(app, login_as):
    w = build()
    c = login_as(w.sec_b)
    db.session.get(type(w.member_b), w.member_b.id).service_point_id = None
    db.session.commit()
    text = c.get("/network/agents").get_data(as_text=True)
    assert "乙代理" not in text


def test_one_members_figures_in_one_query_match_the_grouped_ones(w, count_queries):
    from app.network.assessment_member import member_figures

    _facts(w)
    mid = w.agent_member.id
    with count_queries() as q:
        one = member_figures(mid, Q3, today=date(2026, 12, 1))
    assert q.count == 1, q.statements
    assert one == figures([mid], Q3, today=date(2026, 12, 1))[mid]
    assert member_figures(w.plain.id, Q3) is None  # no fact at all


def test_the_appraisal_record_shows_the_agents_quarter(w, login_as):
    from app.appraisal import services as ap
    from app.appraisal.models import Appraisal

    _facts(w)
    deadlines = ap.Deadlines(*[date(2026, 10, 10)] * 4)
    period = ap.open_period(w.cmte, w.t.committee, 2026, 3, deadlines)
    db.session.commit()
    records = {
        a.member_id: a.id
        for a in db.session.scalars(select(Appraisal).where(Appraisal.period_id == period.id))
    }
    c = login_as(w.sec)
    page = c.get(f"/appraisal/{records[w.agent_member.id]}").get_data(as_text=True)
    assert 'id="agent-figures"' in page and "2/3" in page
    assert f"/network/agents/{w.agent_member.id}" in page
    plain = c.get(f"/appraisal/{records[w.plain.id]}").get_data(as_text=True)
    assert 'id="agent-figures"' not in plain


def test_the_selection_evidence_shows_the_window_as_an_agent(w):
    from app.selection import services as sel
    from app.selection.evidence import evidence

    _facts(w)
    rnd = sel.open_round(
        w.cmte, w.t.committee, sel.RoundData(year=2027, title="", quarters=[(2026, 2), (2026, 3)])
    )
    db.session.commit()
    member = db.session.get(type(w.agent_member), w.agent_member.id)
    ev = evidence(w.cmte, rnd, member, w.t.branch_a)
    assert [(q.year, q.quarter) for q, _f in ev.agent] == [(2026, 2), (2026, 3)]
    assert (ev.agent[0][1].complaints_upheld, ev.agent[0][1].cases_done) == (1, 0)
    assert ev.agent[1][1].cases_done == 4
    plain = db.session.get(type(w.plain), w.plain.id)
    assert evidence(w.cmte, rnd, plain, w.t.branch_a).agent == []
