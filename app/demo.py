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
    appraisal_periods: int = 0
    volunteers: int = 0


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
    from app.roster.fields import add_years

    joined = add_years(born, rng.randint(19, 40))
    if joined > date(2026, 6, 1):
        joined = date(2025, 7, 1)
    probationary = joined >= date(2025, 9, 1) or rng.random() < 0.05
    full = None if probationary else add_years(joined, 1)
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

    from app.roster.fields import add_years
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
            full_member_on=add_years(raw["joined_on"], 1),
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
    seed_appraisals(by_name, report)
    db.session.flush()
    report.volunteers = seed_volunteers(by_name)
    db.session.flush()
    return report


# --- appraisals --------------------------------------------------------------------------------

SELF_TEXTS = {
    "political": "参加支部集中学习{n}次，自学党的创新理论，撰写学习心得一篇。",
    "party_spirit": "按时参加“三会一课”和主题党日活动，按月足额交纳党费。",
    "job_duties": "完成本岗位各项工作任务，参与村级为民服务代理事项{n}件。",
    "ideological_work": "与责任区群众谈心{n}次，走访困难户2户，帮助解决实际问题。",
    "technical": "参加业务培训一次，学习新技术、新规范。",
    "integrity": "严格遵守廉洁自律各项规定，无违规违纪行为。",
    "diligence": "深入一线解决群众反映的问题，按时办结承诺事项。",
    "close_to_masses": "坚持领导接待日制度，接待群众来访，听取意见建议。",
}


def _demo_account(username: str, display: str, role: str, org: Org) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user, _ = auth_services.create_user(
            None, username, display, DEMO_PASSWORD, must_change_password=False,
            enforce_policy=False,
        )  # fmt: skip
        auth_services.grant_role(None, user, role, org)
    return user


