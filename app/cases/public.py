"""The public online agency (网络代理服务, plan 三.5), under /guide and without login: apply for
a published item at a service point and get a tracking code; with the code and the phone
number, follow the case and rate it once it is delivered. Both POSTs are rate limited per IP;
the code and phone travel by POST only, and the pages are never cached."""

from __future__ import annotations

from flask import Blueprint, flash, render_template, request
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.cases import services
from app.cases.labels import ACTION_LABELS, KIND_LABELS, RATING_LABELS, STATUS_LABELS
from app.cases.models import Status
from app.cases.public_forms import ApplyForm, RateForm, TrackForm
from app.cases.workflow import latest_evaluation
from app.common.public_pages import apply_limit, private, track_limit
from app.errors import errors_on
from app.extensions import db, limiter
from app.orgs.models import ServicePoint
from app.volunteers import services as catalogue
from app.volunteers.labels import LEVEL_LABELS

bp = Blueprint("public_cases", __name__)

LABELS = {
    "status_labels": STATUS_LABELS,
    "kind_labels": KIND_LABELS,
    "action_labels": ACTION_LABELS,
    "rating_labels": RATING_LABELS,
}


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(apply_limit, methods=["POST"])
def apply():
    """Apply online for a published item (``?item=<id>`` preselects it)."""
    form = ApplyForm(item_id=request.args.get("item", type=int))
    blank = [SelectChoice(0, _("Choose…"))]
    form.item_id.choices = blank + [
        SelectChoice(i.id, f"{i.name}（{LEVEL_LABELS.get(i.level, i.level)}）")
        for i in catalogue.published_catalogue()
    ]
    form.service_point_id.choices = blank + [
        SelectChoice(p.id, p.name) for p in catalogue.public_points()
    ]
    if form.validate_on_submit():
        with errors_on(form) as done:
            case, code = services.register_case(
                None,
                db.get_or_404(ServicePoint, form.service_point_id.data),
                catalogue.published_item(form.item_id.data),
                services.ApplicantData(
                    name=form.name.data, phone=form.phone.data, village=form.village.data or ""
                ),
                form.request.data,
                channel="online",
            )
        if done:
            db.session.commit()
            page = render_template("cases/public_applied.html", case=case, code=code)
            return private(page)
    return render_template("cases/public_apply.html", form=form)


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(track_limit, methods=["POST"])
def track():
    """Look a case up by its tracking code and phone (POST); rate it once delivered. A wrong
    code or a wrong phone answer alike, and nothing of any other case is shown."""
    form = TrackForm()
    if not form.validate_on_submit():
        return render_template("cases/public_track.html", form=form)
    case = services.find_by_code(form.code.data, form.phone.data)
    if case is None:
        page = render_template("cases/public_track.html", form=form, not_found=True)
        return private(page)
    rate_form = RateForm(code=form.code.data, phone=form.phone.data, version=case.version)
    if rate_form.is_posted() and rate_form.validate():
        with errors_on(rate_form) as done:
            services.rate(
                None,
                case,
                rate_form.level.data,
                rate_form.comment.data,
                expected_version=rate_form.version.data,
            )
        if done:
            db.session.commit()
            flash(_("Thank you for your rating."), "success")
    page = render_template(
        "cases/public_case.html",
        case=case,
        steps=services.public_timeline(case),
        evaluation=latest_evaluation(case),
        rate_form=rate_form if case.status == Status.DELIVERED else None,
        **LABELS,
    )
    return private(page)
