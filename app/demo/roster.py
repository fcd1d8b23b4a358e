"""The demo roster: about 330 members with valid ID numbers across the branches and groups,
four of them linked to the demo logins, three with a disciplinary sanction."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from app.common.idcard import check_char
from app.common.timeutil import today
from app.demo.common import DEMO_BRANCH, DEMO_ROOM, SeedReport, user_named
from app.extensions import db
from app.orgs.models import Org, OrgKind, ServicePoint
from app.roster.fields import add_years
from app.roster.models import Member, Membership, SanctionKind
from app.roster.sanctions import record_sanction
from app.roster.services import save_member

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
ETHNIC_MINORITIES = ["回族", "藏族", "蒙古族", "裕固族"]
EDUCATION = ["大学本科", "大学专科", "高中", "初中", "研究生", "中专"]
AGENT_SOURCES = ["stationed", "seconded", "paired", "sent_down", "volunteer", None, None]
DESTINATIONS = ["新疆乌鲁木齐", "甘肃兰州", "广东深圳"]
# The demo logins that are also on the roster: (username, org, post kind, agent source, point)
LINKED = [
    ("secretary", DEMO_BRANCH, "cadre", "village_cadre", None),
    ("leader", f"{DEMO_BRANCH}/第一党小组", "no_post", None, None),
    ("member", f"{DEMO_BRANCH}/第一党小组", "no_post", "volunteer", None),
    ("agent", DEMO_BRANCH, "cadre", "village_cadre", DEMO_ROOM),
]
PER_BRANCH = 36


def seed_members(by_name: dict[str, Org], report: SeedReport) -> None:
    """About 330 members across the branches and groups, linked to the demo logins."""
    if db.session.scalar(select(func.count(Member.id))):
        return
    rng = random.Random(2024)  # noqa: S311 - demo data, not secrets
    points = {sp.name: sp.id for sp in db.session.scalars(select(ServicePoint))}
    for username, org_name, post, source, sp_name in LINKED:
        user = user_named(username)
        raw = fake_member(
            rng,
            by_name[org_name].id,
            name=user.display_name,
            post=post,
            source=source,
            sp_id=points.get(sp_name) if sp_name else None,
        )
        raw.update(membership="full", full_member_on=add_years(raw["joined_on"], 1))
        member = save_member(None, raw)
        member.user_id = user.id
        report.members += 1
    for key, org in by_name.items():
        if org.kind != OrgKind.BRANCH:
            continue
        groups = [o for k, o in by_name.items() if k.startswith(key + "/")]
        room = next((sp_id for n, sp_id in points.items() if n.startswith(key[:-3])), None)
        for i in range(PER_BRANCH):
            target = groups[i % len(groups)] if groups and i % 5 else org
            is_agent = room is not None and i < 4
            raw = fake_member(
                rng,
                target.id,
                sp_id=room if is_agent else None,
                post="cadre" if is_agent else None,
                source="village_cadre" if is_agent else None,
            )
            save_member(None, raw)
            report.members += 1
    seed_sanctions(by_name[DEMO_BRANCH])


def seed_sanctions(branch: Org) -> None:
    """Three members of the demo branch (no demo login, no agent) with a sanction: one in
    effect now, one that ended, one ended long ago, so the secretary sees each state."""
    in_branch = select(Org.id).where(Org.path.startswith(branch.path))
    members = db.session.scalars(
        select(Member)
        .where(
            Member.org_id.in_(in_branch),
            Member.user_id.is_(None),
            Member.service_point_id.is_(None),
            Member.membership == Membership.FULL,
        )
        .order_by(Member.id)
        .limit(3)
    ).all()
    recent = today() - timedelta(days=100)
    plan = [
        (SanctionKind.WARNING, recent, "违反中央八项规定精神，接受管理服务对象宴请"),
        (SanctionKind.SERIOUS_WARNING, date(2023, 4, 12), "未如实报告个人有关事项"),
        (SanctionKind.REMOVAL_FROM_POST, date(2019, 9, 3), "工作严重失职，造成集体资产损失"),
    ]
    for member, (kind, decided_on, reason) in zip(members, plan, strict=False):
        record_sanction(None, member, kind, decided_on, None, reason)


def fake_member(
    rng: random.Random,
    org_id: int,
    *,
    name: str | None = None,
    sp_id: int | None = None,
    post: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """One plausible member as the roster form would post it (same draws, same order, so the
    demo is the same on every run)."""
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 52))
    joined, full, probationary = _party_dates(rng, born)
    gender_digit = rng.randint(0, 9)
    first17 = f"{REGION}{born:%Y%m%d}{rng.randint(0, 99):02d}{gender_digit}"
    mobile = rng.random() < 0.06
    lost = rng.random() < 0.02
    return {
        "name": name or rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2)))),
        "id_number": first17 + check_char(first17),
        "ethnicity": "汉族" if rng.random() < 0.9 else rng.choice(ETHNIC_MINORITIES),
        "phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
        "education": rng.choice(EDUCATION),
        "work_unit": rng.choice(UNITS),
        "job_title": rng.choice(TITLES),
        "joined_on": joined,
        "full_member_on": full,
        "membership": "probationary" if probationary else "full",
        "org_id": org_id,
        "post_kind": post or ("cadre" if rng.random() < 0.3 else "no_post"),
        "agent_source": source if source is not None else rng.choice(AGENT_SOURCES),
        "service_point_id": sp_id,
        "skills": rng.sample(SKILLS, rng.choice((0, 1, 1, 2, 3))),
        "party_status": "normal"
        if rng.random() < 0.97
        else rng.choice(["retained", "transferred_out"]),
        "is_mobile": mobile,
        "mobile_destination": rng.choice(DESTINATIONS) if mobile else "",
        "is_lost_contact": lost,
        "lost_contact_since": date(2024, 3, 1) if lost else None,
        "is_hardship": rng.random() < 0.04,
    }


def _party_dates(rng: random.Random, born: date) -> tuple[date, date | None, bool]:
    """(joined, full member since or None, probationary) for someone born on ``born``."""
    joined = add_years(born, rng.randint(19, 40))
    if joined > date(2026, 6, 1):
        joined = date(2025, 7, 1)
    probationary = joined >= date(2025, 9, 1) or rng.random() < 0.05
    full = None if probationary else add_years(joined, 1)
    if full and full > date(2026, 11, 1):
        probationary, full = True, None
    return joined, full, probationary
