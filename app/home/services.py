"""What the home page shows: the user's to-dos with their deadlines (nearest first, each naming
whom it is about), their own open cases for an agent, the links their roles use most, and their
grants in words. A fixed number of queries for every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from app import policy
from app.appraisal.inbox import Inbox, InboxItem, inbox
from app.appraisal.labels import TASK_LABELS
from app.auth.models import ROLE_LABELS, User
from app.cases.models import OPEN_STATUSES, ServiceCase, Status
from app.cases.pages import can_intake, late_clause
from app.common import versions
from app.extensions import db
from app.orgs.models import Org
from app.policy import grant_reach
from app.policy.reports import dashboard_paths
from app.reports import figures
from app.reports.dashboard_appraisal import STEPS, StepCounts
from app.reports.dashboard_home import quarter_steps
from app.reports.periods import QUARTER, Period
from app.roster.models import Member
from app.volunteers.models import ServiceItem

REACH_TEXTS = {
    "own": _l("You see your own records only."),
    "mentees": _l("You read the probation records of the members you mentor."),
    "service_point": _l("You handle cases at your service point."),
    "subtree": _l("Covers this organisation and everything under it."),
}


# The reaches whose steps bring appraisal to-dos (beside one's own record).
ACTING = ("appraisal.sign", "appraisal.assess", "appraisal.spot", "appraisal.talk")

HOME_SHOWN = 5  # of each kind of to-do
TODOS_SHOWN = 8  # of all kinds together
LINKS_SHOWN = 6


@dataclass
class GrantLine:
    role: str
    trail: list[str]  # 党工委 › 泉湖镇党总支 › 泉湖村党支部
    service_point: str
    reach: str


@dataclass(frozen=True)
class CaseTodo:
    """One of an agent's open cases: what it is and the deadline it works to now."""

    case_id: int
    number: str
    item: str
    due: date | None
    overdue: bool


@dataclass
class MyCases:
    """The open cases a member holds as an agent: the true counts and the nearest due."""

    open: int = 0
    overdue: int = 0
    items: list[CaseTodo] = field(default_factory=list)


@dataclass(frozen=True)
class Todo:
    """One thing waiting for the user, as the home page lists it: what to do, whom or which
    branch it is about, the record or case it is in, and by when."""

    what: str
    who: str
    detail: str
    url: str
    due: date | None
    overdue: bool


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    icon: str
    hint: str


@dataclass
class Progress:
    """The current appraisal quarter in the user's scope: its records per state."""

    quarter: str
    steps: StepCounts

    @property
    def states(self) -> list[tuple[str, int]]:
        """(state, count) in the workflow's order, the states with records only."""
        return [(s, self.steps.counts[s]) for s in STEPS if self.steps.counts.get(s)]


@dataclass
class HomePage:
    grants: list[GrantLine]
    own_member: Member | None
    box: Inbox
    cases: MyCases | None = None  # None: the user holds no cases (not an agent)
    links: list[Link] = field(default_factory=list)
    progress: Progress | None = None  # None: no appraisal quarter in the user's scope
    # Whether appraisal to-dos can come to the user (an own record, or a step they take).
    acts: bool = False

    @property
    def total(self) -> int:
        return self.box.total + (self.cases.open if self.cases else 0)

    @property
    def overdue(self) -> int:
        return self.box.overdue + (self.cases.overdue if self.cases else 0)

    @property
    def todos(self) -> list[Todo]:
        """The appraisal's to-dos and the agent's cases together, the nearest deadline first."""
        out = [_appraisal_todo(i) for i in self.box.items]
        if self.cases:
            out += [_case_todo(c) for c in self.cases.items]
        out.sort(key=lambda t: (t.due is None, t.due or date.max))
        return out[:TODOS_SHOWN]


def _appraisal_todo(i: InboxItem) -> Todo:
    where = i.branch if i.org_name == i.branch else f"{i.branch} › {i.org_name}"
    if i.task == "spot":  # a spot check is about a branch's opinion
        who, detail = i.branch, f"{i.member_name} · {i.period_label}"
    elif i.task == "talk":  # a talk is about the key persons still to talk to
        who = "、".join(i.key_persons) or i.member_name
        detail = str(_l("%(name)s's responsibility area", name=i.member_name))
    else:
        who, detail = i.member_name, f"{i.period_label} · {where}"
    url = url_for("appraisal.record", appraisal_id=i.appraisal_id)
    return Todo(str(TASK_LABELS[i.task]), who, detail, url, i.due, i.overdue)


def _case_todo(c: CaseTodo) -> Todo:
    url = url_for("cases.case_detail", case_id=c.case_id)
    return Todo(str(_l("Handle the case")), c.item, c.number, url, c.due, c.overdue)


def home_page(user: User, today: date) -> HomePage:
    """Everything the home page shows ``user``: a query for the roster entry, the inbox's,
    two (cached) for an agent's own cases, one for the org names and one for the intake."""
    own = db.session.scalar(
        select(Member).where(Member.user_id == user.id).options(joinedload(Member.org))
    )
    # The card shows the nearest due of every kind together, and the true total.
    box = inbox(user, limit=HOME_SHOWN, today=today)
    mine = my_cases(user, own.id, today) if own and policy.can(user, "case.list") else None
    acts = own is not None or any(policy.subtrees(user, r) for r in ACTING)
    return HomePage(
        grants=grant_lines(user),
        own_member=own,
        box=box,
        cases=mine,
        links=quick_links(user, own, acts),
        progress=quarter_progress(user, today),
        acts=acts,
    )


