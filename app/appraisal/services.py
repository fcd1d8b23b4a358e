"""Appraisal rules outside the workflow table: self-records, the exemplary mark and the
spot-check draw. Periods (open, sync) live in app/appraisal/periods.py, closing them in
app/appraisal/closing.py."""

from __future__ import annotations

import math
import random
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import audit, policy
from app.appraisal import responsibility

# The period functions moved to app/appraisal/periods.py and closing.py; callers that know
# them from here (views, the demo, tests) keep working.
from app.appraisal.closing import close_period  # noqa: F401
from app.appraisal.dimensions import FACTS, field_name
from app.appraisal.models import Appraisal, AppraisalPeriod, AppraisalStep, Grade, Status
from app.appraisal.periods import (  # noqa: F401
    APPRAISED_STATUSES,
    Deadlines,
    add_missing_records,
    default_deadlines,
    open_period,
    period_orgs,
    period_visible,
    periods_for,
    quarter_bounds,
)
from app.appraisal.workflow import dimensions_for
from app.auth.models import User
from app.auth.names import NamedStep, named
from app.errors import Conflict, FieldErrors, PermissionDenied, StaleRecord
from app.extensions import db
from app.orgs.models import Org
from app.orgs.tree import branch_id_of

# --- records --------------------------------------------------------------------------------


def get_appraisal(user: User, appraisal_id: int) -> Appraisal | None:
    stmt = (
        policy.scope(select(Appraisal), user, Appraisal)
        .where(Appraisal.id == appraisal_id)
        .options(
            joinedload(Appraisal.member),
            joinedload(Appraisal.org),
            joinedload(Appraisal.period),
            joinedload(Appraisal.branch_meeting),
        )
    )
    return db.session.scalar(stmt)


def timeline(appraisal: Appraisal) -> list[NamedStep]:
    """The record's steps, oldest first, each naming its actor by display name (never the
    login): two queries."""
    return named(
        db.session.scalars(
            select(AppraisalStep)
            .where(AppraisalStep.appraisal_id == appraisal.id)
            .order_by(AppraisalStep.id)
        )
    )


def _clean_fact(kind: str, value: Any) -> Any:
    if kind == "int":
        text = str(value or "").strip()
        if not text:
            return None
        if not text.isdigit() or int(text) > 10000:
            raise ValueError
        return int(text)
    if kind == "bool":
        return bool(value) and str(value) not in ("0", "false", "")
    return " ".join(str(value or "").split())[:1000]


def save_self_record(
    actor: User, appraisal: Appraisal, content: dict[str, dict[str, Any]], *, expected_version: int
) -> None:
    """The member (or the secretary for a member without a login) saves the self-record draft:
    ``content`` maps each dimension key to its text and facts. Raises StaleRecord,
    PermissionDenied, FieldErrors naming ``field_name(key)`` or ``field_name(key, fact)``.
    The talk and home-visit counts are the area log's (``responsibility.logged_facts``)."""
    if appraisal.version != expected_version:
        raise StaleRecord()
    if not policy.can(actor, "appraisal.edit_self", appraisal):
        raise PermissionDenied(_l("Only the member edits their own draft."))
    record: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for dim in dimensions_for(appraisal):
        key = dim["key"]
        given = content.get(key) or {}
        text = str(given.get("text") or "").strip()
        if len(text) > 5000:
            errors[field_name(key)] = str(_l("Use at most %(n)d characters.", n=5000))
        entry: dict[str, Any] = {"text": text[:5000]}
        for fact, _label, kind in FACTS.get(key, []):
            try:
                entry[fact] = _clean_fact(kind, given.get(fact))
            except ValueError:
                errors[field_name(key, fact)] = str(_l("Enter a whole number."))
        record[key] = entry
    if errors:
        raise FieldErrors(errors)
    # The talks and visits are counted from the responsibility-area log, whatever was posted.
    for (key, fact), n in responsibility.logged_facts(appraisal).items():
        if key in record:
            record[key][fact] = n
    appraisal.self_record = record


def can_be_exemplary(appraisal: Appraisal) -> bool:
    """The mark (典型) is for a record in good standing: never a vetoed or 不合格 one."""
    return not appraisal.is_vetoed and appraisal.grade != Grade.UNQUALIFIED


def mark_exemplary(actor: User, appraisal: Appraisal, note: str, *, on: bool = True) -> None:
    """The committee marks a record as exemplary (典型, rule 4.4.2) for the 七一 selection, or
    removes the mark. A vetoed or 不合格 record cannot be marked: Conflict naming ``note``
    (a veto or a spot-check adjustment to 不合格 removes a mark given before, see workflow.py).
    Raises PermissionDenied, FieldErrors on ``note``. Audited."""
    if not policy.can(actor, "appraisal.mark_exemplary", appraisal):
        raise PermissionDenied(_l("Only the party committee marks exemplary records."))
    if on and not can_be_exemplary(appraisal):
        raise Conflict(
            _l("A vetoed or unqualified record cannot be marked exemplary."), field="note"
        )
    note = " ".join((note or "").split())[:300]
    if on and len(note) < 2:
        raise FieldErrors({"note": str(_l("Say what makes it exemplary."))})
    appraisal.is_exemplary = on
    appraisal.exemplary_note = note if on else ""
    audit.record(actor, "appraisal.exemplary", appraisal, org_path=appraisal.org.path, on=on)


# --- spot check -------------------------------------------------------------------------------


def draw_sample(
    actor: User, period: AppraisalPeriod, share: float, seed: str | None = None
) -> list[int]:
    """Draw the committee's spot-check sample: ``share`` of each branch's assessed records,
    at least one per branch. Reproducible from the recorded seed; audited."""
    if not policy.can(actor, "appraisal.manage_periods", period.org):
        raise PermissionDenied(_l("Only the party committee draws the spot check."))
    if period.is_closed:
        raise Conflict(_l("The period is closed; the record is read-only."))
    if not 0 < share <= 1:
        raise FieldErrors({"share": str(_l("Give a share between 1% and 100%."))})
    seed = seed or secrets.token_hex(8)
    rows = db.session.execute(
        select(Appraisal.id, Appraisal.org_id, Org.path, Org.kind, Org.parent_id)
        .join(Org, Org.id == Appraisal.org_id)
        .where(
            Appraisal.period_id == period.id,
            Appraisal.status == Status.ASSESSED,
            Appraisal.is_sampled.is_(False),
        )
        .order_by(Appraisal.id)
    ).all()
    by_branch: dict[int, list[int]] = {}
    for aid, org_id, _path, kind, parent_id in rows:
        branch = branch_id_of(org_id, kind, parent_id)
        by_branch.setdefault(branch, []).append(aid)
    rng = random.Random(f"{period.id}:{seed}")  # noqa: S311 - a reproducible draw, not a secret
    chosen: list[int] = []
    for branch in sorted(by_branch):
        ids = by_branch[branch]
        k = max(1, math.ceil(len(ids) * share))
        chosen.extend(rng.sample(ids, min(k, len(ids))))
    if chosen:
        for a in db.session.scalars(select(Appraisal).where(Appraisal.id.in_(chosen))):
            a.is_sampled = True
    period.spot_seed = seed
    # The pool and the seed are recorded: the same pool and seed always give the same sample.
    audit.record(
        actor,
        "appraisal.draw_sample",
        period.org,
        seed=seed,
        share=share,
        pool=[r[0] for r in rows],
        chosen=sorted(chosen),
        year=period.year,
        quarter=period.quarter,
    )
    return sorted(chosen)
