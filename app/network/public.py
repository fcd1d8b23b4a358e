"""The public complaint form (监督投诉, plan 三.2 and 三.5) under /guide, without login: complain
about a service point or one of its agents and get a number and a tracking code; with the code
and the phone, follow it to its finding and result. The page names the supervising body and
its phone. Both POSTs are rate limited per IP like the online application; the code and phone
travel by POST only, and pages with them are never cached."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.common.public_pages import apply_limit, private, track_limit
from app.errors import errors_on
from app.extensions import db, limiter
from app.network import complaints, complaints_pages, public_bp
from app.network.complaints_forms import PublicComplaintForm, PublicTrackForm
from app.network.models import ComplaintChannel
from app.network.supervision_labels import (
    COMPLAINT_ACTION_LABELS,
    COMPLAINT_STATUS_LABELS,
    FINDING_LABELS,
)
from app.orgs.models import ServicePoint
from app.volunteers import services as catalogue

LABELS = {
    "status_labels": COMPLAINT_STATUS_LABELS,
    "action_labels": COMPLAINT_ACTION_LABELS,
    "finding_labels": FINDING_LABELS,
}


@public_bp.route("/complaint", methods=["GET", "POST"])
@limiter.limit(apply_limit, methods=["POST"])
def complaint():
    """Complain online about a service point or one of its agents."""
    form = PublicComplaintForm()
    form.service_point_id.choices = [SelectChoice(0, _("Choose…"))] + [
        SelectChoice(p.id, p.name) for p in catalogue.public_points()
    ]
    if form.validate_on_submit():
        with errors_on(form) as done:
            c, code = complaints.register_complaint(
                None,
                db.get_or_404(ServicePoint, form.service_point_id.data),
                complaints.ComplaintData(
                    content=form.content.data,
                    name=form.name.data,
                    phone=form.phone.data,
                    agent_name=form.agent_name.data or "",
                ),
                channel=ComplaintChannel.ONLINE,
            )
        if done:
            db.session.commit()
            page = render_template(
                "guide/complaint_received.html",
                c=c,
                code=code,
                supervisor=complaints.supervisor_for(c.service_point),
            )
            return private(page)
    return render_template(
        "guide/complaint.html", form=form, supervisor=complaints.supervisor_for()
    )


@public_bp.route("/complaint/track", methods=["GET", "POST"])
@limiter.limit(track_limit, methods=["POST"])
def complaint_track():
    """Look a complaint up by its tracking code and phone (POST). A wrong code or a wrong phone
    answer alike, and nothing of any other complaint is shown."""
    form = PublicTrackForm()
    if not form.validate_on_submit():
        return render_template("guide/complaint_track.html", form=form)
    c = complaints.find_by_code(form.code.data, form.phone.data)
    if c is None:
        page = render_template("guide/complaint_track.html", form=form, not_found=True)
        return private(page)
    page = render_template(
        "guide/complaint_status.html",
        c=c,
        steps=complaints_pages.public_timeline(c),
        supervisor=complaints.supervisor_for(c.service_point),
        **LABELS,
    )
    return private(page)