def seed_appraisals(by_name: dict[str, Org], report: SeedReport) -> None:
    """Four quarters of 2026: three closed (graded, some vetoed and spot-checked) and the
    current one in every state. Every step goes through the workflow, as users would."""
    import random
    from datetime import date, timedelta

    from app.appraisal import services as ap
    from app.appraisal.models import AppraisalPeriod
    from app.appraisal.workflow import apply, dimensions_for

    if db.session.scalar(select(AppraisalPeriod.id).limit(1)) is not None:
        return
    rng = random.Random(71)  # noqa: S311 - demo data
    root = by_name[COMMITTEE]
    committee = db.session.scalar(select(User).where(User.username == "committee"))
    # Every branch needs a secretary and a mentor, every group a leader, for the steps.
    secretaries: dict[int, User] = {}
    mentors: dict[int, User] = {}
    leaders: dict[int, User] = {}
    for org in by_name.values():
        if org.kind == OrgKind.BRANCH:
            sec = db.session.scalar(select(User).where(User.username == "secretary"))
            if org.name != "泉湖村党支部":
                sec = _demo_account(
                    f"sj{org.id}", f"{org.name[:4]}书记", Role.BRANCH_SECRETARY, org
                )
            secretaries[org.id] = sec
            mentors[org.id] = _demo_account(
                f"pyr{org.id}", f"{org.name[:4]}培养人", Role.MENTOR, org
            )
        elif org.kind == OrgKind.GROUP:
            if org.name == "第一党小组" and org.parent_id == by_name["泉湖村党支部"].id:
                leaders[org.id] = db.session.scalar(select(User).where(User.username == "leader"))
            else:
                leaders[org.id] = _demo_account(f"zz{org.id}", "党小组长", Role.GROUP_LEADER, org)
    db.session.flush()
    for u in [*secretaries.values(), *mentors.values(), *leaders.values(), committee]:
        db.session.refresh(u)
    # Each probationary member gets their branch's mentor, named by the branch secretary.
    from sqlalchemy.orm import joinedload as _jl

    from app.roster.models import Member
    from app.roster.services import assign_mentor

    for m in db.session.scalars(
        select(Member).where(Member.membership == "probationary").options(_jl(Member.org))
    ):
        branch_id = m.org.branch_id
        if branch_id in mentors:
            assign_mentor(secretaries[branch_id], m, mentors[branch_id])

    def branch_of(a):
        return a.org.branch_id

    def fill(a):
        a.self_record = {
            d["key"]: {
                "text": SELF_TEXTS.get(d["key"], "认真履行党员义务。").format(n=rng.randint(2, 6))
            }
            for d in dimensions_for(a)
        }

    def signer(a):
        if a.is_probationary:
            return mentors[branch_of(a)]
        leader = leaders.get(a.org_id)
        if leader is None or leader.id == a.member.user_id:
            return secretaries[branch_of(a)]
        return leader

    for quarter in (1, 2, 3, 4):
        start, end = ap.quarter_bounds(2026, quarter)
        period = ap.open_period(committee, root, 2026, quarter, ap.Deadlines(
            end - timedelta(days=1), end + timedelta(days=6), end + timedelta(days=14),
            end + timedelta(days=24),
        ))  # fmt: skip
        db.session.flush()
        from sqlalchemy.orm import joinedload

        from app.appraisal.models import Appraisal

        records = list(db.session.scalars(
            select(Appraisal).where(Appraisal.period_id == period.id)
            .options(joinedload(Appraisal.member), joinedload(Appraisal.org),
                     joinedload(Appraisal.period))
        ).unique())  # fmt: skip
        excellent_left: dict[int, int] = {}
        for a in records:
            branch = branch_of(a)
            graded = sum(1 for r in records if branch_of(r) == branch and not r.is_probationary)
            excellent_left.setdefault(branch, graded // 3)
            sec = secretaries[branch]
            # How far this record gets: closed quarters all the way; the current one varies.
            depth = 4 if quarter < 4 else rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4])
            if a.member.user_id is not None and quarter == 4:
                depth = 0 if a.member.user_id == db.session.scalar(
                    select(User.id).where(User.username == "member")) else 2  # fmt: skip
            if depth >= 1:
                fill(a)
                apply(a, "submit", sec if a.member.user_id is None else
                      db.session.get(User, a.member.user_id), expected_version=None)  # fmt: skip
            if depth >= 2 and a.member.user_id != signer(a).id:
                if rng.random() < 0.05:
                    apply(a, "return_to_member", signer(a), expected_version=None,
                          comment="请补充本季度谈心家访的具体情况。")  # fmt: skip
                    fill(a)
                    who = (
                        sec if a.member.user_id is None else db.session.get(User, a.member.user_id)
                    )
                    apply(a, "submit", who, expected_version=None)
                apply(a, "sign", signer(a), expected_version=None, comment="情况属实，实事求是。")
            if depth >= 3 and a.status == "signed" and a.member.user_id != sec.id:
                grade = "qualified"
                if not a.is_probationary and excellent_left[branch] > 0 and rng.random() < 0.3:
                    grade, excellent_left[branch] = "excellent", excellent_left[branch] - 1
                elif rng.random() < 0.05:
                    grade = "basically_qualified"
                if a.is_probationary:
                    grade = None
                apply(a, "assess", sec, expected_version=None, data={
                    "meeting_on": min(end, date(2026, 11, 20)), "grade": grade,
                    "comment": "经支委会研究，同意该同志本季度考核意见。",
                    "masses": "群众反映良好。",
                })  # fmt: skip
                if rng.random() < 0.01:
                    apply(a, "veto", sec, expected_version=None, data={"category": "discipline"},
                          comment="违反工作纪律，造成不良影响。")  # fmt: skip
        db.session.flush()
        if quarter < 4:
            chosen = ap.draw_sample(committee, period, 0.1, seed=f"demo-{quarter}")
            for a in records:
                if a.id in chosen and a.status == "assessed":
                    apply(a, "spot_confirm", committee, expected_version=None)
            ap.close_period(committee, period)
        report.appraisal_periods += 1
    _seed_area(db.session.scalar(select(User).where(User.username == "member")))


def _seed_area(user: User) -> None:
    """The demo member's responsibility area: a key person who had a talk in October only,
    so November shows the flag."""
    from datetime import date

    from app.appraisal.models import ContactLog, ResponsibilityPerson
    from app.roster.models import Member

    member = db.session.scalar(select(Member).where(Member.user_id == user.id))
    people = [("马建军", "家中老人长期患病，思想压力大", True), ("周丽", "", False),
              ("何永福", "刚调入本班组", False)]  # fmt: skip
    for name, note, key in people:
        p = ResponsibilityPerson(member_id=member.id, name=name, note=note, is_key=key)
        db.session.add(p)
        db.session.flush()
        talk = ContactLog(person_id=p.id, kind="talk", occurred_on=date(2026, 10, 12),
                          summary="了解家庭情况，鼓励安心工作。", logged_by_id=user.id)  # fmt: skip
        db.session.add(talk)


