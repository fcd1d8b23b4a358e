"""The quarter's overview at scale (issue 13): a summary by branch for an org holding branches,
a paginated list of read-only rows for a branch, the filters kept across pages, and a number
of queries that does not grow with the data."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Row

from app.appraisal import overview, services
from app.appraisal.models import Appraisal
from app.appraisal.workflow import apply
from app.errors import PermissionDenied
from app.extensions import db
from tests.appraisal.conftest import fill
from tests.factories import make_member


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(overview, "PER_PAGE", 3)


def _url(world, org, **args) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/appraisal/periods/{world.period.id}/orgs/{org.id}" + (f"?{query}" if query else "")


def _names(html: str) -> list[str]:
    return re.findall(r'href="/appraisal/\d+">([^<]+)</a>', html)


def test_the_committee_sees_a_summary_by_the_level_below_with_drill_down(world, login_as):
    c = login_as(world.committee)
    html = c.get(_url(world, world.tree.committee)).get_data(as_text=True)
    assert 'id="by-branch"' in html
    assert _names(html) == []  # no record rows, only the orgs one level below
    t = world.tree
    # Branch A counts under the general branch above it; branch B sits right below.
    for unit, n in ((t.general, 7), (t.branch_b, 1)):
        assert f'/orgs/{unit.id}">{unit.name}</a>' in html
        assert f'/orgs/{unit.id}?status=draft">{n}</a>' in html
    assert f'/orgs/{t.branch_a.id}"' not in html
    # The general branch's page drills down to its own branch only.
    html = c.get(_url(world, t.general)).get_data(as_text=True)
    assert f'/orgs/{t.branch_a.id}?status=draft">7</a>' in html
    assert t.branch_b.name not in html
    # Asked for, the committee's records are listed (paginated), and so is a state.
    listed = _names(c.get(_url(world, t.committee, view="list")).get_data(as_text=True))
    assert len(listed) == 8 and "鲍勃" in listed and "爱丽丝" in listed
    drafts = c.get(_url(world, t.committee, status="draft")).get_data(as_text=True)
    assert len(_names(drafts)) == 8 and 'id="by-branch"' not in drafts


def test_summary_counts_states_and_grades_per_branch(world):
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    ov = overview.overview_page(world.committee, world.period, world.tree.committee)
    by_unit = {r.unit.id: r.tally for r in ov.branches}
    assert by_unit[world.tree.general.id].counts == {"draft": 6, "submitted": 1}
    assert by_unit[world.tree.branch_b.id].counts == {"draft": 1}
    assert ov.tally.total == 8 and ov.page is None and all(r.can_open for r in ov.branches)
    # The secretary of A cannot open the committee's overview at all.
    with pytest.raises(PermissionDenied):
        overview.overview_page(world.sec_a, world.period, world.tree.committee)


def test_the_branch_list_is_paginated_with_the_filter_kept(world, login_as, small_pages):
    c = login_as(world.sec_a)
    seen: list[str] = []
    for page in (1, 2, 3):
        html = c.get(_url(world, world.tree.branch_a, page=page)).get_data(as_text=True)
        seen += _names(html)
    assert len(seen) == 7 and len(set(seen)) == 7  # every record once, in three pages
    assert "鲍勃" not in seen
    html = c.get(_url(world, world.tree.branch_a, status="draft")).get_data(as_text=True)
    assert "status=draft&amp;page=2" in html or "page=2&amp;status=draft" in html
    # A page past the end shows the last one.
    html = c.get(_url(world, world.tree.branch_a, page=99)).get_data(as_text=True)
    assert _names(html) == seen[-1:]
    ov = overview.overview_page(world.sec_a, world.period, world.tree.branch_a)
    assert all(isinstance(r, Row) for r in ov.page.items)  # read-only rows, not ORM objects


def test_the_excel_summary_keeps_every_row(world, login_as, small_pages):
    c = login_as(world.sec_a)
    r = c.get(_url(world, world.tree.branch_a) + "/summary.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    names = [row[0] for row in ws.iter_rows(min_row=3, values_only=True) if row[0]]
    assert len([n for n in names if not n.startswith("合计")]) == 7


def test_queries_do_not_grow_with_the_data(world, login_as, count_queries, small_pages):
    urls = {
        "committee": (world.committee, _url(world, world.tree.committee)),
        "committee list": (world.committee, _url(world, world.tree.committee, view="list")),
        "branch": (world.sec_a, _url(world, world.tree.branch_a)),
        "branch page 2": (world.sec_a, _url(world, world.tree.branch_a, page=2)),
    }

    def counts() -> dict[str, int]:
        out = {}
        for label, (user, url) in urls.items():
            c = login_as(user)
            with count_queries() as q:
                assert c.get(url).status_code == 200
            out[label] = q.count
        return out

    few = counts()
    for i in range(12):
        make_member(world.tree.group_a if i % 2 else world.tree.group_b, name=f"加{i}")
    services.add_missing_records(world.period)
    db.session.commit()
    n = len(db.session.scalars(select(Appraisal.id)).all())
    assert n == 20
    assert counts() == few


def test_the_kept_summary_follows_each_change_of_the_records(world):
    """The summary by branch is kept per change of the appraisal's data: a second view reads
    it from memory, and a submitted record moves it at once."""
    ov = overview.overview_page(world.committee, world.period, world.tree.committee)
    before = {r.unit.id: dict(r.tally.counts) for r in ov.branches}
    assert before[world.tree.general.id] == {"draft": 7}
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    ov = overview.overview_page(world.committee, world.period, world.tree.committee)
    after = {r.unit.id: dict(r.tally.counts) for r in ov.branches}
    assert after[world.tree.general.id] == {"draft": 6, "submitted": 1}
    # Another reader's summary is their own (a mentor sees only their mentees' records).
    ov = overview.overview_page(world.sec_a, world.period, world.tree.branch_a)
    assert ov.branches is None and ov.tally.total == 7


def test_the_kept_page_of_records_follows_each_change(world):
    """A branch's page of records is kept per change of the records, the roster or the key
    persons' talks: a submitted record and a key person added show on the next view."""
    from datetime import date

    from app.appraisal import responsibility

    def page():
        return overview.overview_page(world.sec_a, world.period, world.tree.branch_a)

    first = page()
    assert first.tally.counts == {"draft": 7}
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    second = page()
    assert second.tally.counts == {"draft": 6, "submitted": 1}
    row = next(r for r in second.page.items if r.member_id == world.alice.id)
    assert row.status == "submitted"
    assert second.coverage[row.id].met == 0
    record = world.record(world.alice)
    person = responsibility.add_person(world.alice_user, record, "马建军", "", True)
    db.session.commit()
    item = responsibility.coverage(record).missing()[0]
    responsibility.log_contact(
        world.alice_user, record, person.id, "talk", date(2026, 9, 15), "谈心", item.id
    )
    db.session.commit()
    assert page().coverage[row.id].met == 1
    world.alice.name = "爱丽丝改"
    db.session.commit()
    assert "爱丽丝改" in {r.name for r in page().page.items}


def test_the_kept_page_follows_changes_and_never_keeps_a_form_token(world, login_as):
    """The overview's body is kept per change, reader and query, except where it holds the
    batch form: each session then gets its own CSRF token."""
    from app.common import versions

    versions.bump(db.session, versions.topics())  # every topic written once, as in use
    db.session.commit()
    c = login_as(world.sec_a)
    url = _url(world, world.tree.branch_a)
    assert 'href="/appraisal/periods/' in c.get(url).get_data(as_text=True)
    a = world.record(world.alice)
    fill(a)
    apply(a, "submit", world.alice_user, expected_version=None)
    db.session.commit()
    html = c.get(url).get_data(as_text=True)
    assert f'status=submitted">{overview.labels()["status_names"]["submitted"]} (1)' in html
    mentor = login_as(world.mentor_a).get(url).get_data(as_text=True)
    assert 'id="partial"' in mentor and 'id="partial"' not in html
    batch_url = _url(world, world.tree.group_a, status="submitted")
    tokens = set()
    for user in (world.leader_a, world.leader_a):
        page = login_as(user).get(batch_url).get_data(as_text=True)
        form = page[page.index('<form method="post" id="batch"') :]
        found = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert found
        tokens.add(found.group(1))
    assert len(tokens) == 2
