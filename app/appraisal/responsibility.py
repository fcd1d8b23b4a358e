"""Responsibility areas (责任区, rule 4.3.2): the co-workers a member looks after, the key
persons among them, the talks and visits logged through the quarter, each tagged with the
三必清 / 三必访 / 四必谈 item it fulfils, and the quarter's coverage of those lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit, policy
from app.appraisal import checklists
from app.appraisal.models import Appraisal, ChecklistItem, ContactLog, ResponsibilityPerson
from app.appraisal.periods import quarter_bounds
from app.auth.models import User
from app.common import timeutil
from app.errors import FieldErrors, PermissionDenied
from app.extensions import db
from app.orgs.models import Org

KINDS = {"talk": _l("Talk"), "visit": _l("Home visit"), "help": _l("Help given")}
# The self-record's counts that come from this log, not typed a second time:
# (dimension key, fact) -> the kind of contact counted.
LOGGED_FACTS: dict[tuple[str, str], str] = {
    ("ideological_work", "talks"): "talk",
    ("ideological_work", "home_visits"): "visit",
}


@dataclass
class PersonRow:
    person: ResponsibilityPerson
    logs: list[ContactLog] = field(default_factory=list)
    # Calendar months of the quarter (so far) with no talk: a key person needs one a month.
    months_without_talk: list[int] = field(default_factory=list)


def _require(actor: User, appraisal: Appraisal) -> None:
    if not policy.can(actor, "appraisal.responsibility", appraisal):
        raise PermissionDenied(_l("Only the member or their branch keeps this area."))


def area(appraisal: Appraisal, *, today: date | None = None) -> list[PersonRow]:
    """The member's people with this quarter's logs and the flags (two queries)."""
    today = today or timeutil.today()
    start, end = quarter_bounds(appraisal.year, appraisal.quarter)
    people = list(
        db.session.scalars(
            select(ResponsibilityPerson)
            .where(
                ResponsibilityPerson.member_id == appraisal.member_id,
                ResponsibilityPerson.is_active,
            )
            .order_by(ResponsibilityPerson.is_key.desc(), ResponsibilityPerson.id)
        )
    )
    rows = {p.id: PersonRow(p) for p in people}
    if rows:
        for log in db.session.scalars(
            select(ContactLog)
            .where(
                ContactLog.person_id.in_(rows),
                ContactLog.occurred_on >= start,
                ContactLog.occurred_on < end,
            )
            .order_by(ContactLog.occurred_on)
        ):
            rows[log.person_id].logs.append(log)
    # Only months that have fully passed (or the current one, once it has) can be missed.
    months = [m for m in range(start.month, start.month + 3) if date(appraisal.year, m, 1) <= today]
    for row in rows.values():
        if row.person.is_key:
            talked = {log.occurred_on.month for log in row.logs if log.kind == "talk"}
            row.months_without_talk = [m for m in months if m not in talked]
    return list(rows.values())


def logged_facts(appraisal: Appraisal) -> dict[tuple[str, str], int]:
    """The self-record's counts from the log: talks and home visits with the member's people
    (those since removed too) in the record's quarter, keyed as ``LOGGED_FACTS``. One query."""
    start, end = quarter_bounds(appraisal.year, appraisal.quarter)
    counted = dict(
        db.session.execute(
            select(ContactLog.kind, func.count())
            .join(ResponsibilityPerson, ResponsibilityPerson.id == ContactLog.person_id)
            .where(
                ResponsibilityPerson.member_id == appraisal.member_id,
                ContactLog.kind.in_(set(LOGGED_FACTS.values())),
                ContactLog.occurred_on >= start,
                ContactLog.occurred_on < end,
            )
            .group_by(ContactLog.kind)
        ).all()
    )
    return {key: int(counted.get(kind, 0)) for key, kind in LOGGED_FACTS.items()}


def add_person(actor: User, appraisal: Appraisal, name: str, note: str, is_key: bool):
    _require(actor, appraisal)
    name = " ".join((name or "").split())[:50]
    if not name:
        raise FieldErrors({"name": str(_l("This field is required."))})
    person = ResponsibilityPerson(
        member_id=appraisal.member_id,
        name=name,
        note=" ".join((note or "").split())[:200],
        is_key=bool(is_key),
    )
    db.session.add(person)
    db.session.flush()
    audit.record(
        actor,
        "appraisal.area_person",
        person,
        org_path=appraisal.org.path,
        member_id=appraisal.member_id,
        is_key=person.is_key,
    )
    return person


