"""One realistic data set for the security proofs: two branches, one login per identity, and
an object of branch A behind every kind of id in the URL map.

Branch A (under the general branch) holds everything the routes point at; branch B (directly
under the committee) has its own secretary, who must find nothing of branch A."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import Flask, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.appraisal import services as ap
from app.appraisal.models import Appraisal
from app.auth.models import Role, RoleGrant, User
from app.cases import services as case_services
from app.extensions import db
from app.jobs.models import Job
from app.jobs.registry import KINDS
from app.roster.mentors import assign_mentor
from app.roster.models import ImportBatch, Member, Sanction, Skill
from app.selection import services as sel
from app.selection.models import Nomination
from app.volunteers import posts
from app.volunteers import services as vs
from app.volunteers.models import ProfileSkill, VolunteerProfile
from tests.conftest import csrf_token
from tests.factories import PASSWORD, Tree, make_member, make_tree, make_user
from tests.security.world_network import build_network
from tests.security.world_reports import build_reports

# Every identity of the matrix: anonymous, one login per role over branch A (the mentor twice:
# one whose mentee the target member is, one who mentors somebody else), and branch B's
# secretary.
IDENTITIES = (
    "anonymous",
    "member",
    "leader",
    "mentor",
    "other_mentor",
    "secretary",
    "agent",
    "committee",
    "admin",
    "other_secretary",
)

# A realistic value for each non-id path argument, per endpoint where it matters.
ACTIONS = {
    "appraisal.step": "sign",
    "cases.case_step": "accept",
    "selection.round_step": "close_nominations",
    "selection.nomination_step": "approve",
    "network.complaint_step": "assign",
}
OTHER_ARGS = {"op": "deactivate", "what": "person"}
FILENAMES = {"static": "css/app.css", "bootstrap.static": "css/bootstrap.min.css"}


@dataclass
class Site:
    tree: Tree
    users: dict[str, User]
    target: Member  # branch A's probationary member, mentee of "mentor"
    own: Member  # the "member" login's own record
    ids: dict[str, int] = field(default_factory=dict)
    names_a: list[str] = field(default_factory=list)  # names no other branch may see
    target_name: str = ""
    member_b_id: int = 0


def build_site() -> Site:
    t = make_tree()
    users = {
        "admin": make_user("m_admin", (Role.ADMIN, t.committee)),
        "committee": make_user("m_cmte", (Role.COMMITTEE, t.committee)),
        "secretary": make_user("m_sec", (Role.BRANCH_SECRETARY, t.branch_a)),
        "other_secretary": make_user("m_sec_b", (Role.BRANCH_SECRETARY, t.branch_b)),
        "leader": make_user("m_leader", (Role.GROUP_LEADER, t.group_a)),
        "mentor": make_user("m_mentor", (Role.MENTOR, t.branch_a)),
        "other_mentor": make_user("m_mentor2", (Role.MENTOR, t.branch_a)),
        "member": make_user("m_member", (Role.MEMBER, t.group_a)),
        "agent": make_user("m_agent", (Role.AGENT, t.branch_a, t.room_a)),
    }
    # The account the user-admin routes point at: not a matrix login, so that an admin's
    # deactivation or a revoked grant does not log one of them out.
    clerk = make_user("m_clerk", (Role.GROUP_LEADER, t.group_a))
    own = make_member(t.group_a, name="甲组自己")
    own.user_id = users["member"].id
    target = make_member(
        t.group_a,
        name="甲组预备",
        membership="probationary",
        full_member_on=None,
        joined_on="2026-03-01",
    )
    mentee_b = make_member(
        t.group_a,
        name="甲组另一预备",
        membership="probationary",
        full_member_on=None,
        joined_on="2026-03-01",
    )
    member_b = make_member(t.group_b, name="乙组党员")
    db.session.commit()
    assign_mentor(users["secretary"], target, users["mentor"])
    assign_mentor(users["secretary"], mentee_b, users["other_mentor"])
    db.session.commit()

    period = ap.open_period(
        users["committee"], t.committee, 2026, 3, ap.Deadlines(*[date(2026, 9, 30)] * 4)
    )
    db.session.commit()
    appraisal = db.session.scalar(
        select(Appraisal).where(Appraisal.member_id == target.id, Appraisal.period_id == period.id)
    )

    item = vs.save_item(
        None,
        t.branch_a,
        {
            "name": "甲村代办事项",
            "category": "civil_affairs",
            "level": "village",
            "handling": "promised",
            "promised_days": 5,
            "is_published": True,
        },
    )
    db.session.commit()
    case, _code = case_services.register_case(
        users["agent"],
        t.room_a,
        item,
        case_services.ApplicantData(name="甲村申办人", phone="13800001234", village="甲村"),
        "帮忙办理",
    )
    post = posts.create_post(users["secretary"], t.branch_a, "甲支部岗位", "职责")
    db.session.flush()
    posts.assign(users["secretary"], post, own)
    sanction = Sanction(
        member_id=target.id, kind="warning", decided_on=date(2026, 1, 5), reason="违纪"
    )
    batch = ImportBatch(user_id=users["secretary"].id, filename="a.xlsx")
    skill = Skill(name="法律咨询")
    job = Job(kind=sorted(KINDS)[0], user_id=users["secretary"].id)  # only its owner sees it
    db.session.add_all([sanction, batch, skill, job])
    profile = VolunteerProfile(member_id=target.id)
    db.session.add(profile)
    db.session.flush()
    profile_skill = ProfileSkill(profile_id=profile.id, skill_id=skill.id)
    db.session.add(profile_skill)
    db.session.commit()

    rnd = sel.open_round(
        users["committee"],
        t.committee,
        sel.RoundData(year=2026, title="", quarters=[(2026, 1), (2026, 2)]),
    )
    db.session.flush()
    nomination = Nomination(round=rnd, member=own, branch=t.branch_a, reason="表现突出")
    db.session.add(nomination)
    db.session.commit()

    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == clerk.id))
    ids = {
        "appraisal_id": appraisal.id,
        "member_id": target.id,
        "period_id": period.id,
        "org_id": t.branch_a.id,
        "branch_id": t.branch_a.id,
        "user_id": clerk.id,
        "grant_id": grant.id,
        "case_id": case.id,
        "sp_id": t.room_a.id,
        "item_id": item.id,
        "post_id": post.id,
        "sanction_id": sanction.id,
        "batch_id": batch.id,
        "skill_id": profile_skill.id,
        "round_id": rnd.id,
        "nomination_id": nomination.id,
        "job_id": job.id,
    }
    names_a = ["甲组自己", "甲组预备", "甲组另一预备", "甲村申办人"]
    for build in (build_network, build_reports):
        more_ids, more_names = build(t, users, case)
        ids.update(more_ids)
        names_a += more_names
    db.session.commit()
    db.session.refresh(own)  # the Site is read after this session ends
    return Site(
        tree=t,
        users=users,
        target=target,
        own=own,
        ids=ids,
        names_a=names_a,
        target_name=target.name,
        member_b_id=member_b.id,
    )


def build_committee_post(site: Site) -> int:
    """A committee-level post held by a member of branch A and one of branch B, with a record
    of the first: the page the post's holders in branch B may open. Returns its id."""
    cmte = db.session.get(User, site.users["committee"].id)
    own = db.session.get(Member, site.own.id, options=[joinedload(Member.org)])
    member_b = db.session.get(Member, site.member_b_id, options=[joinedload(Member.org)])
    post = posts.create_post(
        cmte, db.session.get(type(site.tree.committee), site.tree.committee.id), "党委岗位", "职责"
    )
    db.session.flush()
    posts.assign(cmte, post, own)
    posts.assign(cmte, post, member_b)
    posts.add_record(cmte, post, own, date(2026, 1, 6), "甲组自己的记录")
    db.session.commit()
    return post.id


def route_url(app: Flask, rule, ids: dict[str, int]) -> str:
    """The rule's URL with branch A's object for each id and a realistic word elsewhere."""
    values = {}
    for arg in rule.arguments:
        if arg in ids:
            values[arg] = ids[arg]
        elif arg == "action":
            values[arg] = ACTIONS.get(rule.endpoint, "sign")
        elif arg == "filename":
            values[arg] = FILENAMES[rule.endpoint]
        else:
            values[arg] = OTHER_ARGS.get(arg, 1)
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def login_client(app: Flask, user: User | None):
    """A client of the CSRF-protected app, logged in through the form (or anonymous), with
    the session's CSRF token kept on it as ``.token``."""
    c = app.test_client()
    c.token = csrf_token(c, "/auth/login")
    if user is not None:
        r = c.post(
            "/auth/login",
            data={"username": user.username, "password": PASSWORD, "csrf_token": c.token},
        )
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
        c.token = csrf_token(c, "/auth/password")  # the token may rotate at login
    return c
