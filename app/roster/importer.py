"""The roster import: check every row, write all or nothing as one batch, and roll a batch
back. Reads the columns the export writes (app/roster/columns.py) through import_rows.py."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app import audit, policy
from app.auth.models import User
from app.common import timeutil
from app.common.chinese import name_initials, name_pinyin, surname_strokes
from app.common.gcpause import collector_paused
from app.common.idcard import is_masked
from app.common.timeutil import utcnow
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.roster import import_write, services, skills
from app.roster.cleaning import clean_member
from app.roster.columns import DATE_KEYS, header_of
from app.roster.import_plan import ImportPlan, ImportRejected, PlannedRow, RowError
from app.roster.import_rows import (
    KnownMembers,
    Resolver,
    member_values,
    read_sheet,
    sheet_id_number,
    system_number,
)
from app.roster.models import ImportBatch, Member, MemberHistory
from app.roster.privacy import keep_masked


@collector_paused()
def plan_import(actor: User | None, data: bytes, *, max_rows: int = 100_000) -> ImportPlan:
    """Read and check every row of an uploaded roster without writing anything.

    Rows are matched to existing members by 系统编号 (when in scope) or by ID number, so a
    re-import updates instead of duplicating; an update changes only the columns the sheet
    has. Every problem is collected with its row number and column, and every column the
    import does not read is named. Lookups are made in bulk (a few queries per thousand
    rows). Raises SpreadsheetError for a file that cannot be read.
    """
    sheet = read_sheet(data, max_rows)
    plan = ImportPlan(
        header_row=sheet.header_row,
        ignored_columns=sheet.ignored_columns,
        sha256=hashlib.sha256(data).hexdigest(),
        actor_id=getattr(actor, "id", None),
    )
    resolver = Resolver(actor)
    known = KnownMembers(actor, sheet.rows)
    seen_ids: dict[str, int] = {}
    seen_members: dict[int, int] = {}
    memo: dict = {}  # what each choice text read as, for this file's rows
    today = timeutil.today()  # one date for the whole file
    for n, row in sheet.rows:
        raw, errors = member_values(row, memo)
        found, lookup_errors = resolver.lookups(row)
        raw.update(found)
        errors.update(lookup_errors)
        existing = _match(row, known, errors)
        if existing is not None:
            if existing.id in seen_members:
                errors["id"] = str(
                    _l("The same member is also on row %(row)d.", row=seen_members[existing.id])
                )
            seen_members.setdefault(existing.id, n)
            # An update changes only the columns the sheet has.
            base = services.member_raw(existing)
            base.update(raw)
            raw = keep_masked(existing, base)
        elif "branch" not in row:
            errors["org_id"] = str(_l("Give the member's branch."))
        id_text = sheet_id_number(row)
        if id_text and not is_masked(id_text):
            if id_text in seen_ids:
                errors["id_number"] = str(
                    _l("The same ID number is also on row %(row)d.", row=seen_ids[id_text])
                )
            else:
                seen_ids[id_text] = n
        cleaned = clean_member(raw, today=today, memo=memo)
        for key, message in {**cleaned.errors, **errors}.items():
            plan.errors.append(RowError(n, header_of(key), message))
        plan.rows.append(
            PlannedRow(
                row=n,
                raw=raw,
                member_id=existing.id if existing else None,
                values=cleaned.values if existing is None else {},
                version=existing.version if existing else None,
                id_hash=known.hashes.get(id_text, "") if existing is None else "",
            )
        )
    return plan


def _match(row: dict[str, Any], known: KnownMembers, errors: dict[str, str]) -> Member | None:
    """The existing member a row updates: by its 系统编号 (whose ID number, when given, must
    agree), else by its ID number; problems go into ``errors``."""
    sys_id = system_number(row.get("id"))
    id_text = sheet_id_number(row)
    if sys_id == "bad":
        errors["id"] = str(_l("The system number must be a whole number."))
        return None
    if isinstance(sys_id, int):
        existing = known.by_id.get(sys_id) if sys_id in known.visible else None
        if existing is None:
            errors["id"] = str(_l("No member with this system number in your scope."))
        elif (
            id_text
            and not is_masked(id_text)
            and known.hashes.get(id_text) != existing.id_number_hash
        ):
            errors["id_number"] = str(
                _l(
                    "The ID number differs from the member with this system number; "
                    "correct an ID number on the member's page."
                )
            )
            return None
        return existing
    if id_text and is_masked(id_text):
        errors["id_number"] = str(
            _l("A masked ID number can only update the member whose system number it carries.")
        )
        return None
    member_id = known.by_hash.get(known.hashes.get(id_text, ""))
    if member_id is None:
        return None
    if member_id not in known.visible:
        # The member form's words: where the number is taken, and by whom, is not told.
        errors["id_number"] = str(_l("Another member already has this ID number."))
        return None
    return known.by_id.get(member_id)


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
    return commit_plan(
        actor, plan_import(actor, data, max_rows=max_rows), data, filename, progress=progress
    )


@collector_paused()
def commit_plan(
    actor: User | None,
    plan: ImportPlan,
    data: bytes,
    filename: str,
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Write a plan just made from ``data`` as one batch, audited; the caller commits once.

    Raises PermissionDenied without the import right, ImportRejected (with the plan's errors)
    when any row is bad, ValidationError for a sheet without members; then nothing is written.
    """
    if actor is not None and not policy.can(actor, "roster.import"):
        raise PermissionDenied(_l("You may not import the roster."))
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
    import_write.write_rows(actor, plan, batch, progress)
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
    for key, value in before.items():
        if key == "skills":
            member.skills = skills.resolve_skills(value)
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


def recent_batches(user: User, limit: int = 20) -> list[ImportBatch]:
    """The user's own latest imports, newest first (each may be rolled back from the page)."""
    stmt = select(ImportBatch).where(ImportBatch.user_id == user.id)
    return list(db.session.scalars(stmt.order_by(ImportBatch.id.desc()).limit(limit)))