def log_contact(
    actor: User,
    appraisal: Appraisal,
    person_id: int,
    kind: str,
    occurred_on: date | None,
    summary: str,
    checklist_item_id: int | None = None,
) -> ContactLog:
    """Log a talk, visit or help with a person of the member's area, tagged with the checklist
    item it fulfils, if any (checked against the record's lists and the contact's kind).
    Raises PermissionDenied, FieldErrors naming each field at fault."""
    _require(actor, appraisal)
    person = db.session.get(ResponsibilityPerson, person_id)
    errors = {}
    if person is None or person.member_id != appraisal.member_id:
        errors["person_id"] = str(_l("Choose a person from the list."))
    if kind not in KINDS:
        errors["kind"] = str(_l("Choose talk, home visit or help."))
    if occurred_on is None:
        errors["occurred_on"] = str(_l("Give the date."))
    elif occurred_on > timeutil.today():
        errors["occurred_on"] = str(_l("This date is in the future."))
    if not errors:
        try:
            checklists.check_tag(appraisal, checklist_item_id, kind)
        except FieldErrors as e:
            errors.update(e.errors)
    if errors:
        raise FieldErrors(errors)
    log = ContactLog(
        person_id=person.id,
        kind=kind,
        occurred_on=occurred_on,
        summary=(summary or "").strip()[:1000],
        checklist_item_id=checklist_item_id or None,
        logged_by_id=actor.id,
    )
    db.session.add(log)
    db.session.flush()
    return log


# --- checklist coverage (三必清 / 三必访 / 四必谈) ------------------------------------------------


@dataclass
class CoveredItem:
    item: ChecklistItem
    times: int  # tagged talks or visits this quarter

    @property
    def met(self) -> bool:
        return self.times > 0


@dataclass
class Coverage:
    """One member's quarter against the checklists, list by list."""

    lists: dict[str, list[CoveredItem]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.lists.values())

    @property
    def met(self) -> int:
        return sum(1 for v in self.lists.values() for c in v if c.met)

    def missing(self) -> list[ChecklistItem]:
        return [c.item for v in self.lists.values() for c in v if not c.met]


def _tag_counts(member_ids: list[int], start, end) -> dict[tuple[int, int], int]:
    """(member id, item id) -> tagged contacts in [start, end). One query."""
    if not member_ids:
        return {}
    rows = db.session.execute(
        select(ResponsibilityPerson.member_id, ContactLog.checklist_item_id, func.count())
        .join(ResponsibilityPerson, ResponsibilityPerson.id == ContactLog.person_id)
        .where(
            ResponsibilityPerson.member_id.in_(member_ids),
            ContactLog.checklist_item_id.is_not(None),
            ContactLog.occurred_on >= start,
            ContactLog.occurred_on < end,
        )
        .group_by(ResponsibilityPerson.member_id, ContactLog.checklist_item_id)
    ).all()
    return {(m, i): n for m, i, n in rows}


def _coverage(items: list[ChecklistItem], counts: dict[int, int]) -> Coverage:
    cov = Coverage()
    for item in items:
        cov.lists.setdefault(item.kind, []).append(CoveredItem(item, counts.get(item.id, 0)))
    return cov


def coverage(appraisal: Appraisal) -> Coverage:
    """Which items of the record's lists the member's talks and visits of the quarter met.
    Two queries."""
    start, end = quarter_bounds(appraisal.year, appraisal.quarter)
    counts = _tag_counts([appraisal.member_id], start, end)
    by_item = {i: n for (_m, i), n in counts.items()}
    return _coverage(checklists.items_for(appraisal.org), by_item)


def coverage_of(records: list[Appraisal]) -> dict[int, Coverage]:
    """Coverage per record id for a page of one quarter's records (the branch overview): two
    queries whatever the number of records. Each record's org must be loaded."""
    if not records:
        return {}
    rows = [(a.id, a.member_id, a.org) for a in records]
    return coverage_for_rows(records[0].year, records[0].quarter, rows)


def coverage_for_rows(
    year: int, quarter: int, rows: list[tuple[int, int, Org]]
) -> dict[int, Coverage]:
    """Coverage per record id of one quarter's (record id, member id, org) rows: two queries
    whatever the number of rows."""
    if not rows:
        return {}
    start, end = quarter_bounds(year, quarter)
    ancestors = {i for _a, _m, org in rows for i in org.ancestor_ids}
    items = list(
        db.session.scalars(select(ChecklistItem).where(ChecklistItem.org_id.in_(ancestors)))
    )
    by_member: dict[int, dict[int, int]] = {}
    for (member_id, item_id), n in _tag_counts(
        sorted({m for _a, m, _o in rows}), start, end
    ).items():
        by_member.setdefault(member_id, {})[item_id] = n
    lists: dict[int, list[ChecklistItem]] = {}
    out: dict[int, Coverage] = {}
    for record_id, member_id, org in rows:
        if org.id not in lists:
            lists[org.id] = [i for i in checklists.nearest(items, org) if i.is_active]
        out[record_id] = _coverage(lists[org.id], by_member.get(member_id, {}))
    return out
