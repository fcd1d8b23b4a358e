"""The demo data set behind ``flask seed-demo``. Idempotent: a second run adds nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.auth import services as auth_services
from app.auth.models import Role, User
from app.extensions import db
from app.orgs import services as org_services
from app.orgs.models import Org, OrgKind, ServiceLevel, ServicePoint

DEMO_PASSWORD = "demo-pass-2024"  # noqa: S105 - documented demo logins; refused in production

COMMITTEE = "河西新区党工委"

# (general branch or None, branch name, village service room or None, groups)
BRANCHES: list[tuple[str | None, str, str | None, int]] = [
    ("机关党总支", "党政办公室党支部", None, 2),
    ("机关党总支", "经济发展局党支部", None, 2),
    ("机关党总支", "社会事务局党支部", None, 3),
    ("泉湖镇党总支", "泉湖村党支部", "泉湖村为民服务室", 3),
    ("泉湖镇党总支", "东岔村党支部", "东岔村为民服务室", 2),
    ("泉湖镇党总支", "金佛寺村党支部", "金佛寺村为民服务室", 2),
    ("泉湖镇党总支", "清水村党支部", "清水村为民服务室", 2),
    (None, "为民服务中心党支部", None, 2),
    (None, "非公企业联合党支部", None, 3),
]
GROUP_NAMES = ["第一党小组", "第二党小组", "第三党小组"]

SERVICE_POINTS = {
    COMMITTEE: ("河西新区为民服务中心", ServiceLevel.DISTRICT, "0937-2610001", "新区政务大厅一楼"),
    "泉湖镇党总支": (
        "泉湖镇为民服务站",
        ServiceLevel.TOWNSHIP,
        "0937-2620002",
        "泉湖镇人民政府院内",
    ),
}
HOURS = "周一至周五 8:30–12:00，14:30–18:00"

# (username, display name, role, org name, service point name)
DEMO_USERS = [
    ("admin", "系统管理员", Role.ADMIN, COMMITTEE, None),
    ("committee", "王建华", Role.COMMITTEE, COMMITTEE, None),
    ("secretary", "李秀兰", Role.BRANCH_SECRETARY, "泉湖村党支部", None),
    ("leader", "张国强", Role.GROUP_LEADER, "泉湖村党支部/第一党小组", None),
    ("member", "赵红梅", Role.MEMBER, "泉湖村党支部/第一党小组", None),
    ("agent", "刘志刚", Role.AGENT, "泉湖村党支部", "泉湖村为民服务室"),
]


@dataclass
class SeedReport:
    orgs: int = 0
    service_points: int = 0
    users: int = 0
    members: int = 0


SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "建国华明丽芳军红梅秀兰志刚伟强敏静磊洋艳勇杰娟涛超霞"
    "平辉刚玉英桂兰永福海燕晓东春生文斌光荣德成金凤玲"
)
SKILLS = ["法律咨询", "农业技术", "农机维修", "电商销售", "政策宣讲", "医疗卫生", "文艺宣传",
          "家电维修", "驾驶", "会计财务", "计算机", "养殖技术", "建筑施工", "心理疏导"]  # fmt: skip
REGION = "620902"  # 酒泉市肃州区
UNITS = ["河西新区管委会", "泉湖镇人民政府", "泉湖村村委会", "新区供电所", "新区卫生院",
         "河西农业合作社", "新区第一小学", "祁连能源公司"]  # fmt: skip
TITLES = ["科员", "主任", "会计", "村委委员", "技术员", "教师", "医生", "职工", "农民"]
# The demo logins that are also on the roster: (username, org, post kind, agent source, point)
LINKED = [
    ("secretary", "泉湖村党支部", "cadre", "village_cadre", None),
    ("leader", "泉湖村党支部/第一党小组", "no_post", None, None),
    ("member", "泉湖村党支部/第一党小组", "no_post", "volunteer", None),
    ("agent", "泉湖村党支部", "cadre", "village_cadre", "泉湖村为民服务室"),
]


def _id_number(rng, born) -> str:
    from app.common.idcard import check_char

    first17 = f"{REGION}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + check_char(first17)


def _fake_member(rng, org_id: int, *, name: str | None = None, sp_id=None, post=None, source=None):
    from datetime import date, timedelta

    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 52))
    joined = born.replace(year=born.year + rng.randint(19, 40))
    if joined > date(2026, 6, 1):
        joined = date(2025, 7, 1)
    probationary = joined >= date(2025, 9, 1) or rng.random() < 0.05
    full = None if probationary else joined.replace(year=joined.year + 1)
    if full and full > date(2026, 11, 1):
        probationary, full = True, None
    gender_digit = rng.randint(0, 9)
    id17_seq = f"{rng.randint(0, 99):02d}{gender_digit}"
    from app.common.idcard import check_char

    first17 = f"{REGION}{born:%Y%m%d}{id17_seq}"
    mobile = rng.random() < 0.06
    lost = rng.random() < 0.02
    return {
        "name": name or rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
        "id_number": first17 + check_char(first17),
        "ethnicity": "汉族"
        if rng.random() < 0.9
        else rng.choice(["回族", "藏族", "蒙古族", "裕固族"]),
        "phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
        "education": rng.choice(["大学本科", "大学专科", "高中", "初中", "研究生", "中专"]),
        "work_unit": rng.choice(UNITS),
        "job_title": rng.choice(TITLES),
        "joined_on": joined,
        "full_member_on": full,
        "membership": "probationary" if probationary else "full",
        "org_id": org_id,
        "post_kind": post or ("cadre" if rng.random() < 0.3 else "no_post"),
        "agent_source": source
        if source is not None
        else (
            rng.choice(["stationed", "seconded", "paired", "sent_down", "volunteer", None, None])
        ),
        "service_point_id": sp_id,
        "skills": rng.sample(SKILLS, rng.choice((0, 1, 1, 2, 3))),
        "party_status": "normal"
        if rng.random() < 0.97
        else rng.choice(["retained", "transferred_out"]),
        "is_mobile": mobile,
        "mobile_destination": rng.choice(["新疆乌鲁木齐", "甘肃兰州", "广东深圳"])
        if mobile
        else "",
        "is_lost_contact": lost,
        "lost_contact_since": date(2024, 3, 1) if lost else None,
        "is_hardship": rng.random() < 0.04,
    }


def seed_members(by_name: dict[str, Org], report: SeedReport, per_branch: int = 36) -> None:
    """About 330 members across the branches and groups, linked to the demo logins."""
    import random

    from sqlalchemy import func

    from app.roster.models import Member
    from app.roster.services import save_member

    if db.session.scalar(select(func.count(Member.id))):
        return
    rng = random.Random(2024)  # noqa: S311 - demo data, not secrets
    points = {sp.name: sp.id for sp in db.session.scalars(select(ServicePoint))}
    for username, org_name, post, source, sp_name in LINKED:
        user = db.session.scalar(select(User).where(User.username == username))
        raw = _fake_member(
            rng,
            by_name[org_name].id,
            name=user.display_name,
            post=post,
            source=source,
            sp_id=points.get(sp_name) if sp_name else None,
        )
        raw.update(
            membership="full",
            full_member_on=raw["joined_on"].replace(year=raw["joined_on"].year + 1),
        )
        member = save_member(None, raw)
        member.user_id = user.id
        report.members += 1
    for key, org in by_name.items():
        if org.kind != OrgKind.BRANCH:
            continue
        groups = [o for k, o in by_name.items() if k.startswith(key + "/")]
        room = next((sp_id for n, sp_id in points.items() if n.startswith(key[:-3])), None)
        for i in range(per_branch):
            target = groups[i % len(groups)] if groups and i % 5 else org
            is_agent = room is not None and i < 4
            save_member(None, _fake_member(
                rng, target.id, sp_id=room if is_agent else None,
                post="cadre" if is_agent else None,
                source="village_cadre" if is_agent else None,
            ))  # fmt: skip
            report.members += 1


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


def seed_demo() -> SeedReport:
    """Build the demo org tree, service points and logins (see DESIGN.md). Caller commits."""
    report = SeedReport()
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

    for username, display, role, org_name, sp_name in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            continue
        user, _ = auth_services.create_user(
            None,
            username,
            display,
            DEMO_PASSWORD,
            must_change_password=False,
            enforce_policy=False,
        )
        sp = (
            db.session.scalar(select(ServicePoint).where(ServicePoint.name == sp_name))
            if sp_name
            else None
        )
        auth_services.grant_role(None, user, role, by_name[org_name], service_point=sp)
        report.users += 1
    db.session.flush()
    seed_members(by_name, report)
    db.session.flush()
    return report
