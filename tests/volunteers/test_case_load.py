"""The matcher and the profile read the agents' real cases: load is the open cases one holds
(not the items one is designated for), satisfaction the cases' ratings."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _

from app.cases.workflow import Action
from app.common import timeutil
from app.extensions import db
from app.volunteers import agents
from app.volunteers.matching import Need, score
from tests.cases.conftest import net  # noqa: F401  (the cases' network fixture)
from tests.cases.test_stats import _step, completed, handled


def _candidate(user, member_id: int):
    return next(c for c in agents.candidates(user) if c.member_id == member_id)


def _words(msgid: str, **kw) -> str:
    """``msgid`` as the pages show it (in the default language)."""
    with current_app.test_request_context():
        return _(msgid, **kw)


def test_load_is_open_cases_not_designations(net):  # noqa: F811
    agents.designate(net.cmte, net.promised, net.room, net.agent_member, "primary", confirm=True)
    db.session.commit()
    me = _candidate(net.cmte, net.agent_member.id)
    assert me.open_cases == 0  # designated for an item, holding no case
    handled(net, net.agent_member)
    handled(net, net.agent_member)
    completed(net, net.agent_member)  # done and delivered: still open until rated
    completed(net, net.agent_member, 5)  # rated: closed
    assert _candidate(net.cmte, net.agent_member.id).open_cases == 3


def test_satisfaction_comes_from_ratings_and_is_unknown_without_any(net):  # noqa: F811
    me = _candidate(net.cmte, net.agent_member.id)
    assert me.satisfaction is None
    assert ("no_rating", ()) in score(Need(), me).reasons  # the page says 暂无评价
    completed(net, net.agent_member, 4)
    completed(net, net.agent_member, 2, 5)  # the follow-up's second rating counts
    me = _candidate(net.cmte, net.agent_member.id)
    assert me.satisfaction == 0.875
    assert ("satisfaction", (88,)) in score(Need(), me).reasons


def test_gathering_candidates_runs_the_same_queries_whatever_their_cases(
    net,  # noqa: F811
    count_queries,
):
    from app.common import versions

    versions.clear_memo()  # both counted as the first gathering after a change
    with count_queries() as few:
        agents.candidates(net.cmte)
    for member in (net.agent_member, net.township_member):
        completed(net, member, 5)
        handled(net, member)
    versions.clear_memo()
    with count_queries() as many:
        people = agents.candidates(net.cmte)
    assert many.count == few.count
    assert {c.member_id: c.open_cases for c in people}[net.township_member.id] == 1


def test_profile_shows_open_cases_with_due_dates_and_satisfaction(net, login_as):  # noqa: F811
    late = handled(net, net.agent_member)
    late.due_on = timeutil.today() - timedelta(days=2)
    on_time = handled(net, net.agent_member)
    completed(net, net.agent_member, 5)
    completed(net, net.agent_member, 1, 4)
    db.session.commit()
    page = login_as(net.secretary).get(f"/volunteers/profiles/{net.agent_member.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert late.number in html and on_time.number in html
    assert html.index(late.number) < html.index(on_time.number)  # overdue first
    assert html.count(_words("Overdue")) == 1
    assert _words("due %(d)s", d=on_time.due_on) in html
    assert _words("%(n)d completed this year", n=2) in html
    assert _words("mean rating %(mean)s of 5 from %(n)d ratings", mean="4.5", n=2) in html


def test_profile_shows_only_the_cases_the_viewer_may_list(net, login_as):  # noqa: F811
    # Room 乙 (branch B) hands one of its cases to room 甲's agent.
    elsewhere = net.case(point=net.room_b, actor=net.agent_b)
    _step(elsewhere, Action.ACCEPT, net.agent_b, materials=["户口簿", "身份证复印件"])
    _step(elsewhere, Action.ASSIGN, net.agent_b, member=net.agent_member)
    here = handled(net, net.agent_member)
    url = f"/volunteers/profiles/{net.agent_member.id}"
    secretary_a = login_as(net.secretary).get(url).get_data(as_text=True)
    assert here.number in secretary_a and elsewhere.number not in secretary_a
    own = login_as(net.agent).get(url).get_data(as_text=True)
    assert here.number in own and elsewhere.number in own


def test_profile_without_cases_says_so(net, login_as):  # noqa: F811
    html = login_as(net.agent).get(f"/volunteers/profiles/{net.agent_member.id}")
    text = html.get_data(as_text=True)
    assert _words("No open cases.") in text and _words("no rating yet") in text
