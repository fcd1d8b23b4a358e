"""A batch answers post/redirect/get: the POST acts, commits and redirects to a page showing
what it did and what it refused (with each reason), for the user who ran it only; reloading
that page, or coming back to it, shows the result again and never acts again."""

from __future__ import annotations

import os
import re
import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.appraisal import batch_results
from app.appraisal.models import Appraisal, AppraisalStep
from app.auth.models import Role
from app.errors import StaleRecord
from app.extensions import db
from app.roster.models import Member
from tests.appraisal.conftest import walk_to
from tests.crawl import text_of
from tests.factories import make_user

GRADE_FORM = {
    "meeting_id": "0",
    "meeting_on": "2026-10-10",
    "attendees": "张书记、李委员",
    "grade": "qualified",
    "comment": "同意",
}


@pytest.fixture
def kept_in(app, tmp_path, monkeypatch):
    """The instance folder the results are kept in, this test's own."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / batch_results.FOLDER


def _jia(i: int) -> Member:
    return db.session.scalar(select(Member).where(Member.name == f"甲组{i}"))


def _assess_steps() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AppraisalStep).where(AppraisalStep.action == "assess")
    )


def _overview(world) -> str:
    return f"/appraisal/periods/{world.period.id}/orgs/{world.tree.branch_a.id}"


def _grade(world, c, *ids: str) -> str:
    """Post the batch grade of ``ids`` from the signed list; returns where it redirects."""
    r = c.post(
        f"{_overview(world)}/batch/assess?status=signed",
        data={"ids": list(ids), **GRADE_FORM},
    )
    assert r.status_code == 303, r.get_data(as_text=True)[:500]
    return r.headers["Location"]


def _done_and_refused(world):
    """Alice's signed record (graded), 甲组0's shown in an older version (refused) and Bob's
    of branch B (not readable from branch A's overview: refused, named by its id only)."""
    a = walk_to(world, world.alice, "signed")
    b = walk_to(world, _jia(0), "signed")
    bob = walk_to(world, world.bob, "signed")
    db.session.commit()
    return a, b, bob, (f"{a.id}:{a.version}", f"{b.id}:{b.version - 1}", f"{bob.id}:{bob.version}")


def test_the_batch_post_acts_commits_and_answers_a_redirect(world, login_as, kept_in):
    a, b, _bob, ids = _done_and_refused(world)
    c = login_as(world.sec_a)
    location = _grade(world, c, *ids)
    path, query = urlsplit(location).path, urlsplit(location).query
    assert path.startswith(f"{_overview(world)}/batch/result/") and query == "status=signed"
    assert world.record(world.alice).status == "assessed"  # committed before the redirect
    assert world.record(_jia(0)).status == "signed"
    # What is kept holds no name: the page reads them again.
    (kept,) = kept_in.iterdir()
    assert "爱丽丝".encode() not in kept.read_bytes()


def test_the_result_page_shows_the_records_done_and_each_refused_with_its_reason(
    world, login_as, kept_in
):
    a, b, bob, ids = _done_and_refused(world)
    c = login_as(world.sec_a)
    r = c.get(_grade(world, c, *ids))
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    done = html[html.index('id="batch-done"') :]
    refused = html[html.index('id="batch-refused"') : html.index('id="batch-done"')]
    assert "爱丽丝" in done and f'href="/appraisal/{a.id}"' in done
    assert "甲组0" in refused and str(StaleRecord().message) in text_of(refused)
    # Bob's record, not readable here, is named by its id only, with why.
    assert "鲍勃" not in html and f"记录 {bob.id}" in text_of(refused)
    assert "在您可查看的记录中未找到该记录" in text_of(refused)
    assert f'href="{_overview(world)}?status=signed"' in html  # back to the list it came from
    start = html.index('id="batch-summary"')
    summary = text_of(html[start : html.index("</div>", start)])
    assert "已评定 1 条记录" in summary and "2 条记录未作改动" in summary


def test_another_user_cannot_see_the_result(world, login_as, kept_in):
    _a, _b, _bob, ids = _done_and_refused(world)
    result_url = _grade(world, login_as(world.sec_a), *ids)
    # Another secretary of the same branch sees the overview, never this result.
    other = make_user("sec_a2", (Role.BRANCH_SECRETARY, world.tree.branch_a))
    db.session.commit()
    r = login_as(other).get(result_url)
    assert r.status_code == 302
    assert r.headers["Location"] == f"{_overview(world)}?status=signed"
    r = login_as(other).get(result_url, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "alert-warning" in html and 'id="batch-summary"' not in html
    # One who may not see branch A's overview at all is told nothing more.
    assert login_as(world.sec_b).get(result_url).status_code == 404
    # The same user, on another org's overview, is not shown it either.
    moved = result_url.replace(
        f"/orgs/{world.tree.branch_a.id}/", f"/orgs/{world.tree.group_a.id}/"
    )
    assert login_as(world.sec_a).get(moved).status_code == 302


def test_reloading_the_result_page_does_not_act_again(world, login_as, kept_in):
    _a, _b, _bob, ids = _done_and_refused(world)
    c = login_as(world.sec_a)
    result_url = _grade(world, c, *ids)
    steps = _assess_steps()
    versions = dict(db.session.execute(select(Appraisal.id, Appraisal.version)).all())
    first = c.get(result_url)
    again = c.get(result_url)
    assert first.status_code == again.status_code == 200
    assert text_of(first.get_data(as_text=True)) == text_of(again.get_data(as_text=True))
    db.session.expire_all()
    assert _assess_steps() == steps
    assert dict(db.session.execute(select(Appraisal.id, Appraisal.version)).all()) == versions


def test_an_expired_or_unknown_result_leads_back_to_the_list_with_a_message(
    world, login_as, kept_in
):
    _a, _b, _bob, ids = _done_and_refused(world)
    c = login_as(world.sec_a)
    result_url = _grade(world, c, *ids)
    (kept,) = kept_in.iterdir()
    old = time.time() - batch_results.MAX_AGE_S - 60
    os.utime(kept, (old, old))
    for url in (result_url, f"{_overview(world)}/batch/result/0123abcd?status=signed"):
        r = c.get(url)
        assert r.status_code == 302
        assert r.headers["Location"] == f"{_overview(world)}?status=signed"
        html = c.get(r.headers["Location"]).get_data(as_text=True)
        assert "alert-warning" in html and 'id="batch-summary"' not in html
    assert not kept.exists()  # an expired result is removed when asked for


def test_the_batch_form_carries_the_list_it_was_sent_from(world, login_as):
    walk_to(world, world.alice, "signed")
    db.session.commit()
    c = login_as(world.sec_a)
    html = c.get(f"{_overview(world)}?status=signed&view=list").get_data(as_text=True)
    found = re.search(r'id="batch"[^>]*?action="([^"]+)"', html, re.S)
    assert found is not None
    action = found.group(1).replace("&amp;", "&")
    assert urlsplit(action).path == f"{_overview(world)}/batch/assess"
    assert sorted(urlsplit(action).query.split("&")) == ["status=signed", "view=list"]
