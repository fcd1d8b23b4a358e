"""Home page (the user's roles and scope), language switch, health check."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask_login import current_user, login_required
from sqlalchemy import text

from app.appraisal.labels import TASK_LABELS
from app.common.urls import safe_next
from app.extensions import db
from app.home.services import home_page

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    return render_template("home/index.html", page=home_page(current_user), task_labels=TASK_LABELS)


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