# --- service catalogue and volunteers ----------------------------------------------------------

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


def seed_volunteers(by_name: dict[str, Org]) -> int:
    """The catalogue across the three levels, volunteer profiles for the agents and members
    without posts who offered skills, and A/B agents for the village room's items."""
    import random

    from app.roster.models import Member
    from app.volunteers.models import ItemAgent, ProfileSkill, ServiceItem, VolunteerProfile
    from app.volunteers.services import save_item

    if db.session.scalar(select(ServiceItem.id).limit(1)) is not None:
        return 0
    root = by_name[COMMITTEE]
    keepers = {"village": by_name["泉湖村党支部"], "township": by_name["泉湖镇党总支"],
               "district": root}  # fmt: skip
    items = []
    for name, cat, level, how, days, materials, skills in CATALOGUE:
        items.append(save_item(None, keepers[level], {
            "name": name, "category": cat, "level": level, "handling": how,
            "promised_days": days, "materials": materials, "skills": skills,
            "steps": "受理：核对材料，开具材料接收单\n承办：代理员按时限办理\n反馈：将结果送达申办人\n评价：申办人评价满意度",
            "is_published": True,
        }))  # fmt: skip
    rng = random.Random(5)  # noqa: S311 - demo data
    cats = ["civil_affairs", "disability", "stability", "rural_insurance", "medical_aid", "land",
            "policy_advice", "technical_support", "sales_help", "public_welfare"]  # fmt: skip
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    from sqlalchemy.orm import selectinload

    members = list(db.session.scalars(select(Member).options(selectinload(Member.skills))))
    made = 0
    for m in members:
        if m.party_status != "normal" or not (m.agent_source or m.service_point_id or m.skills):
            continue
        profile = VolunteerProfile(
            member_id=m.id, categories=rng.sample(cats, 3),
            availability=sorted(rng.sample(days, 3), key=days.index),
            max_cases=rng.choice([2, 3, 3, 5]), service_point_id=m.service_point_id,
        )  # fmt: skip
        profile.skills = [ProfileSkill(skill=s, level=rng.choice([1, 2, 3]),
                                       is_confirmed=rng.random() < 0.85) for s in m.skills]  # fmt: skip
        db.session.add(profile)
        made += 1
    db.session.flush()
    room = db.session.scalar(select(ServicePoint).where(ServicePoint.name == "泉湖村为民服务室"))
    agents = [m for m in members if m.service_point_id == room.id]
    for i, item in enumerate([x for x in items if x.level == "village"][:6]):
        if len(agents) >= 2:
            a, b = agents[i % len(agents)], agents[(i + 1) % len(agents)]
            db.session.add(ItemAgent(item_id=item.id, service_point_id=room.id,
                                     member_id=a.id, role="primary"))  # fmt: skip
            db.session.add(ItemAgent(item_id=item.id, service_point_id=room.id,
                                     member_id=b.id, role="backup"))  # fmt: skip
    _seed_posts(by_name["泉湖村党支部"], [m for m in members if m.post_kind == "no_post"])
    return made


def _seed_posts(branch: Org, no_post: list) -> None:
    """Posts for members without posts in the demo branch (设岗定责), with a few records."""
    from datetime import date

    from app.volunteers.models import Post, PostAssignment, PostRecord

    posts = [("政策宣传岗", "向群众宣讲惠农政策，解答政策疑问。"),
             ("矛盾调解岗", "及时发现并调解邻里纠纷，重大矛盾及时上报。"),
             ("环境监督岗", "监督村内环境卫生，劝导乱堆乱放。"),
             ("帮扶困难户岗", "结对联系困难家庭，帮助解决生产生活困难。")]  # fmt: skip
    mine = [m for m in no_post if m.org_id == branch.id or m.user_id is not None][:8]
    for i, (name, duties) in enumerate(posts):
        post = Post(org_id=branch.id, name=name, duties=duties)
        db.session.add(post)
        db.session.flush()
        for m in mine[i * 2 : i * 2 + 2]:
            db.session.add(PostAssignment(post_id=post.id, member_id=m.id))
            db.session.add(PostRecord(post_id=post.id, member_id=m.id,
                                      occurred_on=date(2026, 11, 3 + i),
                                      summary=f"{name}：本月开展工作一次，情况良好。"))  # fmt: skip
