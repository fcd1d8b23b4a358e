"""The staff's pages of one case: the counter intake (受理登记), the case page with one form per
step the viewer may take now, and the printable materials receipt and handling card."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.cases import bp, pages, services
from app.cases.forms import (
    ACCEPT_KINDS,
    STEP_FORMS,
    STEP_TITLES,
    AcceptForm,
    IntakeForm,
    StepForm,
)
from app.cases.labels import (
    ACTION_LABELS,
    CHANNEL_LABELS,
    KIND_LABELS,
    RATING_LABELS,
    STATUS_LABELS,
)
from app.cases.models import ServiceCase, Status
from app.cases.services import ApplicantData
from app.cases.workflow import allowed_actions, apply, check, item_materials
from app.common import timeutil
from app.common.forms import ButtonForm, page_form
from app.errors import errors_on
from app.extensions import db
from app.volunteers.labels import LEVEL_LABELS, reason_text

LABELS = {
    "status_labels": STATUS_LABELS,
    "kind_labels": KIND_LABELS,
    "channel_labels": CHANNEL_LABELS,
    "action_labels": ACTION_LABELS,
    "rating_labels": RATING_LABELS,
    "accept_kinds": ACCEPT_KINDS,
    "step_titles": STEP_TITLES,
}
# Steps nobody takes from the case page: registering is the intake, the system opens a
# follow-up after a bad rating.
_NO_FORM = {"register", "open_follow_up"}


# --- intake ----------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
def case_new():
    points = pages.intake_points(current_user)
    if not points:
        abort(403)
    items = pages.intake_items(current_user)
    form = IntakeForm()
    form.service_point_id.choices = [SelectChoice(sp.id, sp.name) for sp in points]
    form.item_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(i.id, f"{i.name}（{LEVEL_LABELS.get(i.level, i.level)}）") for i in items
    ]
    if request.method == "GET":
        asked = request.args.get("point", type=int)
        form.service_point_id.data = asked if asked in {sp.id for sp in points} else points[0].id
    if form.validate_on_submit():
        sp = next(p for p in points if p.id == form.service_point_id.data)
        item = next(i for i in items if i.id == form.item_id.data)
        with errors_on(form) as done:
            case, code = services.register_case(
                current_user,
                sp,
                item,
                ApplicantData(
                    name=form.name.data,
                    phone=form.phone.data,
                    village=form.village.data,
                    address=form.address.data,
                    id_number=form.id_number.data,
                ),
                form.request.data,
                form.channel.data,
            )
        if done:
            db.session.commit()
            flash(
                _(
                    "Case %(number)s registered. Its tracking code (查询码) is %(code)s: "
                    "give it to the applicant.",
                    number=case.number,
                    code=code,
                ),
                "success",
            )
            return redirect(url_for("cases.case_detail", case_id=case.id))
    return render_template("cases/new.html", form=form)


# --- the case page ------------------------------------------------------------------------------


def _accept_kinds(c: ServiceCase, allowed: list[str]) -> list[str]:
    """The acceptance form's types the viewer may choose now (escalating before acceptance is
    one of them; once accepted, it is a step of its own)."""
    if c.status != Status.APPLIED:
        return []
    return [k for k in ACCEPT_KINDS if k in allowed]


def _form(c: ServiceCase, action: str, *, pressed: bool, kinds: list[str] | None = None):
    """The form of one step, filled with the case's current values and choices."""
    cls = STEP_FORMS.get(action, StepForm)
    data = {"version": c.version}
    if action in ("accept", "papers_arrived"):
        data["materials"] = list(c.materials_received or [])
    if action == "deliver":
        data["on"] = timeutil.today()
    form = page_form(cls, f"step_{action}", pressed=pressed, data=data)
    if hasattr(form, "materials"):
        form.materials.choices = [SelectChoice(m, m) for m in item_materials(c)]
    if isinstance(form, AcceptForm):
        form.kind.choices = [SelectChoice(k, ACCEPT_KINDS[k]) for k in kinds or ["accept"]]
    if action == "part_done":
        form.part_id.choices = [SelectChoice(p.id, p.department) for p in c.parts if not p.done_on]
    return form


