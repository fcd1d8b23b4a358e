"""The audit log page: read-only, scoped, paginated."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user, login_required

from app import policy
from app.audit.forms import EventFilterForm
from app.audit.search import event_page

bp = Blueprint("audit", __name__)


@bp.route("/")
@login_required
def event_list():
    policy.require(current_user, "audit.view")
    form = EventFilterForm()
    page = event_page(
        current_user,
        form.filters(),
        request.args.get("page", 1, type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template("audit/event_list.html", page=page, form=form)
