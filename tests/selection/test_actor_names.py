"""The round's and a nomination's timelines name people, never their logins."""

from __future__ import annotations

from app.extensions import db
from tests.selection.conftest import E, Q
from tests.selection.test_views import REASON


def test_the_timelines_name_the_committee_member_and_the_secretary(season, login_as):
    s = season
    s.cmte.display_name = "党委王委员"
    s.sec_a.display_name = "甲支部李书记"
    db.session.commit()
    star = s.member(grades=(E, E, E, Q), name="第一名")
    r = s.open_round()
    sec_a = login_as(s.sec_a)
    resp = sec_a.post(
        f"/selection/{r.id}/members/{star.id}/nominate",
        data={"version": 0, "reason": REASON, "deeds": "带头抢修线路"},
    )
    assert resp.status_code == 302
    nomination = sec_a.get(resp.headers["Location"]).get_data(as_text=True)
    assert "甲支部李书记" in nomination and "sec_a" not in nomination
    page = login_as(s.cmte).get(f"/selection/{r.id}").get_data(as_text=True)
    assert "党委王委员" in page and "cmte" not in page
