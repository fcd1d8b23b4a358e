"""The six rates' case counts are kept month by month (app/reports/figures.py: ``case_month``):
a write recomputes only the months the case and its ratings count in, and every figure follows
the write at once, whichever month it lands in."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from app.cases.models import Evaluation, ServiceCase
from app.common import versions
from app.extensions import db
from app.reports import figures
from app.reports import rates as rates_mod
from app.reports.periods import Period
from app.reports.rates import six_rates, six_rates_over
from app.reports.settings import RateRules
from tests.reports.rates_data import at, build_network

Q3, Q4 = Period("quarter", 2026, 3), Period("quarter", 2026, 4)
Y2026 = Period("year", 2026)
RULES = RateRules()


@pytest.fixture
def net(app):
    network = build_network()
    versions.bump(db.session, [figures.CASE_DATES])  # as a server's start does (wsgi.py)
    db.session.commit()
    return network


@pytest.fixture
def counted(monkeypatch):
    """The months (first days) each computation of the case counts asked for."""
    calls: list[list[date]] = []
    real = rates_mod._count_windows

    def spy(point_ids, paths, windows, rules):
        calls.append([w[2] for w in windows])
        return real(point_ids, paths, windows, rules)

    monkeypatch.setattr(rates_mod, "_count_windows", spy)
    return calls


def _pair(rates, code: str) -> tuple[int, int]:
    return rates[code].num, rates[code].den


def test_a_case_completed_later_counts_in_its_months_at_once(net, counted):
    paths = [net.tree.committee.path]
    assert _pair(six_rates(paths, Q3, rules=RULES), "completion") == (4, 5)  # c3 in hand
    c3 = net.cases["c3"]  # accepted 2026-08-02, due 08-20
    c3.status, c3.done_on = "done", date(2026, 8, 15)
    db.session.commit()
    counted.clear()
    got = six_rates(paths, Q3, rules=RULES)
    assert _pair(got, "completion") == (5, 5)
    assert _pair(got, "punctuality") == (3, 4)  # done on time, before its due date
    # Only August, where c3 was registered, accepted and completed, was counted again.
    assert counted == [[date(2026, 8, 1)]]


def test_a_new_rating_takes_the_old_one_out_of_its_month(net, counted):
    paths = [net.tree.committee.path]
    assert _pair(six_rates(paths, Q3, rules=RULES), "satisfaction") == (2, 4)
    assert _pair(six_rates(paths, Q4, rules=RULES), "satisfaction") == (1, 1)
    # c1's rating of July (5, satisfied) is superseded by an October one (2).
    c1 = net.cases["c1"]
    db.session.add(
        Evaluation(
            case_id=c1.id, level=2, source="online", round=2, created_at=at(date(2026, 10, 8))
        )
    )
    db.session.commit()
    counted.clear()
    assert _pair(six_rates(paths, Q3, rules=RULES), "satisfaction") == (1, 3)
    assert _pair(six_rates(paths, Q4, rules=RULES), "satisfaction") == (1, 2)
    assert sorted(m for call in counted for m in call) == [date(2026, 7, 1), date(2026, 10, 1)]


def test_the_months_a_write_left_alone_are_kept(net, counted):
    paths = [net.tree.committee.path]
    six_rates_over(paths, [Y2026], rules=RULES)
    assert len(counted[0]) == 12  # the first time: every month, in one computation
    counted.clear()
    six_rates_over(paths, [Y2026], rules=RULES)
    assert counted == []  # nothing changed
    c4 = net.cases["c4"]  # registered 2026-08-05, refused
    c4.status = "withdrawn"
    db.session.commit()
    six_rates_over(paths, [Y2026], rules=RULES)
    assert counted == [[date(2026, 8, 1)]]


def test_a_statement_on_unknown_rows_counts_every_month_again(net, counted):
    paths = [net.tree.committee.path]
    before = six_rates(paths, Q3, rules=RULES)
    stmt = update(ServiceCase).where(ServiceCase.id == net.cases["c4"].id).values(status="handling")
    db.session.execute(stmt.values(accepted_at=at(date(2026, 8, 6))))
    db.session.commit()
    counted.clear()
    got = six_rates(paths, Q3, rules=RULES)
    assert counted == [[date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]]
    assert _pair(got, "acceptance") == (_pair(before, "acceptance")[0] + 1, 6)


def test_a_deleted_case_counts_every_month_again(net, counted):
    paths = [net.tree.committee.path]
    assert _pair(six_rates(paths, Q3, rules=RULES), "satisfaction") == (2, 4)
    c9 = net.cases["c9"]  # 乙村室, rated 1 in July
    db.session.execute(Evaluation.__table__.delete().where(Evaluation.case_id == c9.id))
    db.session.delete(c9)
    db.session.commit()
    counted.clear()
    assert _pair(six_rates(paths, Q3, rules=RULES), "satisfaction") == (2, 3)
    assert counted == [[date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]]


def test_a_period_is_the_sum_of_its_months(net):
    """A case accepted in one month of a half-year and completed in a later one counts as
    completed in time for the half-year, not for the quarter it was accepted in."""
    paths = [net.tree.committee.path]
    c3 = net.cases["c3"]  # accepted 2026-08-02
    c3.status, c3.done_on = "done", date(2026, 10, 3)
    db.session.commit()
    quarter, half = six_rates_over(paths, [Q3, Period("half", 2026, 2)], rules=RULES)
    assert _pair(quarter, "completion") == (4, 5)
    assert _pair(half, "completion") == (6, 6)  # c1 c2 c3 c8 c9 and c7 (accepted 10-02)
