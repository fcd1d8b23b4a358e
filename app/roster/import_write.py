"""Writing a checked import plan: new members in bulk (the members, their history rows and
skill links, a few statements per thousand rows: app/common/bulk.py), updates through the same
rule as the member form; and whether a plan checked earlier still holds at confirmation."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from app import policy
from app.auth.models import User
from app.common.bulk import insert_rows
from app.common.chinese import name_keys, surname_strokes
from app.common.crypto import field_encrypter
from app.common.idlists import among
from app.common.timeutil import utcnow
from app.errors import DomainError
from app.extensions import db
from app.orgs.models import Org, ServicePoint
from app.orgs.tree import path_filter
from app.roster import services
from app.roster.import_plan import ImportPlan, ImportRejected, PlannedRow, RowError
from app.roster.import_rows import chunks, load_members, lookup
from app.roster.models import ImportBatch, Member, MemberHistory, Skill, member_skill
from app.roster.privacy import id_hasher, phone_hasher

_CHUNK = 2000  # rows per bulk insert (and per progress report)


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
    found = lookup(Member.id, Member.version, versions)
    if any(found.get(mid) != version for mid, version in versions.items()):
        return False
    hashes = [pr.id_hash for pr in plan.rows if pr.member_id is None]
    if not all(hashes):
        return False
    for chunk in chunks(hashes):
        taken = select(Member.id).where(among(db.session, Member.id_number_hash, chunk)).limit(1)
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
    """Save every planned row under the batch: the new members in bulk, then the updates.
    Raises ImportRejected naming the row when a rule that only shows on writing refuses one
    (nothing is then kept: the caller's transaction is rolled back)."""
    creates = [pr for pr in plan.rows if pr.member_id is None]
    updates = [pr for pr in plan.rows if pr.member_id is not None]
    if creates:
        _create(actor, creates, batch, progress)
    if updates:
        _update(actor, updates, batch, progress, done=len(creates))
    db.session.flush()


def _rejected(row: int, message: Any) -> DomainError:
    return ImportRejected(ImportPlan(errors=[RowError(row, "", str(message))]))


def _link_names(actor: User | None, rows: list[PlannedRow]) -> dict[tuple[str, int], str]:
    """("org_id" | "service_point_id", id) -> name for every link the new rows make, once each
    link passed the rules of the member form (an active branch or group the actor may add
    to; an active service point the actor may see)."""
    names: dict[tuple[str, int], str] = {}
    first: dict[tuple[str, Any], int] = {}
    for pr in rows:
        for key in ("org_id", "service_point_id"):
            first.setdefault((key, pr.values.get(key)), pr.row)
    for (key, ident), row in first.items():
        if ident is None:
            continue
        if key == "org_id":
            errors: dict[str, str] = {}
            org = services.check_org_for(actor, ident, errors)
            if org is None:
                raise _rejected(row, errors["org_id"])
            names[(key, ident)] = org.name
        else:
            sp = db.session.get(ServicePoint, ident)
            if sp is None or not sp.is_active:
                raise _rejected(row, _l("Choose an active service point."))
            if actor is not None and not policy.can(actor, "service_point.view", sp):
                raise _rejected(row, _l("This service point is outside your scope."))
            names[(key, ident)] = sp.name
    return names


def _skill_ids(names: set[str]) -> dict[str, int]:
    """Skill name -> id, adding to the shared vocabulary the names that are new."""
    ordered = sorted(names)
    found: dict[str, int] = lookup(Skill.name, Skill.id, ordered)
    new = [{"name": n} for n in ordered if n not in found]
    if new:
        db.session.execute(insert(Skill), new)
        found.update(lookup(Skill.name, Skill.id, [s["name"] for s in new]))
    return found


def _member_rows(rows: list[PlannedRow]) -> list[dict[str, Any]]:
    """The member table's rows for the cleaned values, as save_member fills a new member
    (the keys resolved once for the lot)."""
    encrypt, id_hash, phone_hash = field_encrypter(), id_hasher(), phone_hasher()
    out = []
    for pr in rows:
        v = pr.values
        row = {k: v.get(k) for k in services.PLAIN_FIELDS}
        number, phone, name = v["id_number"], v["phone"], v["name"]
        pinyin, initials = name_keys(name)
        row.update(
            id_number_enc=encrypt(number),
            id_number_hash=pr.id_hash or id_hash(number),
            id_tail=number[-4:],
            phone_enc=encrypt(phone),
            phone_hash=phone_hash(phone),
            phone_tail=phone[-4:] if phone else "",
            address_enc=encrypt(v["address"]),
            name_pinyin=pinyin,
            name_initials=initials,
            surname_strokes=surname_strokes(name),
        )
        out.append(row)
    return out


def _create(
    actor: User | None,
    rows: list[PlannedRow],
    batch: ImportBatch,
    progress: Callable[[int], None] | None,
) -> None:
    names = _link_names(actor, rows)
    skills = _skill_ids({s for pr in rows for s in pr.values["skills"]})
    now = utcnow()
    who = {"actor_id": getattr(actor, "id", None), "actor_name": getattr(actor, "username", "")}
    done = 0
    for part in chunks(rows, _CHUNK):
        members = _member_rows(part)
        for m in members:
            m["created_at"] = m["updated_at"] = now
        # One bulk insert (COPY on PostgreSQL: app/common/bulk.py); the new ids are then found
        # by the ID number's unique blind index (RETURNING would send the rows one at a time
        # to keep their order on SQLite).
        insert_rows(db.session, Member.__table__, members)
        by_hash = lookup(Member.id_number_hash, Member.id, [m["id_number_hash"] for m in members])
        ids = [by_hash[m["id_number_hash"]] for m in members]
        history, links = [], []
        for pr, member_id in zip(part, ids, strict=True):
            changes = services.creation_changes(pr.values)
            for key in ("org_id", "service_point_id"):
                if key in changes:
                    changes[key] = [None, names.get((key, changes[key][1]), changes[key][1])]
            history.append(
                {
                    "member_id": member_id,
                    "occurred_at": now,
                    "kind": "import",
                    "note": "",
                    "changes": changes,
                    "before": None,
                    "batch_id": batch.id,
                    **who,
                }
            )
            links.extend(
                {"member_id": member_id, "skill_id": skills[s]}
                for s in dict.fromkeys(pr.values["skills"])
            )
        insert_rows(db.session, MemberHistory.__table__, history)
        if links:
            insert_rows(db.session, member_skill, links)
        done += len(part)
        if progress:
            progress(done)


def _update(
    actor: User | None,
    rows: list[PlannedRow],
    batch: ImportBatch,
    progress: Callable[[int], None] | None,
    done: int,
) -> None:
    """Updates go through save_member (the form's rule: history with the values replaced,
    for the rollback), with the members, their organisations and the skills loaded once."""
    skill_cache: dict = {}
    existing = load_members(pr.member_id for pr in rows)
    orgs = {
        o.id: o
        for o in db.session.scalars(
            select(Org).where(Org.id.in_({_link(pr, "org_id") for pr in rows} - {None}))
        )
    }
    with db.session.no_autoflush:
        for i, pr in enumerate(rows, start=1):
            try:
                services.save_member(
                    actor,
                    pr.raw,
                    member=existing.get(pr.member_id),
                    batch_id=batch.id,
                    skill_cache=skill_cache,
                    kind="import_update",
                )
            except DomainError as err:  # a rule that only shows on writing
                raise _rejected(pr.row, err.message) from err
            if i % 500 == 0:
                db.session.flush()
                if progress:
                    progress(done + i)
    del orgs  # held until here so each row finds its organisation without a query
