"""The roster's list and search: filters, the customary orders, per-filter counts, and search by
name, pinyin, ID or phone (full numbers only ever as their keyed hash)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from app import policy
from app.auth.models import RoleGrant, User
from app.common import versions
from app.common.chinese import normalize_digits
from app.common.crypto import decrypt
from app.common.idcard import mask_id, mask_phone
from app.common.pagination import Page, paginate
from app.extensions import db
from app.orgs.models import Org, OrgKind, ServicePoint
from app.orgs.tree import in_subtrees
from app.roster.models import Member, Skill, member_skill
from app.roster.privacy import id_hash, phone_hash

SORTS = ("strokes", "pinyin", "joined", "birth", "org")

# The filter counts and pickers change only when members, skills, the tree or the grants do.
versions.watch("roster", Member, member_skill, Skill, Org, RoleGrant)


@dataclass
class MemberFilters:
    q: str = ""
    org_id: int | None = None
    membership: str = ""
    post_kind: str = ""
    agent_source: str = ""
    skill_id: int | None = None
    party_status: str = ""
    flag: str = ""  # mobile / lost / hardship
    sort: str = "strokes"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One line of the roster list, read as plain columns: the ID number and phone already
    masked, the org labelled with its branch ("泉湖村党支部 · 第一党小组": a group's name alone
    is ambiguous)."""

    id: int
    name: str
    gender: str
    birth_date: date
    masked_id: str
    masked_phone: str
    org_id: int
    org_label: str
    membership: str
    post_kind: str
    service_point_name: str | None
    party_status: str
    is_mobile: bool
    is_lost_contact: bool
    skill_names: tuple[str, ...]


@dataclass
class MemberList:
    page: Page  # of MemberRow
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def _prefix(column, prefix: str):
    """column starts with prefix, as a range both SQLite and PostgreSQL answer from an index
    (LIKE cannot use one under their default collations)."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return (column >= prefix) & (column < upper)


def _search(stmt: Select, q: str) -> Select:
    """Name (also pinyin initials), the last 4 of the ID or phone, a full ID or phone."""
    q = q.strip()
    if not q:
        return stmt
    if q.startswith("#id:"):
        return stmt.where(Member.id_number_hash == q[4:])
    if q.startswith("#phone:"):
        return stmt.where(Member.phone_hash == q[7:])
    digits = normalize_digits(q).upper()
    if len(digits) == 18:
        return stmt.where(Member.id_number_hash == id_hash(digits))
    if len(digits) == 11 and digits.isdigit():
        return stmt.where(Member.phone_hash == phone_hash(digits))
    if len(digits) == 4 and (digits[:3].isdigit()):
        return stmt.where(or_(Member.id_tail == digits, Member.phone_tail == digits))
    if q.isascii() and q.replace(" ", "").isalpha():
        low = q.lower().replace(" ", "")
        return stmt.where(or_(_prefix(Member.name_initials, low), _prefix(Member.name_pinyin, low)))
    return stmt.where(Member.name.contains(q, autoescape=True))


def search_token(q: str) -> tuple[str, str]:
    """(what to keep, what to show) for a search: a full ID or phone is kept only as its keyed
    hash and shown masked, so it never sits in a cookie, a URL or a log."""
    q = " ".join((q or "").split())[:40]
    digits = normalize_digits(q).upper()
    if len(digits) == 18:
        return f"#id:{id_hash(digits)}", mask_id(digits)
    if len(digits) == 11 and digits.isdigit():
        return f"#phone:{phone_hash(digits)}", mask_phone(digits)
    return q, q


def filtered_stmt(user: User | None, f: MemberFilters) -> Select:
    """select(Member) limited to the user's scope and the filters (no ordering).

    ``user`` None is the system (CLI): every member.
    """
    stmt = select(Member) if user is None else policy.scope(select(Member), user, Member)
    if f.org_id:
        org = db.session.get(Org, f.org_id)
        if org is not None:
            stmt = stmt.where(in_subtrees(Member.org_id, [org.path]))
    for name in ("membership", "post_kind", "agent_source", "party_status"):
        value = getattr(f, name)
        if value:
            stmt = stmt.where(getattr(Member, name) == value)
    if f.skill_id:
        stmt = stmt.where(Member.skills.any(Skill.id == f.skill_id))
    if f.flag == "mobile":
        stmt = stmt.where(Member.is_mobile)
    elif f.flag == "lost":
        stmt = stmt.where(Member.is_lost_contact)
    elif f.flag == "hardship":
        stmt = stmt.where(Member.is_hardship)
    return _search(stmt, f.q)


# Up to this many members, a page is cut from the scope's rows sorted in memory; above it, from
# a walk of the sort's index. A branch (a few hundred members) found through the org index
# is sorted in a millisecond, while walking the county-wide index to find its members reads
# a large part of it (PostgreSQL chose that: 60 ms for a secretary's page 1).
SMALL_SCOPE = 5_000


def ordered(stmt: Select, sort: str, *, small: bool = False) -> Select:
    """``stmt`` in the customary order ``sort``. ``small``: the rows are few, so the order is
    given as expressions no index serves, and the database sorts the rows it found."""
    if small and sort in ("pinyin", "strokes"):
        pinyin = Member.name_pinyin.concat("")
        if sort == "pinyin":
            return stmt.order_by(pinyin, Member.id)
        return stmt.order_by(Member.surname_strokes + 0, pinyin, Member.id)
    if sort == "pinyin":
        return stmt.order_by(Member.name_pinyin, Member.id)
    if sort == "joined":
        return stmt.order_by(Member.joined_on.is_(None), Member.joined_on, Member.id)
    if sort == "birth":
        return stmt.order_by(Member.birth_date, Member.id)
    if sort == "org":
        return stmt.join(Org, Org.id == Member.org_id).order_by(
            Org.path, Member.surname_strokes, Member.name_pinyin, Member.id
        )
    # 姓氏笔画: surname stroke count, then pinyin.
    return stmt.order_by(Member.surname_strokes, Member.name_pinyin, Member.id)


FACETS = ("membership", "post_kind", "party_status", "agent_source")


def _filter_key(f: MemberFilters) -> tuple:
    return tuple(sorted((k, v) for k, v in f.as_dict().items() if k != "sort"))


def _facets(base: Select) -> tuple[dict[str, dict[str, int]], int]:
    """Every facet's counts and the total, from one GROUP BY over the filtered members."""
    cols = [getattr(Member, name) for name in FACETS]
    rows = db.session.execute(
        base.with_only_columns(*cols, func.count()).group_by(*cols).order_by(None)
    ).all()
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    total = 0
    for row in rows:
        n = row[-1]
        total += n
        for name, value in zip(FACETS, row[:-1], strict=True):
            key = str(value) if value is not None else ""
            facets[name][key] = facets[name].get(key, 0) + n
    return facets, total


