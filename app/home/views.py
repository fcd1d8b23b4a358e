"""Home page (the user's roles and scope), language switch, health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import text

from app.appraisal.labels import STATUS_LABELS
from app.common import timeutil
from app.common.urls import safe_next
from app.extensions import db
from app.home.forms import LanguageForm
from app.home.services import home_page
from app.network.duty_labels import SLOT_LABELS
from app.network.duty_pages import on_duty_today
from app.reports.dashboard_home import home_figures

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    # The front door: an anonymous visit goes to the login page without "please log in first".
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    today = timeutil.today()
    return render_template(
        "home/index.html",
        page=home_page(current_user, today),
        on_duty_today=on_duty_today(current_user, today),
        duty_slot_labels=SLOT_LABELS,
        report_figures=home_figures(current_user, today),
        status_labels=STATUS_LABELS,
    )


@bp.route("/lang", methods=["POST"])
def set_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
    return redirect(safe_next(form.next.data))


@bp.route("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
