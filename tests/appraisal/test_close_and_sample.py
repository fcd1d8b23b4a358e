"""Closing a quarter (issue 14): the page says what is unfinished per branch and state and which
deadlines still run; with records unfinished a typed reason is required and kept on the
quarter; by default a quarter is not closed while unfinished records are within their step's
deadline (APPRAISAL_EARLY_CLOSE = "refuse"), or closed with the reason ("reason"). And the
spot check's sample page lists the drawn records with their branch."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from app.appraisal import closing
from app.errors import Conflict, FieldErrors
from app.extensions import db
from tests.appraisal.conftest import ASSESS, walk_to
from tests.crawl import text_of

# The world's deadlines: self-records 9-30, sign-offs 10-7, opinions 10-15, spot check 10-25.
BEFORE_SIGN_DUE = date(2026, 10, 3)
AFTER_ALL = date(2026, 11, 1)


def _close_url(world) -> str:
    return f"/appraisal/periods/{world.period.id}/close"


@pytest.fixture
def one_submitted(world):
    walk_to(world, world.alice, "submitted")
    db.session.commit()
    return world


def test_the_preview_counts_unfinished_per_state_and_the_deadlines_still_running(one_submitted):
    world = one_submitted
    p = closing.close_preview(world.period, today=BEFORE_SIGN_DUE)
    assert p.unfinished == {"draft": 7, "submitted": 1} and p.total == 8
    # Drafts are past their deadline (9-30); the submitted record's sign-off runs until 10-7.
    assert [(r.status, r.count, r.due) for r in p.running] == [("submitted", 1, date(2026, 10, 7))]
    assert p.refused and p.opens_on == date(2026, 10, 8)
    assert closing.close_preview(world.period, today=AFTER_ALL).running == []


@time_machine.travel(BEFORE_SIGN_DUE, tick=False)
def test_closing_before_the_deadline_is_refused_by_default(one_submitted, login_as):
    world = one_submitted
    with pytest.raises(Conflict):
        closing.close_period(world.committee, world.period, reason="上级要求提前归档")
    db.session.rollback()
    c = login_as(world.committee)
    page = c.get(_close_url(world)).get_data(as_text=True)
    assert 'id="running"' in page and "2026-10-08" in page
    assert 'name="reason"' not in page  # no close button while refused
    assert c.post(_close_url(world), data={"reason": "上级要求提前归档"}).status_code == 409
    db.session.expire_all()
    assert not world.period.is_closed


@time_machine.travel(BEFORE_SIGN_DUE, tick=False)
def test_the_setting_lets_the_reason_stand_for_an_early_close(one_submitted, app):
    world = one_submitted
    app.config["APPRAISAL_EARLY_CLOSE"] = "reason"
    try:
        with pytest.raises(FieldErrors) as e:
            closing.close_period(world.committee, world.period, reason=" ")
        assert set(e.value.errors) == {"reason"}
        db.session.rollback()
        closing.close_period(world.committee, world.period, reason="上级要求提前归档")
        db.session.commit()
    finally:
        app.config["APPRAISAL_EARLY_CLOSE"] = "refuse"
    assert world.period.is_closed and world.period.close_reason == "上级要求提前归档"


@time_machine.travel(AFTER_ALL, tick=False)
def test_the_reason_and_what_was_unfinished_show_on_the_quarter_afterwards(one_submitted, login_as):
    world = one_submitted
    c = login_as(world.committee)
    page = c.get(_close_url(world)).get_data(as_text=True)
    assert 'id="unfinished"' in page and 'id="running"' not in page
    assert 'name="reason"' in page and "data-confirm" in page
    assert c.post(_close_url(world), data={"reason": ""}).status_code == 200  # reason required
    assert c.post(_close_url(world), data={"reason": "季度期满，按现状归档"}).status_code == 302
    db.session.expire_all()
    p = world.period
    assert p.is_closed and p.closed_by_id == world.committee.id
    assert p.close_reason == "季度期满，按现状归档"
    assert p.closed_unfinished == {"draft": 7, "submitted": 1}
    text = text_of(c.get(f"/appraisal/periods/{p.id}").get_data(as_text=True))
    assert "季度期满，按现状归档" in text and "用户cmte" in text


@time_machine.travel(BEFORE_SIGN_DUE, tick=False)
def test_records_past_their_own_deadline_need_a_reason_but_no_wait(world):
    # Only drafts are unfinished, and the self-records were due 9-30: a reason, no refusal.
    p = closing.close_preview(world.period)
    assert p.running == [] and not p.refused and p.needs_reason


def test_the_sample_page_lists_the_drawn_records_with_their_branch(world, login_as):
    a = walk_to(world, world.alice, "assessed", data=ASSESS)
    b = walk_to(world, world.bob, "assessed", data=ASSESS)
    a.is_sampled = b.is_sampled = True
    db.session.commit()
    c = login_as(world.committee)
    url = f"/appraisal/periods/{world.period.id}/sample"
    html = c.get(url).get_data(as_text=True)
    t = world.tree
    assert 'id="sample"' in html
    text = " ".join(text_of(html).split())
    assert f"爱丽丝 {t.branch_a.name} · {t.group_a.name}" in text
    assert f"鲍勃 {t.branch_b.name} · {t.group_b.name}" in text
    assert "甲组0" not in text
    # The quarter's page links to it; a secretary may not open it.
    assert url in c.get(f"/appraisal/periods/{world.period.id}").get_data(as_text=True)
    assert login_as(world.sec_a).get(url).status_code == 403
