"""Test data builders. They go through the services, so every invariant (paths, audit) holds."""

from __future__ import annotations

import io
import itertools

import openpyxl

from app.auth import services as auth_services
from app.auth.models import User
from app.common.idcard import check_char
from app.extensions import db
from app.orgs import services as org_services
from app.orgs.models import Org, OrgKind, ServiceLevel, ServicePoint
from app.roster.services import save_member
from app.volunteers import services as volunteer_services

PASSWORD = "correct horse battery"  # noqa: S105
_seq = itertools.count(1)


def make_org(name: str | None = None, kind: str = OrgKind.COMMITTEE, parent: Org | None = None):
    org = org_services.create_org(None, name=name or f"组织{next(_seq)}", kind=kind, parent=parent)
    db.session.commit()
    return org


def make_service_point(org: Org, name: str | None = None, level: str = ServiceLevel.VILLAGE):
    sp = org_services.create_service_point(
        None, org, name=name or f"服务室{next(_seq)}", level=level, hotline="0937-1234567"
    )
    db.session.commit()
    return sp


def make_user(
    username: str | None = None,
    *roles: tuple[str, Org] | tuple[str, Org, ServicePoint],
    password: str = PASSWORD,
    must_change_password: bool = False,
    display_name: str | None = None,
) -> User:
    username = username or f"user{next(_seq)}"
    user, _ = auth_services.create_user(
        None,
        username,
        display_name or f"用户{username}",
        password,
        must_change_password=must_change_password,
        enforce_policy=False,
    )
    for spec in roles:
        role, org = spec[0], spec[1]
        sp = spec[2] if len(spec) > 2 else None
        auth_services.grant_role(None, user, role, org, service_point=sp)
    db.session.commit()
    return user


class Tree:
    """Committee › two branches (A, B), each with one party group; one admin over all."""

    def __init__(self) -> None:
        self.committee = make_org("测试党委", OrgKind.COMMITTEE)
        self.general = make_org("测试党总支", OrgKind.GENERAL_BRANCH, self.committee)
        self.branch_a = make_org("甲党支部", OrgKind.BRANCH, self.general)
        self.branch_b = make_org("乙党支部", OrgKind.BRANCH, self.committee)
        self.group_a = make_org("甲第一党小组", OrgKind.GROUP, self.branch_a)
        self.group_b = make_org("乙第一党小组", OrgKind.GROUP, self.branch_b)
        self.room_a = make_service_point(self.branch_a, "甲村为民服务室")


def make_tree() -> Tree:
    return Tree()


def make_id_number(born: str = "19800101", seq: int | None = None, region: str = "620902") -> str:
    """A valid 18-character ID number (GB 11643 check character)."""

    seq = next(_seq) % 1000 if seq is None else seq
    first17 = f"{region}{born}{seq:03d}"
    return first17 + check_char(first17)


def member_raw(org: Org, **overrides):
    n = next(_seq)
    raw = {
        "name": f"测试党员{n}",
        "id_number": make_id_number(seq=n % 1000),
        "phone": f"138{n:08d}",
        "org_id": org.id,
        "membership": "full",
        "joined_on": "2005-07-01",
        "full_member_on": "2006-07-01",
        "post_kind": "no_post",
        "party_status": "normal",
    }
    raw.update(overrides)
    return raw


def make_member(org: Org, **overrides):

    member = save_member(None, member_raw(org, **overrides))
    db.session.commit()
    return member


def make_xlsx(rows: list[list], title_rows: list[list] | None = None) -> bytes:
    """A workbook whose first sheet holds ``title_rows`` then ``rows``, as an upload's bytes."""
    wb = openpyxl.Workbook()
    for r in (title_rows or []) + rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_item(org: Org, name: str = "低保申请", **overrides):
    """A published catalogue item of ``org`` (a village item promised in 15 days)."""
    values = {
        "name": name,
        "category": "civil_affairs",
        "level": "village",
        "handling": "promised",
        "promised_days": 15,
        "is_published": True,
        **overrides,
    }
    return volunteer_services.save_item(None, org, values)
