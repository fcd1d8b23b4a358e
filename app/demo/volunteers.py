"""The demo service agency: the catalogue across the three levels, volunteer profiles for the
agents and members who offered skills, A/B agents for the village room's items, and posts for
members without posts (设岗定责)."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.demo.common import COMMITTEE, DEMO_BRANCH, DEMO_ROOM
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.roster.models import Member
from app.volunteers.models import (
    ItemAgent,
    Post,
    PostAssignment,
    PostRecord,
    ProfileSkill,
    ServiceItem,
    VolunteerProfile,
)
from app.volunteers.services import save_item

# (name, category, level, handling, promised days, materials, skills)
CATALOGUE = [
    ("农村低保申请", "civil_affairs", "village", "promised", 15, "户口簿、身份证、家庭收入证明", "政策宣讲"),
    ("临时救助申请", "civil_affairs", "village", "promised", 7, "身份证、困难情况说明", ""),
    ("高龄补贴申领", "civil_affairs", "village", "direct", 1, "身份证、户口簿、银行卡", ""),
    ("残疾人证办理代理", "disability", "village", "promised", 20, "身份证、户口簿、两寸照片、诊断证明", "医疗卫生"),
    ("残疾人两项补贴申请", "disability", "village", "promised", 10, "残疾人证、身份证、银行卡", ""),
    ("邻里纠纷调解", "stability", "village", "direct", 1, "无", "法律咨询,心理疏导"),
    ("矛盾纠纷排查上报", "stability", "village", "promised", 3, "情况说明", "法律咨询"),
    ("新农合参保缴费", "rural_insurance", "village", "direct", 1, "户口簿、身份证", "计算机"),
    ("新农合报销材料代办", "rural_insurance", "village", "promised", 10, "住院发票、出院小结、身份证、银行卡", "会计财务"),
    ("大病医疗救助申请", "medical_aid", "village", "promised", 15, "诊断证明、费用清单、身份证", "医疗卫生"),
    ("生育服务登记", "family_planning", "village", "direct", 1, "夫妻双方身份证、结婚证、户口簿", ""),
    ("宅基地使用申请", "land", "village", "promised", 20, "申请书、户口簿、村民会议意见", "建筑施工"),
    ("土地承包经营权流转登记", "land", "village", "promised", 10, "承包合同、流转协议、身份证", "法律咨询"),
    ("村内公益设施报修", "public_welfare", "village", "promised", 5, "报修情况说明", "家电维修,建筑施工"),
    ("消费纠纷投诉代理", "consumer", "village", "promised", 7, "购物凭证、身份证", "法律咨询"),
    ("党员组织关系转接", "party_building", "village", "promised", 5, "介绍信、党员证明", ""),
    ("农业技术咨询", "technical_support", "village", "direct", 1, "无", "农业技术"),
    ("农机维修联系", "technical_support", "village", "promised", 3, "无", "农机维修"),
    ("农产品网上销售帮扶", "sales_help", "village", "promised", 7, "产品信息、联系方式", "电商销售"),
    ("惠农政策咨询", "policy_advice", "village", "direct", 1, "无", "政策宣讲"),
    ("用工信息发布", "information", "village", "direct", 1, "无", "计算机"),
    ("就业失业登记", "labour", "township", "direct", 1, "身份证、户口簿", ""),
    ("城乡居民养老保险参保登记", "labour", "township", "direct", 1, "身份证、户口簿", "会计财务"),
    ("流动人口婚育证明", "family_planning", "township", "promised", 3, "身份证、户口簿、照片", ""),
    ("特困人员供养申请", "civil_affairs", "township", "promised", 20, "申请书、身份证、户口簿、困难证明", ""),
    ("农村建房用地审批", "land_resources", "township", "joint", 30, "申请书、宅基地审批表、村委会意见", "建筑施工"),
    ("个体工商户登记代理", "business", "township", "promised", 5, "身份证、经营场所证明、照片", "会计财务"),
    ("个体户税务登记代理", "tax", "township", "promised", 5, "营业执照、身份证", "会计财务"),
    ("残疾人就业扶持申请", "disability", "township", "promised", 15, "残疾人证、申请书", ""),
    ("企业设立登记代理", "business", "district", "joint", 5, "公司章程、股东身份证明、住所证明", "会计财务,法律咨询"),
    ("建设工程规划许可代理", "land_resources", "district", "joint", 20, "申请表、用地批准文件、设计方案", "建筑施工"),
    ("社会保障卡补办", "labour", "district", "direct", 1, "身份证", ""),
    ("法律援助申请代理", "stability", "district", "promised", 7, "身份证、经济困难证明、案件材料", "法律咨询"),
]  # fmt: skip
STEPS = (
    "受理：核对材料，开具材料接收单\n承办：代理员按时限办理\n"
    "反馈：将结果送达申办人\n评价：申办人评价满意度"
)
CATEGORIES = ["civil_affairs", "disability", "stability", "rural_insurance", "medical_aid", "land",
              "policy_advice", "technical_support", "sales_help", "public_welfare"]  # fmt: skip
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
POSTS = [
    ("政策宣传岗", "向群众宣讲惠农政策，解答政策疑问。"),
    ("矛盾调解岗", "及时发现并调解邻里纠纷，重大矛盾及时上报。"),
    ("环境监督岗", "监督村内环境卫生，劝导乱堆乱放。"),
    ("帮扶困难户岗", "结对联系困难家庭，帮助解决生产生活困难。"),
]


def seed_volunteers(by_name: dict[str, Org]) -> int:
    """The whole service agency (skipped when any item exists). Returns the profiles made."""
    if db.session.scalar(select(ServiceItem.id).limit(1)) is not None:
        return 0
    items = _seed_items(by_name)
    members = list(db.session.scalars(select(Member).options(selectinload(Member.skills))))
    made = _seed_profiles(members)
    db.session.flush()
    _seed_item_agents([x for x in items if x.level == "village"][:6], members)
    _seed_posts(by_name[DEMO_BRANCH], [m for m in members if m.post_kind == "no_post"])
    return made


def _seed_items(by_name: dict[str, Org]) -> list[ServiceItem]:
    keepers = {
        "village": by_name[DEMO_BRANCH],
        "township": by_name["泉湖镇党总支"],
        "district": by_name[COMMITTEE],
    }
    items = []
    for name, cat, level, how, days, materials, skills in CATALOGUE:
        data = {
            "name": name,
            "category": cat,
            "level": level,
            "handling": how,
            "promised_days": days,
            "materials": materials,
            "skills": skills,
            "steps": STEPS,
            "is_published": True,
        }
        items.append(save_item(None, keepers[level], data))
    return items


def _seed_profiles(members: list[Member]) -> int:
    """A profile for every member in good standing who is an agent or offered a skill."""
    rng = random.Random(5)  # noqa: S311 - demo data
    made = 0
    for m in members:
        if m.party_status != "normal" or not (m.agent_source or m.service_point_id or m.skills):
            continue
        profile = VolunteerProfile(
            member_id=m.id,
            categories=rng.sample(CATEGORIES, 3),
            availability=sorted(rng.sample(DAYS, 3), key=DAYS.index),
            max_cases=rng.choice([2, 3, 3, 5]),
            service_point_id=m.service_point_id,
        )
        profile.skills = [
            ProfileSkill(skill=s, level=rng.choice([1, 2, 3]), is_confirmed=rng.random() < 0.85)
            for s in m.skills
        ]
        db.session.add(profile)
        made += 1
    return made


def _seed_item_agents(items: list[ServiceItem], members: list[Member]) -> None:
    """A primary and a backup agent of the demo village room for each of ``items``."""
    room = db.session.scalar(select(ServicePoint).where(ServicePoint.name == DEMO_ROOM))
    agents = [m for m in members if m.service_point_id == room.id]
    if len(agents) < 2:
        return
    for i, item in enumerate(items):
        a, b = agents[i % len(agents)], agents[(i + 1) % len(agents)]
        for member, role in ((a, "primary"), (b, "backup")):
            db.session.add(
                ItemAgent(item_id=item.id, service_point_id=room.id, member_id=member.id, role=role)
            )


def _seed_posts(branch: Org, no_post: list[Member]) -> None:
    """Posts for members without posts in the demo branch (设岗定责), with a few records."""
    mine = [m for m in no_post if m.org_id == branch.id or m.user_id is not None][:8]
    for i, (name, duties) in enumerate(POSTS):
        post = Post(org_id=branch.id, name=name, duties=duties)
        db.session.add(post)
        db.session.flush()
        for m in mine[i * 2 : i * 2 + 2]:
            db.session.add(PostAssignment(post_id=post.id, member_id=m.id))
            record = PostRecord(
                post_id=post.id,
                member_id=m.id,
                occurred_on=date(2026, 11, 3 + i),
                summary=f"{name}：本月开展工作一次，情况良好。",
            )
            db.session.add(record)
