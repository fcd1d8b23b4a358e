"""The demo service cases: 300 matters across the six service points in every state and type
(on time and overdue, escalated village → township, joint with departments' parts, waiting for
papers, refused, withdrawn, delivered, rated well and badly, followed up and re-rated). Every
step goes through ``services.register_case`` and ``workflow.apply`` as users would take it.
This module plans the cases, registers them and walks them; the script each scenario follows
is in app/demo/case_scripts.py.

The workflow dates each step today. So that the year's ledger, the due dates and the overdue
marks have something to show, each case is walked on paper over past working days and, once
its steps are taken, its dates are moved back to those days (``_backdate``). Only the demo does
this; the audit log keeps the real moment the seed ran.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from app.auth.models import User
from app.cases import services, workflow
from app.cases.models import CaseStep, ServiceCase
from app.common import timeutil
from app.common.workdays import add_workdays, is_workday
from app.demo.case_scripts import SCRIPTS
from app.demo.common import DEMO_ROOM, user_named
from app.demo.roster import GIVEN, SURNAMES
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.roster.models import Member
from app.volunteers.models import ServiceItem, VolunteerProfile

# How many cases end in each scenario (300 in all).
SCENARIOS = {
    "applied": 14, "refused": 10, "withdrawn": 10, "supplement": 14, "handling": 30,
    "overdue": 16, "joint": 10, "escalated": 16, "done": 14, "late_done": 6, "delivered": 20,
    "immediate": 40, "rated": 60, "rated_papers": 10, "rated_escalated": 8, "rated_joint": 4,
    "follow_up": 10, "fixed": 8,
}  # fmt: skip
# Where each scenario happens: a village room, the township station or the district centre.
_AT_TOWNSHIP = {"joint", "rated_joint"}
# The steps that tick off the materials (and so set ``accepted_at``).
_TICKS_MATERIALS = {"accept", "accept_immediate", "accept_supplement", "papers_arrived", "escalate"}
_ESCALATING = {"escalated", "rated_escalated"}


@dataclass
class _Cast:
    """Who acts at each point, and the agents each point hands cases to."""

    actors: dict[int, User]
    agents: dict[int, list[Member]]


@dataclass
class _Walk:
    """One case's steps, each dated on a past working day (moved back by ``_backdate``)."""

    case: ServiceCase
    actor: User
    day: date
    rng: random.Random
    today: date
    marks: dict[str, date] = field(default_factory=dict)
    last: datetime | None = None  # the moment of the latest step, so steps stay in order
    accepted: datetime | None = None  # when the materials were last ticked off
    clock: date | None = None
    steps: list[tuple[CaseStep, date]] = field(default_factory=list)
    parts: dict[int, date] = field(default_factory=dict)

    def go(self, action: str, after: int = 0, *, actor: Any = "staff", comment: str = "", **data):
        if after:
            self.day = min(add_workdays(self.day, after), self.today)
        who = self.actor if actor == "staff" else actor
        step = workflow.apply(
            self.case, action, who, expected_version=self.case.version, comment=comment, data=data
        )
        moment = self.when(self.day)
        self.steps.append((step, moment))
        self.marks[action] = self.day
        if action in _TICKS_MATERIALS and not (action == "escalate" and self.accepted):
            self.accepted = moment
        if action in ("accept", "accept_immediate", "papers_arrived", "escalate"):
            self.clock = self.day
        if action == "part_done":
            self.parts[data["part_id"]] = self.day
        if action == "evaluate":
            workflow.latest_evaluation(self.case).created_at = self.last

    def when(self, day: date) -> datetime:
        """A moment on ``day`` after the previous step's (steps are taken in the afternoon)."""
        moment = _moment(day, 13 * 60 + self.rng.randint(0, 120))
        if self.last is not None and moment <= self.last:
            moment = self.last + timedelta(minutes=self.rng.randint(3, 20))
        self.last = moment
        return moment


def seed_cases(rng_seed: int = 909) -> int:
    """The demo's cases (skipped when any case exists). Returns how many were made."""
    if db.session.scalar(select(ServiceCase.id).limit(1)) is not None:
        return 0
    rng = random.Random(rng_seed)  # noqa: S311 - demo data
    today = timeutil.today()
    points = list(db.session.scalars(select(ServicePoint).order_by(ServicePoint.id)))
    rooms = [sp for sp in points if sp.level == "village"]
    township = next(sp for sp in points if sp.level == "township")
    items = list(db.session.scalars(select(ServiceItem).order_by(ServiceItem.id)))
    cast = _cast(points)
    plan = []
    for scenario, n in SCENARIOS.items():
        for _ in range(n):
            sp = township if scenario in _AT_TOWNSHIP else _room(rooms, rng)
            plan.append((_start(scenario, rng, today), scenario, sp))
    plan.sort(key=lambda p: (p[0], p[1]))  # numbers follow the registration dates
    per_day: dict[date, int] = {}
    for start, scenario, sp in plan:
        n = per_day[start] = per_day.get(start, -1) + 1
        item = _item(scenario, sp, items, rng)
        case = _register(sp, item, cast.actors[sp.id], rng, start)
        w = _Walk(case, cast.actors[sp.id], start, rng, today, {"register": start})
        # Registered in the morning, in the plan's order (the numbers follow it).
        w.last = case.created_at = _moment(start, 8 * 60 + 30 + n * 7)
        SCRIPTS[scenario](w, cast)
        _backdate(w)
    db.session.flush()
    return sum(SCENARIOS.values())


