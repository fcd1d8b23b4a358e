"""Writing a checked import plan, and whether a plan checked earlier still holds at the
confirmation."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app import policy
from app.auth.models import User
from app.errors import DomainError
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.roster import services
from app.roster.import_rows import load_members
from app.roster.models import ImportBatch, Member

if TYPE_CHECKING:
    from app.roster.importer import ImportPlan, PlannedRow

_CHUNK = 2000  # rows per executemany (and per progress report)
_LOOKUP_CHUNK = 500  # ids per IN list


def _chunks(items: list, size: int) -> Iterable[list]:
    for k in range(0, len(items), size):
        yield items[k : k + size]


def still_current(actor: User | None, plan: ImportPlan, data: bytes) -> bool:
    """Whether a plan checked earlier from ``data`` may be written as it is: the same bytes
    and the same person; every member it updates still at the version it was checked
    against (any edit, transfer or status change since bumps it); none of the ID numbers it
    adds taken since; and every organisation and service point it names still active and in
    the person's scope. A few queries per thousand rows, against the whole file's check.
    When it is not, the caller checks the file again, which reports what changed."""
    if plan.sha256 != hashlib.sha256(data).hexdigest():
        return False
    if plan.actor_id != getattr(actor, "id", None):
        return False
    versions = {pr.member_id: pr.version for pr in plan.rows if pr.member_id is not None}
    for chunk in _chunks(list(versions), _LOOKUP_CHUNK):
        found = dict(
            db.session.execute(select(Member.id, Member.version).where(Member.id.in_(chunk))).all()
        )
        if any(found.get(mid) != versions[mid] for mid in chunk):
            return False
    hashes = [pr.id_hash for pr in plan.rows if pr.member_id is None]
    if not all(hashes):
        return False
    for chunk in _chunks(hashes, _LOOKUP_CHUNK):
        taken = select(Member.id).where(Member.id_number_hash.in_(chunk)).limit(1)
        if db.session.scalar(taken) is not None:
            return False
    org_ids = {_link(pr, "org_id") for pr in plan.rows} - {None}
    sp_ids = {_link(pr, "service_point_id") for pr in plan.rows} - {None}
    stmt = select(Org.id).where(Org.is_active, Org.id.in_(org_ids))
    if actor is not None:
        stmt = stmt.where(path_filter(Org.path, policy.subtrees(actor, "roster.edit")))
    if set(db.session.scalars(stmt)) != org_ids:
        return False
    sp_stmt = select(ServicePoint.id).where(ServicePoint.is_active, ServicePoint.id.in_(sp_ids))
    if actor is not None:
        sp_stmt = policy.scope(sp_stmt, actor, ServicePoint)
    return set(db.session.scalars(sp_stmt)) == sp_ids


def _link(pr: PlannedRow, key: str) -> Any:
    source = pr.values if pr.member_id is None else pr.raw
    return (source or {}).get(key)


def write_rows(
    actor: User | None,
    plan: ImportPlan,
    batch: ImportBatch,
    progress: Callable[[int], None] | None,
) -> None:
    """Save every planned row under the batch through the member form's rule, with the
    members, their organisations and the skills loaded once. Raises ImportRejected naming
    the row when a rule that only shows on writing refuses one."""
    skill_cache: dict = {}
    existing = load_members(pr.member_id for pr in plan.rows if pr.member_id)
    org_ids = {_link(pr, "org_id") for pr in plan.rows} - {None}
    orgs = list(db.session.scalars(select(Org).where(Org.id.in_(org_ids))))
    # One flush per 500 rows instead of one per row: the plan has checked every row already.
    with db.session.no_autoflush:
        for i, pr in enumerate(plan.rows, start=1):
            member = existing.get(pr.member_id) if pr.member_id else None
            try:
                services.save_member(
                    actor,
                    pr.raw,
                    member=member,
                    batch_id=batch.id,
                    skill_cache=skill_cache,
                    kind="import" if member is None else "import_update",
                )
            except DomainError as err:  # a rule that only shows on writing
                raise _rejected(pr.row, err.message) from err
            if i % 500 == 0:
                db.session.flush()
                if progress:
                    progress(i)
    db.session.flush()
    del orgs  # held until here: each row finds its organisation without a query


def _rejected(row: int, message: Any) -> DomainError:
    from app.roster.importer import ImportPlan, ImportRejected, RowError

    return ImportRejected(ImportPlan(errors=[RowError(row, "", str(message))]))
