"""The demo's organisations, service points and logins."""

from __future__ import annotations

from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import Role, User
from app.demo.common import COMMITTEE, DEMO_BRANCH, DEMO_PASSWORD, DEMO_ROOM, SeedReport, user_named
from app.extensions import db
from app.orgs import services as org_services
from app.orgs.models import Org, OrgKind, ServiceLevel, ServicePoint

# (general branch or None, branch name, village service room or None, groups)
BRANCHES: list[tuple[str | None, str, str | None, int]] = [
    ("机关党总支", "党政办公室党支部", None, 2),
    ("机关党总支", "经济发展局党支部", None, 2),
    ("机关党总支", "社会事务局党支部", None, 3),
    ("泉湖镇党总支", "泉湖村党支部", "泉湖村为民服务室", 3),
    ("泉湖镇党总支", "东岔村党支部", "东岔村为民服务室", 2),
    ("金佛寺镇党总支", "金佛寺村党支部", "金佛寺村为民服务室", 2),
    ("金佛寺镇党总支", "清水村党支部", "清水村为民服务室", 2),
    (None, "为民服务中心党支部", None, 2),
    (None, "非公企业联合党支部", None, 3),
]
GROUP_NAMES = ["第一党小组", "第二党小组", "第三党小组"]

# org name -> (name, level, hotline, address)
SERVICE_POINTS = {
    COMMITTEE: ("河西新区为民服务中心", ServiceLevel.DISTRICT, "0937-2610001", "新区政务大厅一楼"),
    "泉湖镇党总支": (
        "泉湖镇为民服务站",
        ServiceLevel.TOWNSHIP,
        "0937-2620002",
        "泉湖镇人民政府院内",
    ),
    "金佛寺镇党总支": (
        "金佛寺镇为民服务站",
        ServiceLevel.TOWNSHIP,
        "0937-2630003",
        "金佛寺镇人民政府院内",
    ),
}
HOURS = "周一至周五 8:30–12:00，14:30–18:00"

# (username, display name, role, org name, service point name). Creating grants is data, so
# the demo names roles; what a role may do is still asked of app.policy.
DEMO_USERS = [
    ("admin", "系统管理员", Role.ADMIN, COMMITTEE, None),
    ("committee", "王建华", Role.COMMITTEE, COMMITTEE, None),
    ("secretary", "李秀兰", Role.BRANCH_SECRETARY, DEMO_BRANCH, None),
    ("leader", "张国强", Role.GROUP_LEADER, f"{DEMO_BRANCH}/第一党小组", None),
    ("member", "赵红梅", Role.MEMBER, f"{DEMO_BRANCH}/第一党小组", None),
    ("agent", "刘志刚", Role.AGENT, DEMO_BRANCH, DEMO_ROOM),
]


def seed_orgs(report: SeedReport) -> dict[str, Org]:
    """The committee, its general branches, branches and groups, and the service points.
    Returns the orgs by name ("branch/group" for a group)."""
    root = _child(None, COMMITTEE, OrgKind.COMMITTEE, report)
    by_name: dict[str, Org] = {COMMITTEE: root}
    for general, branch_name, room, n_groups in BRANCHES:
        parent = root
        if general:
            parent = by_name.get(general) or _child(root, general, OrgKind.GENERAL_BRANCH, report)
            by_name[general] = parent
        branch = _child(parent, branch_name, OrgKind.BRANCH, report)
        by_name[branch_name] = branch
        for g in GROUP_NAMES[:n_groups]:
            by_name[f"{branch_name}/{g}"] = _child(branch, g, OrgKind.GROUP, report)
        if room:
            hotline = f"0937-26{len(by_name):05d}"
            _point(branch, room, ServiceLevel.VILLAGE, hotline, f"{branch_name[:-3]}村委会", report)
    for org_name, (name, level, hotline, address) in SERVICE_POINTS.items():
        _point(by_name[org_name], name, level, hotline, address, report)
    return by_name


def seed_logins(by_name: dict[str, Org], report: SeedReport) -> None:
    """The six documented logins, one per role."""
    for username, display, role, org_name, sp_name in DEMO_USERS:
        if user_named(username) is not None:
            continue
        sp = (
            db.session.scalar(select(ServicePoint).where(ServicePoint.name == sp_name))
            if sp_name
            else None
        )
        demo_account(username, display, role, by_name[org_name], service_point=sp)
        report.users += 1


def demo_account(
    username: str, display: str, role: str, org: Org, *, service_point: ServicePoint | None = None
) -> User:
    """The login ``username`` with the demo password and ``role`` on ``org``, made if absent."""
    user = user_named(username)
    if user is None:
        user, _ = auth_services.create_user(
            None, username, display, DEMO_PASSWORD, must_change_password=False, enforce_policy=False
        )
        auth_services.grant_role(None, user, role, org, service_point=service_point)
    return user


def _child(parent: Org | None, name: str, kind: str, report: SeedReport) -> Org:
    stmt = select(Org).where(Org.name == name)
    stmt = stmt.where(Org.parent_id.is_(None) if parent is None else Org.parent_id == parent.id)
    org = db.session.scalar(stmt)
    if org is None:
        org = org_services.create_org(None, name=name, kind=kind, parent=parent)
        report.orgs += 1
    return org


def _point(org: Org, name: str, level: str, hotline: str, address: str, report: SeedReport):
    sp = db.session.scalar(select(ServicePoint).where(ServicePoint.name == name))
    if sp is None:
        sp = org_services.create_service_point(
            None,
            org,
            name=name,
            level=level,
            hotline=hotline,
            address=address,
            opening_hours=HOURS,
        )
        report.service_points += 1
    return sp