def _cast(points: list[ServicePoint]) -> _Cast:
    """The demo agent works the demo room; a branch secretary each other room; the committee
    the station and the centre. Agents: members with a volunteer profile at the point, and
    for the upper levels members with a profile and no point (township's or elsewhere)."""
    committee = user_named("committee")
    actors = {}
    for sp in points:
        user = user_named("agent") if sp.name == DEMO_ROOM else None
        if sp.level == "village" and user is None:
            user = user_named(f"sj{sp.org_id}")
        actors[sp.id] = user or committee
    rows = db.session.execute(
        select(Member, VolunteerProfile.service_point_id, Org.path)
        .join(VolunteerProfile, VolunteerProfile.member_id == Member.id)
        .join(Org, Org.id == Member.org_id)
        .order_by(Member.id)
    ).all()
    agents: dict[int, list[Member]] = {sp.id: [] for sp in points}
    township = next(sp for sp in points if sp.level == "township")
    for member, sp_id, path in rows:
        if sp_id in agents:
            agents[sp_id].append(member)
        elif path.startswith(township.org.path):
            agents[township.id].append(member)
        else:
            agents[next(sp.id for sp in points if sp.level == "district")].append(member)
    return _Cast(actors, agents)


def _room(rooms: list[ServicePoint], rng: random.Random) -> ServicePoint:
    # The demo room (the agent's login) has the most to show.
    return rooms[0] if rng.random() < 0.4 else rng.choice(rooms)


def _start(scenario: str, rng: random.Random, today: date) -> date:
    """The working day a case of ``scenario`` was registered: open ones recently, overdue
    ones long enough ago, closed ones across the year."""
    back = {
        "applied": (0, 2),
        "supplement": (1, 12),
        "handling": (0, 2),
        "joint": (2, 12),
        "escalated": (0, 3),
        "overdue": (25, 45),
        "done": (1, 3),
        "delivered": (2, 6),
        "follow_up": (8, 20),
    }.get(scenario, (10, 200))
    day = today - timedelta(days=rng.randint(*back) * 7 // 5)
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


def _item(scenario: str, sp: ServicePoint, items: list[ServiceItem], rng) -> ServiceItem:
    if scenario in _AT_TOWNSHIP:
        pool = [i for i in items if i.handling == "joint" and i.level == "township"]
    elif scenario in _ESCALATING:
        pool = [i for i in items if i.level == "township" and i.handling != "joint"]
    elif scenario == "immediate":
        pool = [i for i in items if i.level == sp.level and i.handling == "direct"]
    else:
        pool = [i for i in items if i.level == sp.level and i.handling == "promised"]
    return rng.choice(pool)


def _register(sp, item, actor, rng, day: date) -> ServiceCase:
    online = rng.random() < 0.15
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
    village = sp.name.removesuffix("为民服务室") if sp.level == "village" else "泉湖镇"
    case, _code = services.register_case(
        None if online else actor,
        sp,
        item,
        services.ApplicantData(name=name, phone=_phone(rng), village=village),
        f"{name}申请办理{item.name}，请代理员协助。",
        "online" if online else rng.choice(["counter", "counter", "phone"]),
    )
    return case


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 10**9 - 1):09d}"


def _moment(day: date, minutes: int) -> datetime:
    """``minutes`` after midnight on ``day``, local time, as a stored UTC moment."""
    local = datetime.combine(day, time.min) + timedelta(minutes=minutes)
    return local.replace(tzinfo=timeutil.local_zone()).astimezone(UTC)


def _backdate(w: _Walk) -> None:
    """Move the case's dates to the days it was walked on (see the module docstring)."""
    c, m = w.case, w.marks
    for step, moment in w.steps:
        step.created_at = moment
    register_step = db.session.scalar(
        select(CaseStep).where(CaseStep.case_id == c.id, CaseStep.action == "register")
    )
    register_step.created_at = c.created_at
    if c.accepted_at is not None:
        c.accepted_at = w.accepted
    if c.receipt_issued_at is not None:
        c.receipt_issued_at = w.accepted
    if w.clock is not None and c.due_on is not None:
        c.clock_started_on = w.clock
        days = 0 if c.kind == "immediate" else c.item.promised_days
        c.due_on = add_workdays(w.clock, days)
    if c.done_on is not None:
        c.done_on = m.get("complete") or m.get("accept_immediate")
    if c.delivered_on is not None:
        c.delivered_on = m.get("fix") or m.get("deliver") or m.get("accept_immediate")
    if c.fix_due_on is not None:
        if "return_visit" not in m:  # a visit already made has no due date any more
            c.visit_due_on = add_workdays(m["open_follow_up"], workflow.VISIT_DAYS)
        c.fix_due_on = add_workdays(m["open_follow_up"], workflow.FIX_DAYS)
    for part in c.parts:
        part.done_on = w.parts.get(part.id, part.done_on)