def _rows(ids: list[int]) -> list[MemberRow]:
    """The page's members as list rows, in the order of ``ids``: one query for the columns
    (with the org, its branch for a group and the service point joined), one for the skills."""
    if not ids:
        return []
    parent = aliased(Org)
    stmt = (
        select(
            Member.id,
            Member.name,
            Member.gender,
            Member.birth_date,
            Member.id_number_enc,
            Member.phone_enc,
            Member.org_id,
            Org.name,
            parent.name,
            Member.membership,
            Member.post_kind,
            ServicePoint.name,
            Member.party_status,
            Member.is_mobile,
            Member.is_lost_contact,
        )
        .join(Org, Org.id == Member.org_id)
        .outerjoin(parent, (parent.id == Org.parent_id) & (Org.kind == OrgKind.GROUP))
        .outerjoin(ServicePoint, ServicePoint.id == Member.service_point_id)
        .where(Member.id.in_(ids))
    )
    skills: dict[int, list[str]] = {}
    for member_id, name in db.session.execute(
        select(member_skill.c.member_id, Skill.name)
        .join(Skill, Skill.id == member_skill.c.skill_id)
        .where(member_skill.c.member_id.in_(ids))
        .order_by(Skill.name)
    ):
        skills.setdefault(member_id, []).append(name)
    rows = {}
    for r in db.session.execute(stmt):
        mid, name, gender, born, id_enc, phone_enc, org_id, org_name, branch_name, *rest = r
        rows[mid] = MemberRow(
            mid,
            name,
            gender,
            born,
            mask_id(decrypt(id_enc)),
            mask_phone(decrypt(phone_enc)) if phone_enc else "",
            org_id,
            f"{branch_name} · {org_name}" if branch_name else org_name,
            *rest,
            tuple(skills.get(mid, ())),
        )
    return [rows[i] for i in ids if i in rows]


def member_facets(user: User, f: MemberFilters) -> tuple[dict[str, dict[str, int]], int]:
    """Every facet's counts in the filtered list and its total: one GROUP BY, computed once
    per change of the roster (app/common/versions.py: one primary-key read otherwise)."""
    key = ("roster.facets", user.id, user.is_active, _filter_key(f))
    return versions.cached(("roster",), key, lambda: _facets(filtered_stmt(user, f)))


def member_page(user: User, f: MemberFilters, page: int, per_page: int, total: int) -> Page:
    """One page of members (``MemberRow``) of the ``total`` the filters find: one query for
    the page's ids (walking the sort index), one for their columns, one for their skills."""
    base = filtered_stmt(user, f).with_only_columns(Member.id)
    id_page = paginate(
        ordered(base, f.sort, small=total <= SMALL_SCOPE), page, per_page, total=total
    )
    id_page.items = _rows(id_page.items)
    return id_page


def list_members(user: User, f: MemberFilters, page: int, per_page: int) -> MemberList:
    """One page of members with their org, service point and skills, plus per-filter counts:
    a fixed number of queries whatever the page size or roster size."""
    facets, total = member_facets(user, f)
    return MemberList(page=member_page(user, f, page, per_page, total), facets=facets)
