"""A small hand-made service network for the six rates, the periodic reports and the
comparison, whose right figures are worked out by hand in the tests.

The tree (tests.factories.Tree): committee › general branch (a township, running 测试镇站)
› branch A (甲村室, with an agent account) and committee › branch B (乙村室, no agent).

Catalogue: branch A keeps 甲村事项 (published) and 甲村草稿 (not published); the committee keeps
区级事项 (published). Nothing is kept by the general branch, so 测试镇站 has no catalogue.

Cases (dates local; ``rated`` is the day of the latest rating, its level after the colon):

=====  =====  ==========  ==========  ==========  ==========  ==========  ===============
case   point  status      created     accepted    due         done        ratings
=====  =====  ==========  ==========  ==========  ==========  ==========  ===============
c1     甲     evaluated   2026-07-05  2026-07-05  2026-07-15  2026-07-10  07-12:5
c2     甲     evaluated   2026-07-10  2026-07-11  2026-07-20  2026-07-25  07-26:3
c3     甲     handling    2026-08-01  2026-08-02  2026-08-20  —           —
c4     甲     refused     2026-08-05  —           —           —           —
c5     甲     withdrawn   2026-08-06  —           —           —           —
c6     甲     new         2026-08-07  —           —           —           —
c7     甲     evaluated   2026-09-29  2026-10-02  2026-10-10  2026-10-05  10-06:4
c8     甲     evaluated   2026-06-28  2026-07-01  —           2026-07-03  07-03:2, 07-20:5
c9     乙     evaluated   2026-07-15  2026-07-15  2026-07-20  2026-07-16  07-17:1
=====  =====  ==========  ==========  ==========  ==========  ==========  ===============
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from app.appraisal.models import Appraisal, AppraisalPeriod
from app.auth.models import Role
from app.cases.models import Applicant, Evaluation, ServiceCase
from app.extensions import db
from app.network.models import Complaint
from app.orgs.models import ServiceLevel, ServicePoint
from app.volunteers.models import ServiceItem
from tests.factories import Tree, make_member, make_service_point, make_tree, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
_seq = itertools.count(1)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """``day`` at ``hour``:``minute`` Beijing time, as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(UTC)


def item(org, name: str, published: bool = True) -> ServiceItem:
    i = ServiceItem(
        org_id=org.id, name=name, category="civil_affairs", level="village", is_published=published
    )
    db.session.add(i)
    db.session.flush()
    return i


def add_case(
    point: ServicePoint,
    what: ServiceItem,
    status: str,
    created: date,
    accepted: date | None = None,
    due: date | None = None,
    done: date | None = None,
    ratings: tuple[tuple[date, int], ...] = (),
    created_at: datetime | None = None,
) -> ServiceCase:
    """A case written straight into the table, with its ratings (oldest first)."""
    n = next(_seq)
    applicant = Applicant(name=f"申办人{n}")
    db.session.add(applicant)
    db.session.flush()
    c = ServiceCase(
        number=f"测试〔2026〕{n:05d}",
        year=created.year,
        seq=n,
        item_id=what.id,
        service_point_id=point.id,
        origin_point_id=point.id,
        applicant_id=applicant.id,
        status=status,
        tracking_hash=f"hash-{n}",
        created_at=created_at or at(created),
        accepted_at=at(accepted) if accepted else None,
        due_on=due,
        done_on=done,
    )
    db.session.add(c)
    db.session.flush()
    for i, (day, level) in enumerate(ratings, start=1):
        db.session.add(
            Evaluation(case_id=c.id, level=level, source="online", round=i, created_at=at(day))
        )
    db.session.flush()
    return c


@dataclass
class Network:
    tree: Tree
    township: ServicePoint
    room_b: ServicePoint
    item_a: ServiceItem
    cases: dict[str, ServiceCase]


