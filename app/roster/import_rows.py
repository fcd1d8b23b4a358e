"""Reading an uploaded roster: find the header row, map each header (ours or its other names)
to a field, turn each row's cells into member values, and look up in bulk what the rows name
(branches, groups, service points, the members they update). Nothing here writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app import policy
from app.auth.models import User
from app.common.excel import SpreadsheetError, read_rows
from app.common.idcard import is_masked, normalize_id
from app.common.idlists import among
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.roster.columns import HEADER_TO_KEY, VERBATIM_KEYS, header_of
from app.roster.fields import POST_KIND_LABELS, is_choice_label
from app.roster.models import OCCUPATIONS, Member
from app.roster.privacy import id_hasher

HEADER_SEARCH_ROWS = 10
_CHUNK = 500
# Cells that name something to look up rather than a member's value.
LOOKUP_KEYS = frozenset({"id", "branch", "group", "service_point"})


@dataclass
class Sheet:
    """The rows of an upload, as (row number, field key -> cell value)."""

    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _header_map(cells: tuple[Any, ...]) -> dict[int, str] | None:
    """Column index -> field key when this row is the header (it names 姓名 and 身份证号)."""
    mapping: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = HEADER_TO_KEY.get(_header_text(cell))
        if key:
            mapping[i] = key
    return mapping if {"name", "id_number"} <= set(mapping.values()) else None


def _header_text(cell: Any) -> str:
    return "".join(str(cell).split()) if cell is not None else ""


def read_sheet(data: bytes, max_rows: int) -> Sheet:
    """The header and the member rows of the first visible sheet. Raises SpreadsheetError
    for a file that cannot be read, has no header row, repeats a column or is too long."""
    sheet = Sheet()
    mapping: dict[int, str] | None = None
    columns: list[tuple[int, str]] = []  # (column index, field key) once the header is found
    last = 0  # the last mapped column's index
    for n, cells in read_rows(data, max_rows + HEADER_SEARCH_ROWS):
        if mapping is None:
            mapping = _header_map(cells)
            if mapping is None and n >= HEADER_SEARCH_ROWS:
                break
            if mapping is not None:
                _check_header(cells, mapping)
                sheet.header_row = n
                columns, last = list(mapping.items()), max(mapping)
                sheet.ignored_columns = [
                    _header_text(c)
                    for i, c in enumerate(cells)
                    if _header_text(c) and i not in mapping
                ]
            continue
        if len(cells) > last:  # the usual row: every mapped column within it
            row = {key: cells[i] for i, key in columns}
        else:
            row = {key: cells[i] if i < len(cells) else None for i, key in columns}
        # Rows with nothing in the mapped columns (a 序号 alone, a blank line) are skipped.
        if any(v is not None and str(v).strip() != "" for v in row.values()):
            sheet.rows.append((n, row))
    if mapping is None:
        raise SpreadsheetError(_l("No header row with 姓名 and 身份证号 in the first 10 rows."))
    if len(sheet.rows) > max_rows:
        raise SpreadsheetError(_l("The sheet has more rows than allowed."))
    return sheet


def _check_header(cells: tuple[Any, ...], mapping: dict[int, str]) -> None:
    keys = list(mapping.values())
    repeated = sorted({header_of(k) for k in keys if keys.count(k) > 1})
    if repeated:
        raise SpreadsheetError(
            _l("These columns appear twice: %(cols)s.", cols="、".join(repeated))
        )


def cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def system_number(value: Any) -> int | None | str:
    """The 系统编号 cell as an id, None when empty, or "bad"."""
    text = cell_text(value)
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return "bad"


def sheet_id_number(row: dict[str, Any]) -> str:
    """The row's ID number as typed, normalised ("" when absent or not text)."""
    value = row.get("id_number")
    return normalize_id(value) if isinstance(value, str) else ""


