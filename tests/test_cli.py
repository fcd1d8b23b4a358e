"""CLI commands: the demo seed and create-admin."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app import create_app
from app.appraisal.models import Appraisal
from app.audit import AuditEvent
from app.audit.labels import ACTION_LABELS
from app.auth.models import Role, User
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.orgs.models import Org, OrgKind, ServicePoint
from app.roster.models import Member
from tests.conftest import login
from tests.test_app import PRODUCTION_KEYS


def test_seed_demo_builds_the_documented_demo_once(app, runner):
    r = runner.invoke(args=["seed-demo"])
    assert r.exit_code == 0, r.output
    # One line as each part starts, so a minute's work is not silent, then the summary.
    assert r.output.splitlines() == [
        "organisations, service points and logins…",
        "roster: 328 members…",
        "appraisal: four quarters of 2026, every step through the workflow…",
        "service catalogue, volunteer profiles and posts…",
        "service cases: 300 in every state, through the workflow…",
        "the 七一 selection: next July's round, the first nominations…",
        "the service network: duty rotas, letters and visits, complaints, an inspection, training…",
        "demo data: 34 orgs, 7 service points, 6 logins, 328 members, 4 appraisal quarters, "
        "308 volunteer profiles, 300 service cases, 18 七一 nominations added",
    ]
    counts = dict(db.session.execute(select(Org.kind, func.count()).group_by(Org.kind)).all())
    assert counts[OrgKind.COMMITTEE] == 1
    assert counts[OrgKind.GENERAL_BRANCH] >= 1
    assert counts[OrgKind.BRANCH] >= 8
    assert counts[OrgKind.GROUP] >= 8
    levels = set(db.session.scalars(select(ServicePoint.level)))
    assert levels == {"district", "township", "village"}
    total = db.session.scalar(select(func.count(Org.id)))
    users_after_first = db.session.scalar(select(func.count(User.id)))
    assert db.session.scalar(select(func.count(Member.id))) >= 300
    quarters = set(db.session.scalars(select(Appraisal.quarter)))
    statuses = set(db.session.scalars(select(Appraisal.status)))
    assert quarters == {1, 2, 3, 4}
    assert {"draft", "submitted", "signed", "assessed", "closed"} <= statuses
    assert db.session.scalar(select(func.count(Appraisal.id)).where(Appraisal.is_vetoed))
    # Every event the demo's real steps wrote reads in words on the audit log.
    actions = set(db.session.scalars(select(AuditEvent.action).distinct()))
    assert {"appraisal.close", "appraisal.sign", "member.create"} <= actions
    assert actions - set(ACTION_LABELS) == set()
    assert {"selection.open_round", "nomination.nominate", "nomination.approve"} <= actions

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0
    assert again.output.splitlines()[-1] == (
        "demo data: 0 orgs, 0 service points, 0 logins, 0 members, 0 appraisal quarters, "
        "0 volunteer profiles, 0 service cases, 0 七一 nominations added"
    )
    assert db.session.scalar(select(func.count(Org.id))) == total
    # the six documented logins plus a secretary, mentor and group leader per org
    assert db.session.scalar(select(func.count(User.id))) == users_after_first


def test_every_demo_login_works_and_names_its_role(app, runner):
    runner.invoke(args=["seed-demo"])
    expected = {
        "admin": "系统管理员",
        "committee": "党委",
        "secretary": "支部书记",
        "leader": "党小组长",
        "member": "党员",
        "agent": "代理员",
    }
    for username, role_label in expected.items():
        c = app.test_client()
        assert login(c, username, DEMO_PASSWORD).status_code == 302, username
        page = c.get("/").get_data(as_text=True)
        assert role_label in page, username
    agent = db.session.scalar(select(User).where(User.username == "agent"))
    assert agent.grants[0].service_point.level == "village"
    leader = db.session.scalar(select(User).where(User.username == "leader"))
    secretary = db.session.scalar(select(User).where(User.username == "secretary"))
    assert leader.grants[0].org.parent_id == secretary.grants[0].org_id


def test_seed_demo_is_refused_in_production(database_url):
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url, **PRODUCTION_KEYS)
    r = app.test_cli_runner().invoke(args=["seed-demo"])
    assert r.exit_code != 0
    assert "production" in r.output


def test_create_admin_issues_a_random_password_to_change(app, runner):
    r = runner.invoke(args=["create-admin", "--username", "chief", "--org", "某某党委"])
    assert r.exit_code == 0, r.output
    password = re.search(r"login\): (\S+)", r.output).group(1)
    user = db.session.scalar(select(User).where(User.username == "chief"))
    assert user.must_change_password
    assert [(g.role, g.org.name) for g in user.grants] == [(Role.ADMIN, "某某党委")]
    c = app.test_client()
    assert login(c, "chief", DEMO_PASSWORD).status_code == 200
    assert login(c, "chief", password).status_code == 302
    assert c.get("/").location.endswith("/auth/password")
    dup = runner.invoke(args=["create-admin", "--username", "chief"])
    assert dup.exit_code != 0
