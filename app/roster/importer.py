"""The roster import: read and check every row, write all or nothing as one batch, and roll
a batch back. Reads the same columns the export writes (see app/roster/excel.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload, selectinload

from app import audit, policy
from app.auth.models import User
from app.common.excel import SpreadsheetError, read_rows
from app.common.idcard import is_masked, normalize_id
from app.common.timeutil import utcnow
from app.errors import DomainError, PermissionDenied, ValidationError
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.roster import services
from app.roster.excel import COLUMNS, DATE_KEYS, HEADER_TO_KEY
from app.roster.models import ImportBatch, Member, MemberHistory


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class PlannedRow:
    row: int
    raw: dict[str, Any]
    member_id: int | None


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def creates(self) -> int:
        return sum(1 for r in self.rows if r.member_id is None)

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.member_id is not None)


def _header_map(cells: tuple[Any, ...]) -> dict[int, str] | None:
    """Column index -> field key when this row is the header (it names 姓名 and 身份证号)."""
    mapping: dict[int, str] = {}
    for i, cell in enumerate(cells):
        text = "".join(str(cell).split()) if cell is not None else ""
        key = HEADER_TO_KEY.get(text)
        if key:
            mapping[i] = key
    keys = list(mapping.values())
    return mapping if {"name", "id_number"} <= set(keys) else None


def _header_of(key: str) -> str:
    for k, h, _w in COLUMNS:
        if k == key:
            return h
    return {"org_id": "所在党支部", "service_point_id": "服务点"}.get(key, key)


class _Resolver:
    """Names in the sheet -> ids, within the actor's scope (one query each, cached)."""

    def __init__(self, actor: User | None) -> None:
        stmt = select(Org).where(Org.is_active)
        if actor is not None:
            paths = policy.subtrees(actor, "roster.edit")
            stmt = stmt.where(path_filter(Org.path, paths))
        self.orgs = list(db.session.scalars(stmt))
        self.branches: dict[str, list[Org]] = {}
        self.groups: dict[tuple[int, str], Org] = {}
        for o in self.orgs:
            if o.kind == "branch":
                self.branches.setdefault(o.name, []).append(o)
        for o in self.orgs:
            if o.kind == "group" and o.parent_id:
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


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _system_number(value: Any) -> int | None | str:
    """The 系统编号 cell as an id, None when empty, or "bad"."""
    text = _text(value)
    if not text:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return "bad"