def _forms(c: ServiceCase, pressed: str = "") -> dict[str, StepForm]:
    """One form per step the viewer may take now, by action (the acceptance types share the
    one "accept" form)."""
    allowed = allowed_actions(c, current_user)
    kinds = _accept_kinds(c, allowed)
    forms: dict[str, StepForm] = {}
    if kinds:
        forms["accept"] = _form(c, "accept", pressed=pressed == "accept", kinds=kinds)
    for action in allowed:
        if action in _NO_FORM or action in kinds:
            continue
        forms[action] = _form(c, action, pressed=pressed == action)
    return forms


def _render(c: ServiceCase, forms: dict[str, StepForm], status: int = 200, full_phone: str = ""):
    candidates = []
    if "assign" in forms:
        candidates = services.case_candidates(current_user, c)
        forms["assign"].member_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(m.member_id, m.name) for m in candidates
        ]
    page = pages.case_page(c)
    return (
        render_template(
            "cases/detail.html",
            page=page,
            c=c,
            forms=forms,
            candidates=candidates,
            reason_text=reason_text,
            is_joint=c.item.handling == "joint",
            full_phone=full_phone,
            reveal_form=ButtonForm(),
            **LABELS,
        ),
        status,
    )


@bp.route("/<int:case_id>")
@login_required
def case_detail(case_id: int):
    c = services.get_case(current_user, case_id)
    return _render(c, _forms(c))


@bp.route("/<int:case_id>/phone", methods=["POST"])
@login_required
def case_phone(case_id: int):
    """The applicant's full phone number, in this response only (never in the cookie)."""
    c = services.get_case(current_user, case_id)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("cases.case_detail", case_id=c.id))
    phone = services.reveal_phone(current_user, c)
    db.session.commit()
    return _render(c, _forms(c), full_phone=phone)


@bp.route("/<int:case_id>/step/<action>", methods=["POST"])
@login_required
def case_step(case_id: int, action: str):
    c = services.get_case(current_user, case_id)
    if action not in ACTION_LABELS or action in _NO_FORM:
        abort(404)
    forms = _forms(c, pressed=action)
    form = forms.get(action)
    if form is None:
        # The viewer has no form for this step: refuse it (403/409) before reading any input.
        check(c, action, current_user)
        form = forms[action] = _form(c, action, pressed=True)
    if form.validate_on_submit():
        taken = form.kind.data if isinstance(form, AcceptForm) else action
        if taken != action:
            check(c, taken, current_user)  # a type the form did not offer is refused
        with errors_on(form) as done:
            _take(c, taken, form)
        if done:
            db.session.commit()
            flash(str(ACTION_LABELS.get(taken, taken)), "success")
            return redirect(url_for("cases.case_detail", case_id=c.id))
    return _render(c, forms)


def _take(c: ServiceCase, action: str, form: StepForm) -> None:
    """Take the step with the form's input (a rating goes through ``services.rate``, which
    opens the follow-up when it is a first bad one)."""
    comment = form.comment.data or ""
    if action == "evaluate":
        services.rate(current_user, c, form.level.data, comment, form.version.data)
        return
    data = form.step_data()
    if action == "assign":
        data["member"] = services.assignable(current_user, form.member_id.data)
    apply(c, action, current_user, expected_version=form.version.data, comment=comment, data=data)


# --- printouts ---------------------------------------------------------------------------------


def _sheet(case_id: int, template: str):
    c = services.get_case(current_user, case_id)
    return render_template(
        template,
        page=pages.case_page(c),
        c=c,
        code=services.tracking_code(c),
        materials=item_materials(c),
        **LABELS,
    )


@bp.route("/<int:case_id>/receipt")
@login_required
def case_receipt(case_id: int):
    """The materials receipt (材料接收单), one A4 page."""
    return _sheet(case_id, "cases/receipt.html")


@bp.route("/<int:case_id>/card")
@login_required
def case_card(case_id: int):
    """The handling card (承办卡), one A4 page."""
    return _sheet(case_id, "cases/card.html")
