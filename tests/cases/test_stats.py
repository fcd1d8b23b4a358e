"""What cases say about agents: open load and satisfaction (one grouped query each), and the
quarter's completed cases offered as evidence in the appraisal self-record."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.appraisal import services as appraisal_services
from app.appraisal.models import Appraisal
from app.cases import stats
from app.cases.labels import RATING_LABELS
from app.cases.models import ServiceCase
from app.cases.workflow import Action, apply
from app.common import timeutil
from app.extensions import db
from app.roster.models import Member

MATERIALS = ["户口簿", "身份证复印件"]


def _step(case: ServiceCase, action: str, actor, **data) -> None:
    apply(case, action, actor, expected_version=None, comment="电话回访", data=data)
    db.session.commit()


def handled(net, member: Member, point=None, staff=None) -> ServiceCase:
    """A promised case accepted at ``point`` (room 甲) and handed to ``member``."""
    staff = staff or net.agent
    case = net.case(point=point, actor=staff)
    _step(case, Action.ACCEPT, staff, materials=MATERIALS)
    _step(case, Action.ASSIGN, staff, member=member)
    return case


def completed(net, member: Member, *levels: int, point=None, staff=None) -> ServiceCase:
    """A case ``member`` completed and delivered, rated ``levels`` in turn (a bad first rating
    goes through the follow-up before the next)."""
    staff = staff or net.agent
    case = handled(net, member, point, staff)
    _step(case, Action.COMPLETE, staff, result="已办结")
    _step(case, Action.DELIVER, staff, via="电话告知")
    for i, level in enumerate(levels):
        if i:
            _step(case, Action.OPEN_FOLLOW_UP, None)
            _step(case, Action.FIX, staff)
        _step(case, Action.EVALUATE, None, level=level)
    return case


def test_open_load_counts_the_open_cases_each_agent_holds_in_one_query(net, count_queries):
    handled(net, net.agent_member)
    handled(net, net.agent_member)
    completed(net, net.agent_member, 5)  # closed: not load
    net.case()  # registered, nobody holds it yet
    handled(net, net.township_member)
    with count_queries() as q:
        loads = stats.open_loads()
    assert q.count == 1
    assert loads == {net.agent_member.id: 2, net.township_member.id: 1}
    assert stats.open_loads([net.township_member.id]) == {net.township_member.id: 1}


def test_satisfaction_is_the_mean_of_each_cases_latest_rating_in_one_query(net, count_queries):
    completed(net, net.agent_member, 5)
    completed(net, net.agent_member, 1, 4)  # a bad rating fixed and rated again: 4 counts
    completed(net, net.township_member)  # delivered, not rated yet
    with count_queries() as q:
        sat = stats.satisfaction()
    assert q.count == 1
    # (5 - 1) / 4 = 1.0 and (4 - 1) / 4 = 0.75
    assert sat == {net.agent_member.id: 0.875}
    assert stats.ratings([net.agent_member.id])[net.agent_member.id] == stats.Ratings(4.5, 2)


# --- evidence in the appraisal self-record ------------------------------------------------------


def _record(net) -> Appraisal:
    """The agent's record for this quarter (the committee opens the quarter)."""
    today = timeutil.today()
    quarter = (today.month - 1) // 3 + 1
    due = today + timedelta(days=30)
    deadlines = appraisal_services.Deadlines(due, due, due, due)
    appraisal_services.open_period(net.cmte, net.tree.committee, today.year, quarter, deadlines)
    db.session.commit()
    db.session.expire_all()
    return db.session.scalar(
        select(Appraisal)
        .where(Appraisal.member_id == net.agent_member.id)
        .options(joinedload(Appraisal.period))
    )


def _save(client, a: Appraisal, **extra):
    data = {"self-version": a.version, "self-dim_ideological_work": "谈心两次。", **extra}
    return client.post(f"/appraisal/{a.id}/self", data=data)


def _label(level: int) -> str:
    """A rating's words as the pages show them (in the default language)."""
    with current_app.test_request_context():
        return str(RATING_LABELS[level])


def test_the_quarters_completed_cases_are_offered_and_cited_on_save(net, login_as):
    rated = completed(net, net.agent_member, 5)
    unrated = completed(net, net.agent_member)
    earlier = completed(net, net.agent_member, 4)
    earlier.done_on = date(timeutil.today().year - 1, 12, 31)  # done in another quarter
    still_open = handled(net, net.agent_member)
    db.session.commit()
    a = _record(net)
    c = login_as(net.agent)

    page = c.get(f"/appraisal/{a.id}").get_data(as_text=True)
    assert rated.number in page and unrated.number in page and _label(5) in page
    assert earlier.number not in page and still_open.number not in page
    assert 'name="self-evidence"' in page and "self-cite" in page

    r = _save(c, a, **{"self-evidence": [str(rated.id), str(unrated.id)], "self-cite": "1"})
    assert r.status_code == 302
    db.session.expire_all()
    text = db.session.get(Appraisal, a.id).self_record["ideological_work"]["text"]
    lines = text.splitlines()
    assert lines[0] == "谈心两次。" and len(lines) == 3
    assert rated.number in lines[1] and _label(5) in lines[1] and rated.item.name in lines[1]
    assert unrated.number in lines[2] and not any(_label(n) in lines[2] for n in RATING_LABELS)

    # Citing a case again does not repeat its line.
    a = db.session.get(Appraisal, a.id)
    r = _save(c, a, **{"self-dim_ideological_work": text, "self-evidence": [str(rated.id)]})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appraisal, a.id).self_record["ideological_work"]["text"] == text


def test_citing_someone_elses_case_is_refused_and_saves_nothing(net, login_as):
    mine = completed(net, net.agent_member, 5)
    theirs = completed(net, net.township_member, 5)
    a = _record(net)
    c = login_as(net.agent)
    r = _save(c, a, **{"self-evidence": [str(mine.id), str(theirs.id)]})
    assert r.status_code == 200
    # The error sits beside the checkboxes; nothing is saved.
    assert 'class="form-check-input is-invalid" id="self-evidence-0"' in r.get_data(as_text=True)
    db.session.expire_all()
    after = db.session.get(Appraisal, a.id)
    assert after.version == a.version and not (after.self_record or {}).get("ideological_work")