def plan_import(actor: User | None, data: bytes, *, max_rows: int = 100_000) -> ImportPlan:
    """Read and check every row of an uploaded roster without writing anything.

    Rows are matched to existing members by 系统编号 (when in scope) or by ID number, so a
    re-import updates instead of duplicating; an update changes only the columns the sheet
    has. Every problem is collected with its row number and column. Lookups are made in bulk
    (a few queries per thousand rows). Raises SpreadsheetError for a file that cannot be read.
    """
    plan = ImportPlan()
    mapping: dict[int, str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for n, cells in read_rows(data, max_rows + 10):
        if mapping is None:
            mapping = _header_map(cells)
            if mapping is None and n >= 10:
                raise SpreadsheetError(
                    _l("No header row with 姓名 and 身份证号 in the first 10 rows.")
                )
            if mapping is not None:
                plan.header_row = n
                keys = list(mapping.values())
                repeated = sorted({_header_of(k) for k in keys if keys.count(k) > 1})
                if repeated:
                    raise SpreadsheetError(
                        _l("These columns appear twice: %(cols)s.", cols="、".join(repeated))
                    )
                plan.ignored_columns = [
                    str(c) for i, c in enumerate(cells) if c not in (None, "") and i not in mapping
                ]
            continue
        row = {key: cells[i] if i < len(cells) else None for i, key in mapping.items()}
        # Rows with nothing in the mapped columns (a 序号 alone, a blank line) are skipped.
        if all(v is None or str(v).strip() == "" for v in row.values()):
            continue
        rows.append((n, row))
    if mapping is None:
        raise SpreadsheetError(_l("No header row with 姓名 and 身份证号 in the first 10 rows."))
    if len(rows) > max_rows:
        raise SpreadsheetError(_l("The sheet has more rows than allowed."))
    _plan_rows(actor, rows, plan)
    return plan


def _plan_rows(
    actor: User | None, rows: list[tuple[int, dict[str, Any]]], plan: ImportPlan
) -> None:
    resolver = _Resolver(actor)
    # Bulk lookups: members named by 系统编号, and members holding the sheet's ID numbers.
    sys_ids = {v for _n, r in rows if isinstance(v := _system_number(r.get("id")), int)}
    hashes: dict[str, str] = {}
    for _n, r in rows:
        value = r.get("id_number")
        if isinstance(value, str):
            number = normalize_id(value)
            if len(number) == 18 and not is_masked(number):
                hashes[number] = services.id_hash(number)
    by_id: dict[int, Member] = {}
    by_hash: dict[str, int] = {}
    ids = list(sys_ids)
    for k in range(0, len(ids), 500):
        for m in db.session.scalars(
            select(Member).where(Member.id.in_(ids[k : k + 500])).options(
                joinedload(Member.org), selectinload(Member.skills))
        ):  # fmt: skip
            by_id[m.id] = m
    hash_list = list(hashes.values())
    for k in range(0, len(hash_list), 500):
        by_hash.update(
            db.session.execute(
                select(Member.id_number_hash, Member.id).where(
                    Member.id_number_hash.in_(hash_list[k : k + 500])
                )
            ).all()
        )
    candidates = set(by_id) | set(by_hash.values())
    visible: set[int] = set(candidates)
    if actor is not None and candidates:
        visible = set()
        cand = list(candidates)
        for k in range(0, len(cand), 500):
            chunk = cand[k : k + 500]
            stmt = policy.scope(select(Member.id), actor, Member).where(Member.id.in_(chunk))
            visible.update(db.session.scalars(stmt))
    missing = [i for i in set(by_hash.values()) if i not in by_id]
    for k in range(0, len(missing), 500):
        for m in db.session.scalars(
            select(Member).where(Member.id.in_(missing[k : k + 500])).options(
                joinedload(Member.org), selectinload(Member.skills))
        ):  # fmt: skip
            by_id[m.id] = m

    seen_ids: dict[str, int] = {}
    seen_members: dict[int, int] = {}
    for n, row in rows:
        errors: dict[str, str] = {}
        raw: dict[str, Any] = {}
        for key, value in row.items():
            if key in ("id", "branch", "group", "service_point"):
                continue
            if key in DATE_KEYS or key in ("id_number", "phone"):
                raw[key] = value.strip() if isinstance(value, str) else value
            else:
                raw[key] = _text(value) if not isinstance(value, bool) else value
        if "branch" in row:
            org_id, err = resolver.org(_text(row.get("branch")), _text(row.get("group")))
            if err:
                errors["org_id"] = err
            raw["org_id"] = org_id
        if "service_point" in row:
            sp_name = _text(row.get("service_point"))
            raw["service_point_id"] = resolver.points.get(sp_name) if sp_name else None
            if sp_name and raw["service_point_id"] is None:
                errors["service_point_id"] = str(
                    _l("No active service point named “%(name)s” in your scope.", name=sp_name)
                )

        existing: Member | None = None
        sys_id = _system_number(row.get("id"))
        id_value = row.get("id_number")
        id_text = normalize_id(id_value) if isinstance(id_value, str) else ""
        if sys_id == "bad":
            errors["id"] = str(_l("The system number must be a whole number."))
        elif isinstance(sys_id, int):
            existing = by_id.get(sys_id) if sys_id in visible else None
            if existing is None:
                errors["id"] = str(_l("No member with this system number in your scope."))
            elif (
                id_text
                and not is_masked(id_text)
                and hashes.get(id_text) != existing.id_number_hash
            ):
                errors["id_number"] = str(_l(
                    "The ID number differs from the member with this system number; "
                    "correct an ID number on the member's page."))  # fmt: skip
                existing = None
        elif id_text and is_masked(id_text):
            errors["id_number"] = str(
                _l("A masked ID number can only update the member whose system number it carries.")
            )
        elif id_text in hashes and hashes[id_text] in by_hash:
            member_id = by_hash[hashes[id_text]]
            if member_id not in visible:
                errors["id_number"] = str(
                    _l("This ID number belongs to a member outside your scope.")
                )
            else:
                existing = by_id.get(member_id)
        if existing is not None:
            if existing.id in seen_members:
                errors["id"] = str(_l("The same member is also on row %(row)d.",
                                      row=seen_members[existing.id]))  # fmt: skip
            seen_members.setdefault(existing.id, n)
            # An update changes only the columns the sheet has.
            base = services.member_raw(existing)
            base.update(raw)
            raw = services.keep_masked(existing, base)
        elif "branch" not in row:
            errors["org_id"] = str(_l("Give the member's branch."))
        if id_text and not is_masked(id_text):
            if id_text in seen_ids:
                errors["id_number"] = str(
                    _l("The same ID number is also on row %(row)d.", row=seen_ids[id_text])
                )
            else:
                seen_ids[id_text] = n

        cleaned = services.clean_member(raw)
        for key, message in {**cleaned.errors, **errors}.items():
            plan.errors.append(RowError(n, _header_of(key), message))
        plan.rows.append(PlannedRow(row=n, raw=raw, member_id=existing.id if existing else None))


def commit_import(
    actor: User | None,
    data: bytes,
    filename: str,
    *,
    progress: Callable[[int], None] | None = None,
    max_rows: int = 100_000,
) -> ImportBatch:
    """Validate the whole file again and, only if every row is good, write it as one batch.

    Raises ImportRejected (with the plan's errors) and writes nothing when any row is bad.
    The caller commits once.
    """
    if actor is not None and not policy.can(actor, "roster.import"):
        raise PermissionDenied(_l("You may not import the roster."))
    plan = plan_import(actor, data, max_rows=max_rows)
    if plan.errors:
        raise ImportRejected(plan)
    if not plan.rows:
        raise ValidationError(_l("The sheet has no member rows."))
    batch = ImportBatch(
        user_id=getattr(actor, "id", None),
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
    )
    db.session.add(batch)
    db.session.flush()
    skill_cache: dict = {}
    existing: dict[int, Member] = {}
    update_ids = [pr.member_id for pr in plan.rows if pr.member_id]
    for k in range(0, len(update_ids), 500):
        for m in db.session.scalars(
            select(Member)
            .where(Member.id.in_(update_ids[k : k + 500]))
            .options(joinedload(Member.org), selectinload(Member.skills))
        ):
            existing[m.id] = m
    # One flush per 500 rows instead of one per row: the plan has checked every row already.
    with db.session.no_autoflush:
        for i, pr in enumerate(plan.rows, start=1):
            member = existing.get(pr.member_id) if pr.member_id else None
            try:
                services.save_member(
                    actor, pr.raw, member=member, batch_id=batch.id, skill_cache=skill_cache,
                    kind="import" if member is None else "import_update",
                )  # fmt: skip
            except DomainError as err:  # a rule that only shows on writing
                raise ImportRejected(
                    ImportPlan(errors=[RowError(pr.row, "", str(err.message))])
                ) from err
            if i % 500 == 0:
                db.session.flush()
                if progress:
                    progress(i)
    db.session.flush()
    batch.rows_created = plan.creates
    # Rows that matched a member but changed nothing leave no history and count as unchanged.
    batch.rows_updated = (
        db.session.scalar(
            select(func.count(MemberHistory.id)).where(
                MemberHistory.batch_id == batch.id, MemberHistory.kind == "import_update"
            )
        )
        or 0
    )
    audit.record(
        actor,
        "roster.import",
        batch,
        filename=batch.filename,
        sha256=batch.sha256,
        created=batch.rows_created,
        updated=batch.rows_updated,
    )
    return batch


class ImportRejected(DomainError):
    status_code = 400

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(_l("Nothing was imported: %(n)d problems.", n=len(plan.errors)))
        self.plan = plan


def rollback_blocker(batch: ImportBatch) -> str | None:
    """Why the batch cannot be rolled back, or None when it can."""
    if batch.rolled_back_at is not None:
        return str(_l("This import has already been rolled back."))
    last_own = db.session.scalar(
        select(func.max(MemberHistory.id)).where(MemberHistory.batch_id == batch.id)
    )
    member_ids = select(MemberHistory.member_id).where(MemberHistory.batch_id == batch.id)
    later = db.session.scalar(
        select(func.count()).where(
            MemberHistory.member_id.in_(member_ids),
            MemberHistory.id > (last_own or 0),
        )
    )
    if later:
        return str(
            _l("Members from this import have changed since; it can no longer be rolled back.")
        )
    return None


def rollback_import(actor: User, batch: ImportBatch) -> None:
    """Undo a batch: delete the members it created, restore the ones it updated. Audited."""
    if not policy.can(actor, "roster.import_rollback", batch):
        raise PermissionDenied(
            _l("Only the person who imported it, or an admin, may roll it back.")
        )
    reason = rollback_blocker(batch)
    if reason:
        raise ValidationError(reason)
    entries = list(
        db.session.scalars(select(MemberHistory).where(MemberHistory.batch_id == batch.id))
    )
    created = [e.member_id for e in entries if e.kind == "import" and e.member_id]
    for e in entries:
        if e.kind == "import_update" and e.member_id and e.before:
            _restore(db.session.get(Member, e.member_id), e.before, actor, batch)
    if created:
        db.session.execute(
            delete(MemberHistory)
            .where(MemberHistory.member_id.in_(created))
            .execution_options(synchronize_session=False)
        )
        for m in db.session.scalars(select(Member).where(Member.id.in_(created))):
            db.session.delete(m)
    batch.rolled_back_at = utcnow()
    db.session.flush()
    audit.record(actor, "roster.import_rollback", batch, created=len(created))


def _restore(member: Member, before: dict[str, Any], actor: User, batch: ImportBatch) -> None:
    from app.common.chinese import name_initials, name_pinyin, surname_strokes

    for key, value in before.items():
        if key == "skills":
            member.skills = services.resolve_skills(value)
        elif key in DATE_KEYS or key.endswith("_on") or key == "lost_contact_since":
            setattr(member, key, date.fromisoformat(value) if value else None)
        else:
            setattr(member, key, value)
    # The search and sort keys follow the restored name.
    member.name_pinyin = name_pinyin(member.name)
    member.name_initials = name_initials(member.name)
    member.surname_strokes = surname_strokes(member.name)
    db.session.add(
        MemberHistory(
            member_id=member.id,
            actor_id=actor.id,
            actor_name=actor.username,
            kind="rollback",
            note=f"import #{batch.id}",
            changes={},
        )
    )
