"""Home page (the user's roles and scope), language switch, health check."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, session, url_for
from flask_login import current_user
from sqlalchemy import text

from app.appraisal.labels import STATUS_LABELS
from app.common import timeutil, versions
from app.common.urls import safe_next
from app.extensions import db
from app.home.forms import LanguageForm
from app.home.services import home_page
from app.network.duty_labels import SLOT_LABELS
from app.network.duty_pages import on_duty_today
from app.reports import figures
from app.reports.dashboard_home import home_figures

bp = Blueprint("home", __name__)

# What the home page shows: the to-dos (appraisal, key persons' talks), one's cases, the
# figures of one's scope (cases, items, points, accounts), who is on duty, one's roles.
versions.watch("duty", "duty_rota", "duty_shift")
TOPICS = (
    "appraisal",
    "responsibility",
    "cases",
    "catalogue",
    "network",
    "points",
    "roster",
    "accounts",
    "duty",
)


@bp.route("/")
def index():
    # The front door: an anonymous visit goes to the login page without "please log in first".
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    today = timeutil.today()

    def body() -> str:
        return render_template(
            "home/_body.html",
            page=home_page(current_user, today),
            on_duty_today=on_duty_today(current_user, today),
            duty_slot_labels=SLOT_LABELS,
            report_figures=home_figures(current_user, today),
            status_labels=STATUS_LABELS,
        )

    # Rendered once per change of anything it shows, for the user, the day and the rules in
    # force (the satisfaction rate).
    key = ("home.body", current_user.id, current_user.is_active, today, figures.settings_key())
    return render_template("home/index.html", body=versions.fragment(TOPICS, key, body))


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
