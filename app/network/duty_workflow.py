"""The lifecycles of a duty rota (draft ⇄ published) and of a letter or visit (open → handled
or case; handled → case), each a transition table applied by the one function ``move``.

Neither record keeps a timeline table of its own (the shared core in ``app/workflow.py`` writes
one step row per move); their history is the audit log, which ``move`` writes for every step.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified

from app import audit, policy
from app.errors import PermissionDenied, StaleRecord
from app.extensions import db
from app.network.models import DutyRota, RotaStatus, Visit, VisitStatus
from app.workflow import InvalidTransition

ROTA_TRANSITIONS: dict[tuple[str, str], str] = {
    (RotaStatus.DRAFT, "publish"): RotaStatus.PUBLISHED,
    (RotaStatus.PUBLISHED, "withdraw"): RotaStatus.DRAFT,
}
VISIT_TRANSITIONS: dict[tuple[str, str], str] = {
    (VisitStatus.OPEN, "handle"): VisitStatus.HANDLED,
    (VisitStatus.OPEN, "to_case"): VisitStatus.CASE,
    (VisitStatus.HANDLED, "to_case"): VisitStatus.CASE,
}
# The policy action each step needs, on the record's service point.
_RULES = {
    "publish": "duty.manage",
    "withdraw": "duty.manage",
    "handle": "visit.handle",
    "to_case": "visit.to_case",
}


def _table(obj: Any) -> dict[tuple[str, str], str]:
    return ROTA_TRANSITIONS if isinstance(obj, DutyRota) else VISIT_TRANSITIONS


def offered(obj: Any, action: str) -> bool:
    """The table lists ``action`` for the record's current state."""
    return (obj.status, action) in _table(obj)


def check(obj: DutyRota | Visit, action: str, actor: Any, *, expected_version: int | None) -> str:
    """Whether ``actor`` may take ``action`` now, changing nothing: returns the new status or
    raises StaleRecord, InvalidTransition (409) or PermissionDenied, as ``move`` would."""
    if expected_version is not None and obj.version != expected_version:
        raise StaleRecord()
    new_status = _table(obj).get((obj.status, action))
    if new_status is None:
        raise InvalidTransition(_l("This step is not possible in the record's current state."))
    if not policy.can(actor, _RULES[action], obj.service_point):
        raise PermissionDenied(_l("You may not take this step on this record."))
    return new_status


def move(
    obj: DutyRota | Visit, action: str, actor: Any, *, expected_version: int | None, **details
):
    """Take ``action`` on a rota or a visit for ``actor``: checks the version (StaleRecord),
    the table (InvalidTransition, 409) and the policy (PermissionDenied), then sets the status
    and writes the audit event (``duty_rota.<action>`` or ``visit.<action>``) with
    ``details``. The caller has made the step's own changes; it commits."""
    new_status = check(obj, action, actor, expected_version=expected_version)
    old_status = obj.status
    obj.status = new_status
    flag_modified(obj, "status")  # every step bumps the version, even to the same state
    if isinstance(obj, DutyRota):
        audit.record(
            actor,
            "duty_rota.publish" if action == "publish" else "duty_rota.withdraw",
            obj,
            org_path=obj.service_point.org.path,
            from_status=old_status,
            to_status=new_status,
            **details,
        )
    else:
        audit.record(
            actor,
            "visit.handle" if action == "handle" else "visit.to_case",
            obj,
            org_path=obj.service_point.org.path,
            from_status=old_status,
            to_status=new_status,
            **details,
        )
    db.session.flush()
