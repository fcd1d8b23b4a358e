"""Home page (the user's roles and scope), language switch, health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user, login_required
from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from app.auth.models import ROLE_LABELS
from app.common.urls import safe_next
from app.extensions import db
from app.orgs.models import ORG_KIND_LABELS, Org
from app.roster.models import Member

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    # The full path of each granted org, e.g. 党工委 › 泉湖镇党总支 › 泉湖村党支部 (one query).
    ids = {i for g in current_user.grants for i in g.org.ancestor_ids}
    names = (
        {o.id: o.name for o in db.session.scalars(select(Org).where(Org.id.in_(ids)))}
        if ids
        else {}
    )
    scopes = [
        {
            "grant": g,
            "role": ROLE_LABELS.get(g.role, g.role),
            "trail": [names.get(i, "") for i in g.org.ancestor_ids],
        }
        for g in current_user.grants
    ]
    own = db.session.scalar(
        select(Member).where(Member.user_id == current_user.id).options(joinedload(Member.org))
    )
    from app.appraisal.inbox import inbox

    return render_template(
        "home/index.html",
        scopes=scopes,
        kind_labels=ORG_KIND_LABELS,
        own_member=own,
        box=inbox(current_user, limit=50),
    )


@bp.route("/lang", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next")))


@bp.route("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
