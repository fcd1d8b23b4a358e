"""The permission rules: a truth table per action and role, and every endpoint guarded."""

from __future__ import annotations

import pytest
from flask import url_for
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from app import policy
from app.auth.models import Role
from app.extensions import db
from app.orgs.models import ServicePoint
from tests.factories import make_user

ROLES = [r.value for r in Role]


def _user_with(role: str, org):
    if role == Role.AGENT:
        sp = db.session.scalar(select(ServicePoint))
        return make_user(f"as_{role}", (role, org, sp))
    return make_user(f"as_{role}", (role, org))


# (action, target name, roles granted on branch A that may do it)
TABLE = [
    ("org.list", None, {"admin", "committee", "branch_secretary"}),
    ("org.view", "branch_a", {"admin", "committee", "branch_secretary"}),
    ("org.view", "group_a", {"admin", "committee", "branch_secretary"}),
    ("org.view", "branch_b", set()),
    ("org.view", "committee", set()),
    ("org.create_child", "branch_a", {"admin", "committee", "branch_secretary"}),
    ("org.create_child", "branch_b", set()),
    ("org.create_child", "group_a", set()),  # a party group holds no sub-organisations
    ("org.edit", "branch_a", {"admin", "committee"}),
    ("org.edit", "group_a", {"admin", "committee", "branch_secretary"}),
    ("org.move", "branch_a", set()),  # nobody moves the top of their own grant
    ("org.move", "group_a", {"admin", "committee"}),
    ("org.deactivate", "branch_a", set()),
    ("org.deactivate", "group_a", {"admin", "committee", "branch_secretary"}),
    ("service_point.manage", "branch_a", {"admin", "committee"}),
    ("user.manage", None, {"admin"}),
    ("role.grant", "group_a", {"admin"}),
    ("role.grant", "branch_b", set()),
    ("audit.view", None, {"admin"}),
    ("org.create_root", None, set()),  # granted on a branch, not on a root
]


@pytest.mark.parametrize(("action", "target_name", "allowed"), TABLE)
@pytest.mark.parametrize("role", ROLES)
def test_truth_table_for_roles_granted_on_branch_a(tree, role, action, target_name, allowed):
    user = _user_with(role, tree.branch_a)
    target = getattr(tree, target_name) if target_name else None
    assert policy.can(user, action, target) is (role in allowed)


def test_admin_over_a_root_may_create_roots_and_move_branches(tree):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    assert policy.can(admin, "org.create_root")
    assert policy.can(admin, "org.move", tree.branch_a)
    assert not policy.can(admin, "org.move", tree.committee)


def test_unknown_action_and_anonymous_user_are_denied(tree):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    assert not policy.can(admin, "org.launch_rockets", tree.committee)

    assert not policy.can(AnonymousUserMixin(), "org.list")


def test_deactivated_user_is_denied_everything(tree):
    admin = make_user("root", (Role.ADMIN, tree.committee))
    admin.is_active = False
    assert not policy.can(admin, "org.list")


def test_every_action_in_the_table_is_a_known_rule():
    known = set(policy.actions())
    assert {a for a, _, _ in TABLE} <= known


# --- every endpoint is either public or requires a login -------------------------------------

PUBLIC_ENDPOINTS = {
    "static",
    "bootstrap.static",
    "auth.login",
    "home.health",
    "home.set_language",
    "guide.guide",
    "guide.guide_item",
    "public_cases.apply",  # the online agency: no login, rate limited, CSRF
    "public_cases.track",
    "network_public.complaint",  # the public complaint form: rate limited, CSRF
    "network_public.complaint_track",
}


def _sample_url(rule) -> str:
    values = {arg: 1 for arg in rule.arguments}
    samples = {"op": "activate", "what": "person", "action": "sign"}
    for key, value in samples.items():
        if key in values:
            values[key] = value

    return url_for(rule.endpoint, **values)


def test_every_endpoint_requires_login_unless_declared_public(app):
    client = app.test_client()
    unguarded = []
    with app.test_request_context():
        rules = [r for r in app.url_map.iter_rules() if r.endpoint not in PUBLIC_ENDPOINTS]
        urls = [(r, _sample_url(r)) for r in rules]
    for rule, url in urls:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            r = client.open(url, method=method)
            if not (r.status_code == 302 and "/auth/login" in r.location):
                unguarded.append((rule.endpoint, method, r.status_code))
    assert unguarded == []
    assert len(urls) > 20


def test_a_new_root_tree_falls_outside_a_committee_at_once(tree):
    """A committee over the only tree lists every record without a subtree filter; the
    answer is kept until the tree changes, so a second tree's records stay out of its lists."""
    from datetime import date

    from app.appraisal import services as appraisal_services
    from app.appraisal.models import Appraisal
    from app.orgs.models import OrgKind
    from app.roster.models import Member
    from tests.factories import make_member, make_org

    deadlines = appraisal_services.Deadlines(
        date(2026, 9, 30), date(2026, 10, 7), date(2026, 10, 15), date(2026, 10, 25)
    )
    cmte = make_user("cmte", (Role.COMMITTEE, tree.committee))
    make_member(tree.group_a, name="本树党员")
    appraisal_services.open_period(None, tree.committee, 2026, 3, deadlines)
    db.session.commit()

    def listed() -> list[str]:
        stmt = policy.scope(select(Appraisal.member_id), cmte, Appraisal)
        ids = db.session.scalars(stmt).all()
        return sorted(db.session.scalars(select(Member.name).where(Member.id.in_(ids))))

    assert listed() == ["本树党员"]
    other = make_org("另一党委", OrgKind.COMMITTEE)
    branch = make_org("另一党支部", OrgKind.BRANCH, other)
    make_member(branch, name="别树党员")
    appraisal_services.open_period(None, other, 2026, 3, deadlines)
    db.session.commit()
    assert listed() == ["本树党员"]
