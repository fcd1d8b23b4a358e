"""What members record each quarter: the dimensions per org and post kind (templates) and the
facts each dimension asks for, and the names the self-record form gives their fields."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import audit, policy
from app.appraisal.models import CADRE_DIMENSIONS, DEFAULT_DIMENSIONS, AppraisalTemplate
from app.auth.models import User
from app.errors import FieldErrors, PermissionDenied, ValidationError
from app.extensions import db
from app.orgs.models import Org

# The facts the rules ask for, per dimension: (key, label, kind).
FACTS: dict[str, list[tuple[str, Any, str]]] = {
    "political": [("study_hours", _l("Study hours"), "int"),
                  ("study_topics", _l("Topics studied"), "text")],
    "party_spirit": [("activities", _l("Party activities attended"), "int"),
                     ("dues_on_time", _l("Dues paid on time"), "bool")],
    "job_duties": [("tasks_done", _l("Tasks completed"), "text")],
    "ideological_work": [("talks", _l("Talks with co-workers"), "int"),
                         ("home_visits", _l("Home visits"), "int"),
                         ("help_given", _l("Help given"), "text")],
    "technical": [("exam_results", _l("Exams or competitions and results"), "text")],
}  # fmt: skip

# The dimension whose text may cite the quarter's completed service cases (为群众办实事).
EVIDENCE_KEY = "ideological_work"

POST_KINDS = ("no_post", "cadre")
# A dimension key is a short lower-case identifier: it names form fields and JSON keys.
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


def field_name(key: str, fact: str | None = None) -> str:
    """The self-record form's field for a dimension's text, or for one of its facts; errors
    about the self-record name these fields."""
    return f"dim_{key}" if fact is None else f"dim_{key}__{fact}"


def templates_for(org: Org) -> dict[str, list[dict[str, str]]]:
    """The dimensions per post kind that apply to ``org``: its nearest ancestor's template,
    else the rules' defaults (cadres record three more)."""
    ids = org.ancestor_ids
    rows = list(
        db.session.scalars(select(AppraisalTemplate).where(AppraisalTemplate.org_id.in_(ids)))
    )
    by_kind: dict[str, AppraisalTemplate] = {}
    for t in sorted(rows, key=lambda t: ids.index(t.org_id)):
        by_kind[t.post_kind] = t  # deeper orgs come later and win
    return {
        "no_post": by_kind["no_post"].dimensions if "no_post" in by_kind else DEFAULT_DIMENSIONS,
        "cadre": by_kind["cadre"].dimensions
        if "cadre" in by_kind
        else DEFAULT_DIMENSIONS + CADRE_DIMENSIONS,
    }


def _clean_dimensions(dimensions: list[dict[str, str]]) -> list[dict[str, str]]:
    """Labels and guidance trimmed; a new dimension (no key yet) gets one. Raises FieldErrors."""
    dims = [{**d, "key": d.get("key") or f"custom_{secrets.token_hex(3)}"} for d in dimensions]
    keys = [str(d["key"]) for d in dims]
    if not dims:
        raise FieldErrors({"dimensions": str(_l("Keep at least one dimension."))})
    if len(dims) > 30 or any(not _KEY.fullmatch(k) for k in keys) or len(set(keys)) != len(keys):
        raise FieldErrors({"dimensions": str(_l("The dimensions could not be read; reload."))})
    clean = []
    for d in dims:
        label = " ".join(str(d.get("label", "")).split())[:40]
        if not label:
            raise FieldErrors({"dimensions": str(_l("Every dimension needs a name."))})
        clean.append(
            {"key": d["key"], "label": label, "guidance": str(d.get("guidance", ""))[:500]}
        )
    return clean


def save_template(
    actor: User, org: Org, post_kind: str, dimensions: list[dict[str, str]]
) -> AppraisalTemplate:
    """The committee edits the dimensions' labels and guidance, removes some or adds new ones
    (given without a key); open periods keep theirs. Raises PermissionDenied, FieldErrors
    (field ``dimensions``). Audited."""
    if not policy.can(actor, "appraisal.manage_periods", org):
        raise PermissionDenied(_l("Only the party committee edits appraisal templates."))
    if post_kind not in POST_KINDS:
        raise ValidationError(_l("Unknown post kind."))
    clean = _clean_dimensions(dimensions)
    t = db.session.scalar(
        select(AppraisalTemplate).where(
            AppraisalTemplate.org_id == org.id, AppraisalTemplate.post_kind == post_kind
        )
    )
    if t is None:
        t = AppraisalTemplate(org_id=org.id, post_kind=post_kind, dimensions=clean)
        db.session.add(t)
    else:
        t.dimensions = clean
        t.revision += 1
    db.session.flush()
    audit.record(actor, "appraisal.template", org, post_kind=post_kind, revision=t.revision)
    return t
