"""The audit log page: read-only, scoped, paginated."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from app import policy
from app.audit import AuditEvent
from app.common.pagination import paginate

bp = Blueprint("audit", __name__)

ACTION_LABELS = {
    "auth.login": _l("Log in"),
    "auth.logout": _l("Log out"),
    "auth.lock": _l("Account locked"),
    "auth.unlock": _l("Account unlocked"),
    "auth.password_change": _l("Password changed"),
    "user.create": _l("Account created"),
    "user.update": _l("Account edited"),
    "user.reset_password": _l("Password reset"),
    "user.deactivate": _l("Account deactivated"),
    "user.activate": _l("Account reactivated"),
    "role.grant": _l("Role granted"),
    "role.revoke": _l("Role revoked"),
    "org.create": _l("Organisation created"),
    "org.rename": _l("Organisation renamed"),
    "org.move": _l("Organisation moved"),
    "org.deactivate": _l("Organisation deactivated"),
    "org.activate": _l("Organisation reactivated"),
    "service_point.create": _l("Service point created"),
    "service_point.update": _l("Service point edited"),
    "service_point.deactivate": _l("Service point deactivated"),
    "service_point.activate": _l("Service point reactivated"),
}


@bp.route("/")
@login_required
def event_list():
    policy.require(current_user, "audit.view")
    action = (request.args.get("action") or "").strip()[:64]
    actor = (request.args.get("actor") or "").strip()[:64]
    result = request.args.get("result") or ""
    stmt = policy.scope(select(AuditEvent), current_user, AuditEvent)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if actor:
        stmt = stmt.where(AuditEvent.actor_name == actor)
    if result in ("ok", "fail"):
        stmt = stmt.where(AuditEvent.result == result)
    page = paginate(
        stmt.order_by(AuditEvent.id.desc()),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "audit/event_list.html",
        page=page,
        action=action,
        actor=actor,
        result=result,
        action_labels=ACTION_LABELS,
    )