def quarter_progress(user: User, today: date) -> Progress | None:
    """The latest appraisal quarter's records per state over the subtrees whose dashboard
    the user opens, else those whose records they sign (a group leader, a mentor): the
    figures the home page's "at a glance" shows too, computed once for both."""
    paths = dashboard_paths(user) or policy.subtrees(user, "appraisal.sign")
    quarter, steps = quarter_steps(user, paths)
    if quarter is None or not steps.total:
        return None
    return Progress(Period(QUARTER, *quarter).label, steps)


def _running_due():
    """``ServiceCase.running_due`` in SQL (the promised date in hand, the visit's or the
    fix's in a follow-up)."""
    return case(
        (
            ServiceCase.status == Status.FOLLOW_UP,
            func.coalesce(ServiceCase.visit_due_on, ServiceCase.fix_due_on),
        ),
        else_=ServiceCase.due_on,
    )


def my_cases(user: User, member_id: int, today: date) -> MyCases:
    """The open cases ``member_id`` holds (through the user's case scope): how many, how many
    overdue, and the nearest due first. Two queries, computed once per change of the cases
    for the member and the day."""

    def compute() -> MyCases:
        mine = (ServiceCase.agent_member_id == member_id, ServiceCase.status.in_(OPEN_STATUSES))
        late = func.sum(case((late_clause(today), 1), else_=0))
        counts = policy.scope(select(func.count(), late), user, ServiceCase).where(*mine)
        total, overdue = db.session.execute(counts).one()
        due = _running_due()
        rows = db.session.execute(
            policy.scope(
                select(ServiceCase.id, ServiceCase.number, ServiceItem.name, due),
                user,
                ServiceCase,
            )
            .join(ServiceItem, ServiceItem.id == ServiceCase.item_id)
            .where(*mine)
            .order_by(due.is_(None), due, ServiceCase.id)
            .limit(HOME_SHOWN)
        )
        items = [CaseTodo(i, n, item, d, d is not None and d < today) for i, n, item, d in rows]
        return MyCases(total or 0, overdue or 0, items)

    return versions.cached(
        figures.CASE_ITEMS, ("home.my_cases", user.id, member_id, today), compute
    )


def icon(name: str) -> str:
    """An icon's name, written as a call so that the icon sprite (app/common/assets.py) holds it."""
    return name


def quick_links(user: User, own: Member | None, acts: bool = True) -> list[Link]:
    """The few pages the user's roles use most, the most used first (at most LINKS_SHOWN)."""
    out: list[Link] = []

    def add(label, endpoint: str, name: str, hint, **values) -> None:
        out.append(Link(str(label), url_for(endpoint, **values), name, str(hint)))

    if acts:
        add(
            _l("Appraisal to-dos"),
            "appraisal.inbox",
            icon("clipboard-check"),
            _l("Records waiting at your step"),
        )
    if policy.can(user, "case.list"):
        if can_intake(user):
            add(
                _l("Register a case"),
                "cases.case_new",
                icon("plus-circle"),
                _l("At the counter, by phone or online"),
            )
        add(
            _l("My cases"),
            "cases.case_list",
            icon("inboxes"),
            _l("Register, accept and follow citizens' cases"),
        )
    if policy.can(user, "roster.list"):
        add(
            _l("Roster"),
            "roster.member_list",
            icon("person-vcard"),
            _l("Party members, cadres and service agents"),
        )
    if policy.can(user, "user.manage"):
        add(_l("Accounts"), "auth.user_list", icon("people"), _l("Logins and their roles"))
    if policy.can(user, "selection.list"):
        add(
            _l("七一 selection"),
            "selection.rounds",
            icon("award"),
            _l("Nominations, public notice and the final list"),
        )
    if policy.can(user, "report.view"):
        add(
            _l("Reports"),
            "reports.index",
            icon("bar-chart"),
            _l("The six rates and the quarter's progress"),
        )
    if policy.can(user, "org.list"):
        add(
            _l("Organisations"),
            "orgs.org_list",
            icon("diagram-3"),
            _l("The committee, branches and party groups"),
        )
        add(
            _l("Service points"),
            "orgs.service_point_list",
            icon("house-heart"),
            _l("Service centre, stations and village rooms"),
        )
    if policy.can(user, "audit.view"):
        add(_l("Audit log"), "audit.event_list", icon("journal-text"), _l("Who did what, and when"))
    if policy.can(user, "network.view"):
        add(
            _l("Duty rota"),
            "network.index",
            icon("calendar-week"),
            _l("Who is on duty, reception days, supervision"),
        )
    if own is not None:
        add(
            _l("My appraisal book"),
            "appraisal.book",
            icon("journal-bookmark"),
            _l("Every quarter's record of yours"),
            member_id=own.id,
        )
        add(
            _l("My record"),
            "roster.member_detail",
            icon("person-badge"),
            own.org.name,
            member_id=own.id,
        )
    return out[:LINKS_SHOWN]


def grant_lines(user: User) -> list[GrantLine]:
    """Each grant as the role, the full path of its org, its service point and how far it
    reaches (asked of policy)."""
    ids = {i for g in user.grants for i in g.org.ancestor_ids}
    names = (
        dict(db.session.execute(select(Org.id, Org.name).where(Org.id.in_(ids))).all())
        if ids
        else {}
    )
    return [
        GrantLine(
            role=str(ROLE_LABELS.get(g.role, g.role)),
            trail=[names.get(i, "") for i in g.org.ancestor_ids],
            service_point=g.service_point.name if g.service_point else "",
            reach=str(REACH_TEXTS[grant_reach(g.role)]),
        )
        for g in user.grants
    ]