def build_network() -> Network:
    """The network of the module docstring, committed."""
    t = make_tree()
    township = make_service_point(t.general, "测试镇站", ServiceLevel.TOWNSHIP)
    room_b = make_service_point(t.branch_b, "乙村室", ServiceLevel.VILLAGE)
    make_user("agent_a", (Role.AGENT, t.branch_a, t.room_a))
    make_user("agent_town", (Role.AGENT, t.general, township))
    item_a = item(t.branch_a, "甲村事项")
    item(t.branch_a, "甲村草稿", published=False)
    item(t.committee, "区级事项")
    d = date
    a, b = t.room_a, room_b
    cases = {
        "c1": add_case(a, item_a, "evaluated", d(2026, 7, 5), d(2026, 7, 5), d(2026, 7, 15),
                       d(2026, 7, 10), ((d(2026, 7, 12), 5),)),
        "c2": add_case(a, item_a, "evaluated", d(2026, 7, 10), d(2026, 7, 11), d(2026, 7, 20),
                       d(2026, 7, 25), ((d(2026, 7, 26), 3),)),
        "c3": add_case(a, item_a, "handling", d(2026, 8, 1), d(2026, 8, 2), d(2026, 8, 20)),
        "c4": add_case(a, item_a, "refused", d(2026, 8, 5)),
        "c5": add_case(a, item_a, "withdrawn", d(2026, 8, 6)),
        "c6": add_case(a, item_a, "new", d(2026, 8, 7)),
        "c7": add_case(a, item_a, "evaluated", d(2026, 9, 29), d(2026, 10, 2), d(2026, 10, 10),
                       d(2026, 10, 5), ((d(2026, 10, 6), 4),)),
        "c8": add_case(a, item_a, "evaluated", d(2026, 6, 28), d(2026, 7, 1), None,
                       d(2026, 7, 3), ((d(2026, 7, 3), 2), (d(2026, 7, 20), 5))),
        "c9": add_case(b, item_a, "evaluated", d(2026, 7, 15), d(2026, 7, 15), d(2026, 7, 20),
                       d(2026, 7, 16), ((d(2026, 7, 17), 1),)),
    }  # fmt: skip
    db.session.commit()
    return Network(t, township, room_b, item_a, cases)


# --- appraisal records and complaints -----------------------------------------------------------


def add_appraisals(t: Tree) -> None:
    """Appraisal records (``grade``/veto/sample/spot result), members m1-m4 in group A and m5
    in branch B:

    - 2026 Q2: m1 qualified;
    - 2026 Q3: m1 excellent (sampled, confirmed), m2 qualified, m3 unqualified with a veto,
      m4 not graded yet, m5 basically qualified (sampled, grade adjusted);
    - 2026 Q4: m1 excellent, m2 excellent.
    """
    members = [make_member(t.group_a, name=f"甲组{i}") for i in range(1, 5)]
    members.append(make_member(t.branch_b, name="乙支部5"))
    periods = {}
    for q in (2, 3, 4):
        d = date(2026, 3 * q, 28)
        dues = {"self_due": d, "sign_due": d, "opinion_due": d, "spot_due": d}
        periods[q] = AppraisalPeriod(
            org_id=t.committee.id, year=2026, quarter=q, templates={}, **dues
        )
        db.session.add(periods[q])
    db.session.flush()
    rows = [
        (2, 0, "qualified", False, False, None),
        (3, 0, "excellent", False, True, "confirmed"),
        (3, 1, "qualified", False, False, None),
        (3, 2, "unqualified", True, False, None),
        (3, 3, None, False, False, None),
        (3, 4, "basically_qualified", False, True, "adjusted"),
        (4, 0, "excellent", False, False, None),
        (4, 1, "excellent", False, False, None),
    ]
    for q, i, grade, vetoed, sampled, spot in rows:
        m = members[i]
        db.session.add(
            Appraisal(
                period_id=periods[q].id,
                member_id=m.id,
                org_id=m.org_id,
                year=2026,
                quarter=q,
                status="assessed" if grade else "draft",
                grade=grade,
                is_vetoed=vetoed,
                veto_category="discipline" if vetoed else None,
                is_sampled=sampled,
                spot_result=spot,
            )  # fmt: skip
        )
    db.session.commit()


def add_complaint(point: ServicePoint, received: date, finding: str | None) -> Complaint:
    n = next(_seq)
    c = Complaint(number=f"投诉{n:05d}", service_point_id=point.id, content="态度不好",
                  received_on=received, status="closed" if finding else "received",
                  finding=finding)  # fmt: skip
    db.session.add(c)
    db.session.flush()
    return c
