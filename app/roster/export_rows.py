"""One member's row of the roster export: the columns read (Core rows, never ORM objects:
a county exports 100,000), the cells in the order of ``app.roster.columns.COLUMNS`` with
labels, organisation and point names looked up once per export, and how each cell is
written. ``app.roster.excel`` lays the rows out in sheets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Row, select

from app.common.crypto import field_decrypter
from app.common.excel import DANGEROUS_START
from app.common.idcard import mask_id, mask_phone
from app.common.idlists import among
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.roster.columns import BOOL_KEYS, COLUMNS, DATE_KEYS, zh_labels
from app.roster.models import Member, Skill, member_skill
from app.roster.privacy import mask_address

# What the export reads of each member: Core rows, not ORM objects (100,000 of them).
ROW_COLUMNS = (
    Member.id,
    Member.name,
    Member.gender,
    Member.ethnicity,
    Member.birth_date,
    Member.id_number_enc,
    Member.phone_enc,
    Member.address_enc,
    Member.education,
    Member.work_unit,
    Member.job_title,
    Member.occupation,
    Member.joined_on,
    Member.full_member_on,
    Member.membership,
    Member.org_id,
    Member.post_kind,
    Member.agent_source,
    Member.service_point_id,
    Member.party_status,
    Member.is_mobile,
    Member.mobile_destination,
    Member.is_lost_contact,
    Member.lost_contact_since,
    Member.is_hardship,
)
_YES_NO = {True: "是", False: "否"}


class Cells:
    """Turns a member's row into its cells in column order. Everything the same for every row
    (labels, organisation and service point names) is looked up once per export."""

    def __init__(self, orgs: dict[int, Org], unmasked: bool) -> None:
        self.labels = zh_labels()
        self.unmasked = unmasked
        self.decrypt = field_decrypter()
        # org id -> (branch id, branch name, group name)
        self.places: dict[int, tuple[int | None, str, str]] = {}
        for org in orgs.values():
            branch = orgs.get(org.branch_id) if org.branch_id != org.id else org
            group = org if branch is not org else None
            self.places[org.id] = (
                org.branch_id,
                branch.name if branch else "",
                group.name if group else "",
            )
        self.service_points: dict[int, str] = dict(
            db.session.execute(select(ServicePoint.id, ServicePoint.name)).all()
        )

    def place(self, org_id: int) -> tuple[int | None, str, str]:
        return self.places.get(org_id, (None, "", ""))

    def __call__(self, m: Row, skills: str) -> tuple[Any, ...]:
        (
            member_id,
            name,
            gender,
            ethnicity,
            birth_date,
            id_number_enc,
            phone_enc,
            address_enc,
            education,
            work_unit,
            job_title,
            occupation,
            joined_on,
            full_member_on,
            membership,
            org_id,
            post_kind,
            agent_source,
            service_point_id,
            party_status,
            is_mobile,
            mobile_destination,
            is_lost_contact,
            lost_contact_since,
            is_hardship,
        ) = m
        decrypt, labels = self.decrypt, self.labels
        id_number = decrypt(id_number_enc)
        phone = decrypt(phone_enc) if phone_enc else ""
        address = decrypt(address_enc) if address_enc else ""
        if not self.unmasked:
            id_number = mask_id(id_number)
            phone = mask_phone(phone) if phone else ""
            address = mask_address(address)
        _branch_id, branch, group = self.place(org_id)
        # In the order of COLUMNS (checked below, where _CELL_KEYS is defined).
        return (
            member_id,
            name,
            labels["gender"].get(gender, gender),
            ethnicity,
            birth_date,
            id_number,
            phone,
            education,
            work_unit,
            job_title,
            joined_on,
            full_member_on,
            labels["membership"].get(membership, membership),
            branch,
            group,
            labels["post_kind"].get(post_kind, post_kind),
            labels["agent_source"].get(agent_source or "", ""),
            self.service_points.get(service_point_id, ""),
            skills,
            labels["party_status"].get(party_status, party_status),
            _YES_NO[bool(is_mobile)],
            mobile_destination,
            _YES_NO[bool(is_lost_contact)],
            lost_contact_since,
            _YES_NO[bool(is_hardship)],
            occupation,
            address,
        )


_CELL_KEYS = (
    "id", "name", "gender", "ethnicity", "birth_date", "id_number", "phone", "education",
    "work_unit", "job_title", "joined_on", "full_member_on", "membership", "branch", "group",
    "post_kind", "agent_source", "service_point", "skills", "party_status", "is_mobile",
    "mobile_destination", "is_lost_contact", "lost_contact_since", "is_hardship", "occupation",
    "address",
)  # fmt: skip
if _CELL_KEYS != tuple(key for key, _h, _w in COLUMNS):
    raise RuntimeError("Cells.__call__ no longer writes the cells in the order of COLUMNS")


# How each column is written: the system number as a number, dates as real Excel dates,
# yes/no as plain strings, everything else as text (quote-prefixed when it could be a formula).
_NUMBER, _DATE, _PLAIN, _TEXT = range(4)
_KINDS = tuple(
    _NUMBER if key == "id" else _DATE if key in DATE_KEYS else _PLAIN if key in BOOL_KEYS else _TEXT
    for key, _h, _w in COLUMNS
)


def row_writer(ws, fmts) -> Callable[[int, tuple[Any, ...]], None]:
    """A function writing one row of cells into ``ws``: each column's write method and format
    resolved once per sheet, text quote-prefixed when it could be a formula (as write_text)."""
    quoted = fmts["quoted"]
    plan = []
    for col, kind in enumerate(_KINDS):
        if kind == _TEXT:
            plan.append((col, ws.write_string, fmts["text"], True))
        elif kind == _DATE:
            plan.append((col, ws.write_datetime, fmts["date"], False))
        elif kind == _NUMBER:
            plan.append((col, ws.write_number, None, False))
        else:
            plan.append((col, ws.write_string, None, False))

    def write(row: int, cells: tuple[Any, ...]) -> None:
        for (col, put, fmt, guarded), value in zip(plan, cells, strict=True):
            if not value:  # empty text, no date (the system number is never 0)
                continue
            if guarded and value.startswith(DANGEROUS_START):
                put(row, col, value, quoted)
            else:
                put(row, col, value, fmt)

    return write


def skill_names(member_ids: list[int]) -> dict[int, str]:
    """member id -> its skills' names, joined as the sheet shows them, for one batch."""
    out: dict[int, list[str]] = {}
    for member_id, name in db.session.execute(
        select(member_skill.c.member_id, Skill.name)
        .join(Skill, Skill.id == member_skill.c.skill_id)
        .where(among(db.session, member_skill.c.member_id, member_ids))
        .order_by(member_skill.c.member_id, Skill.name)
    ):
        out.setdefault(member_id, []).append(name)
    return {k: "，".join(v) for k, v in out.items()}
