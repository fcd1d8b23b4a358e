"""An agent reading their own record does not learn of complaints about them that are still
looked into or were dismissed; those over them see every one."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from tests.network.assessment_world import build


@pytest.fixture
def w(app):
    return build()


def test_the_agent_sees_only_the_upheld_complaints_about_them(w, login_as):
    upheld = w.complaint(w.agent_member, date(2026, 8, 10), "upheld")
    dismissed = w.complaint(w.agent_member, date(2026, 8, 11), "not_upheld")
    pending = w.complaint(w.agent_member, date(2026, 8, 12))
    db.session.commit()
    url = f"/network/agents/{w.agent_member.id}?quarter=2026-3"
    own = login_as(w.agent).get(url).get_data(as_text=True)
    assert upheld.number in own
    assert dismissed.number not in own and pending.number not in own
    theirs = login_as(w.sec).get(url).get_data(as_text=True)
    assert all(c.number in theirs for c in (upheld, dismissed, pending))