def member_values(
    row: dict[str, Any], memo: dict | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The member fields a row gives (only the columns the sheet has) and the problems found
    in reading them; the lookups (system number, branch, group, service point) are left out.
    ``memo`` (a dict kept for one file's rows) remembers which 人员类别 texts are post kinds."""
    raw: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in row.items():
        if key in LOOKUP_KEYS:
            continue
        if key in VERBATIM_KEYS:
            raw[key] = value.strip() if isinstance(value, str) else value
        elif type(value) is str:  # the usual cell: what cell_text gives it, without the call
            raw[key] = value.strip()
        else:
            raw[key] = cell_text(value) if not isinstance(value, bool) else value
    if raw.get("post_kind"):
        _split_category(raw, errors, memo)
    return raw, errors


def _split_category(raw: dict[str, Any], errors: dict[str, str], memo: dict | None) -> None:
    """A 人员类别 column holds post kinds (党员干部, 无职党员) in our sheets and occupations
    (农牧渔民, 离退休人员 …) in others: decide per value. An occupation leaves the post kind
    as it is (无职党员 for a new member) unless the row also has its own 职业 cell."""
    value = raw["post_kind"]
    key = ("post_kind_label", value)  # value is a cell's text here
    if memo is not None and key in memo:
        is_kind = memo[key]
    else:
        is_kind = is_choice_label(value, POST_KIND_LABELS)
        if memo is not None:
            memo[key] = is_kind
    if is_kind:
        return
    del raw["post_kind"]
    if value in OCCUPATIONS:
        if not raw.get("occupation"):
            raw["occupation"] = value
        return
    errors["post_kind"] = str(
        _l(
            "Give a post kind (%(kinds)s) or an occupation (%(jobs)s).",
            kinds="、".join(str(v) for v in POST_KIND_LABELS.values()),
            jobs="、".join(OCCUPATIONS),
        )
    )


class Resolver:
    """Names in the sheet -> ids, within the actor's scope (one query each, cached)."""

    def __init__(self, actor: User | None) -> None:
        stmt = select(Org).where(Org.is_active)
        if actor is not None:
            paths = policy.subtrees(actor, "roster.edit")
            stmt = stmt.where(path_filter(Org.path, paths))
        self.branches: dict[str, list[Org]] = {}
        self.groups: dict[tuple[int, str], Org] = {}
        for o in db.session.scalars(stmt):
            if o.kind == "branch":
                self.branches.setdefault(o.name, []).append(o)
            elif o.kind == "group" and o.parent_id:
                self.groups[(o.parent_id, o.name)] = o
        sp_stmt = select(ServicePoint).where(ServicePoint.is_active)
        if actor is not None:
            sp_stmt = policy.scope(sp_stmt, actor, ServicePoint)
        self.points = {sp.name: sp.id for sp in db.session.scalars(sp_stmt)}

    def org(self, branch: str, group: str) -> tuple[int | None, str | None]:
        branch = " ".join(branch.split())
        group = " ".join(group.split())
        if not branch:
            return None, str(_l("Give the member's branch."))
        found = self.branches.get(branch, [])
        if not found:
            return None, str(_l("No branch named “%(name)s” in your scope.", name=branch))
        if len(found) > 1:
            return None, str(_l("Several branches are named “%(name)s”.", name=branch))
        if not group:
            return found[0].id, None
        g = self.groups.get((found[0].id, group))
        if g is None:
            return None, str(
                _l("%(branch)s has no party group “%(name)s”.", branch=branch, name=group)
            )
        return g.id, None

    def lookups(self, row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        """org_id and service_point_id for the row's names (when the sheet has them)."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        if "branch" in row:
            org_id, err = self.org(cell_text(row.get("branch")), cell_text(row.get("group")))
            if err:
                errors["org_id"] = err
            values["org_id"] = org_id
        if "service_point" in row:
            name = cell_text(row.get("service_point"))
            values["service_point_id"] = self.points.get(name) if name else None
            if name and values["service_point_id"] is None:
                errors["service_point_id"] = str(
                    _l("No active service point named “%(name)s” in your scope.", name=name)
                )
        return values, errors


def chunks(items: Iterable, size: int = _CHUNK):
    """``items`` in lists of at most ``size`` (the look-ups' batches)."""
    items = list(items)
    for k in range(0, len(items), size):
        yield items[k : k + size]


def lookup(key: Any, value: Any, keys: Iterable) -> dict:
    """``key`` -> ``value`` of the rows whose ``key`` is among ``keys`` (columns of one
    table), five hundred at a time (``among``: one array parameter on PostgreSQL)."""
    found: dict = {}
    for chunk in chunks(keys):
        stmt = select(key, value).where(among(db.session, key, chunk))
        found.update(db.session.execute(stmt).all())
    return found


def load_members(ids: Iterable[int]) -> dict[int, Member]:
    """Members by id, with their org and skills, a few queries per thousand."""
    found: dict[int, Member] = {}
    for chunk in chunks(ids):
        stmt = (
            select(Member)
            .where(among(db.session, Member.id, chunk))
            .options(joinedload(Member.org), selectinload(Member.skills))
        )
        found.update((m.id, m) for m in db.session.scalars(stmt))
    return found


class KnownMembers:
    """The existing members a sheet's rows name, by 系统编号 or by ID number, found in bulk,
    and which of them the actor may see."""

    def __init__(self, actor: User | None, rows: list[tuple[int, dict[str, Any]]]) -> None:
        sys_ids = {v for _n, r in rows if isinstance(v := system_number(r.get("id")), int)}
        self.hashes: dict[str, str] = {}
        id_hash = id_hasher()
        for _n, r in rows:
            number = sheet_id_number(r)
            if len(number) == 18 and not is_masked(number):
                self.hashes[number] = id_hash(number)
        hashes = self.hashes.values()
        self.by_hash: dict[str, int] = lookup(Member.id_number_hash, Member.id, hashes)
        self.by_id = load_members(sys_ids | set(self.by_hash.values()))
        self.visible = set(self.by_id)
        if actor is not None:
            self.visible = set()
            for chunk in chunks(self.by_id):
                stmt = policy.scope(select(Member.id), actor, Member).where(
                    among(db.session, Member.id, chunk)
                )
                self.visible.update(db.session.scalars(stmt))
