"""The network's home page, and the duty rotas of a point: the list with the month planner,
a rota's calendar with its hand edits, publishing and kept/missed records, print and Excel."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.common import timeutil
from app.common.excel import send_xlsx
from app.common.forms import ConfirmForm, page_form
from app.errors import errors_on
from app.extensions import db
from app.network import bp, duty, duty_pages, duty_shifts
from app.network.duty_excel import export_rota, title_of
from app.network.duty_forms import (
    GenerateForm,
    RegenerateForm,
    ShiftAddForm,
    ShiftReplaceForm,
    pool_choices,
)
from app.network.duty_labels import (
    KEPT_LABELS,
    KIND_LABELS,
    POOL_LABELS,
    ROTA_STATUS_LABELS,
    SECTIONS,
    SLOT_LABELS,
    UNPLACED_LABELS,
    WEEKDAY_NAMES,
)
from app.network.duty_plan import Plan, Settings

LABELS = {
    "kind_labels": KIND_LABELS,
    "status_labels": ROTA_STATUS_LABELS,
    "slot_labels": SLOT_LABELS,
    "kept_labels": KEPT_LABELS,
    "weekday_names": WEEKDAY_NAMES,
    "unplaced_labels": UNPLACED_LABELS,
    "pool_labels": POOL_LABELS,
}


def _sections() -> list[tuple[str, str]]:
    """(label, address) of the other network pages this user may open."""
    return [
        (label, url_for(ep)) for ep, label, action in SECTIONS if policy.can(current_user, action)
    ]


@bp.route("/")
@login_required
def index():
    policy.require(current_user, "network.view")
    points = duty_pages.visible_points(current_user)
    today = timeutil.today()
    on_duty = {d.point.id: d.shifts for d in duty_pages.on_duty_today(current_user, today, points)}
    return render_template(
        "network/duty/index.html",
        points=points,
        on_duty=on_duty,
        today=today,
        sections=_sections(),
        **LABELS,
    )


# --- a point's rotas ---------------------------------------------------------------------------


def _settings(form) -> Settings:
    weekday = form.weekday.data if form.kind.data == "reception" else None
    return Settings(
        per_day=form.per_day.data or 0, half_days=bool(form.half_days.data), weekday=weekday
    )


def _report(plan: Plan) -> None:
    if plan.short:
        days = "、".join(sorted({d.strftime("%m-%d") for d, _s, _n in plan.short}))
        message = _("Too few people could stand on %(days)s: add someone by hand.", days=days)
        flash(message, "warning")
    if plan.unplaced:
        n = len(plan.unplaced)
        flash(_("%(n)d people of the pool have no shift; the rota page says why.", n=n), "info")


@bp.route("/points/<int:sp_id>/duty", methods=["GET", "POST"])
@login_required
def rota_list(sp_id: int):
    sp = duty.get_point(current_user, sp_id)
    kinds = duty.kinds_for(sp)
    default = duty.DEFAULTS[kinds[0]]
    reception = duty.DEFAULTS["reception"]
    nxt = timeutil.today().replace(day=1)
    month = f"{nxt.year + (nxt.month == 12)}-{nxt.month % 12 + 1:02d}"
    form = GenerateForm(
        data={"per_day": default.per_day, "weekday": reception.weekday, "month": month}
    )
    form.set_kinds(kinds)
    if request.method == "POST":
        policy.require(current_user, "duty.manage", sp)
        if form.validate_on_submit():
            year, mon = (int(x) for x in form.month.data.split("-"))
            with errors_on(form) as done:
                rota, plan = duty.generate_rota(
                    current_user, sp, form.kind.data, year, mon, _settings(form)
                )
            if done:
                db.session.commit()
                flash(_("The month is planned as a draft: check it, then publish it."), "success")
                _report(plan)
                return redirect(url_for("network.rota_detail", rota_id=rota.id))
    return render_template(
        "network/duty/list.html",
        sp=sp,
        rotas=duty.rotas_of(current_user, sp),
        form=form,
        kinds=kinds,
        defaults=duty.DEFAULTS,
        may_manage=policy.can(current_user, "duty.manage", sp),
        **LABELS,
    )


# --- one rota ------------------------------------------------------------------------------


def _forms(rota, pressed: str = "", **given):
    people = duty.pool(rota.service_point, rota.kind)
    choices = pool_choices(people)
    version = {"version": rota.version}
    add = given.get("add") or page_form(ShiftAddForm, "add", pressed=pressed == "add", data=version)
    add.member_id.choices = choices
    replace = {}
    for s in rota.shifts:
        prefix = f"r{s.id}"
        form = given.get(prefix) or page_form(
            ShiftReplaceForm, prefix, pressed=pressed == prefix, data=version
        )
        form.member_id.choices = choices
        replace[s.id] = form
    regen = given.get("regen") or page_form(
        RegenerateForm,
        "regen",
        pressed=pressed == "regen",
        data={**version, "per_day": duty.DEFAULTS[rota.kind].per_day, "weekday": 2},
    )
    return {"add": add, "replace": replace, "regen": regen, "confirm": ConfirmForm(data=version)}


def _render_rota(rota, forms, status: int = 200):
    sp = rota.service_point
    return (
        render_template(
            "network/duty/rota.html",
            rota=rota,
            sp=sp,
            weeks=duty_pages.calendar_weeks(rota),
            review=duty_pages.review(rota),
            forms=forms,
            today=timeutil.today(),
            may_manage=policy.can(current_user, "duty.manage", sp),
            may_record=policy.can(current_user, "duty.record", sp),
            **LABELS,
        ),
        status,
    )


@bp.route("/rotas/<int:rota_id>")
@login_required
def rota_detail(rota_id: int):
    rota = duty.get_rota(current_user, rota_id)
    return _render_rota(rota, _forms(rota))


def _back(rota):
    return redirect(url_for("network.rota_detail", rota_id=rota.id))


@bp.route("/rotas/<int:rota_id>/shifts", methods=["POST"])
@login_required
def shift_add(rota_id: int):
    rota = duty.get_rota(current_user, rota_id)
    policy.require(current_user, "duty.manage", rota.service_point)
    forms = _forms(rota, "add")
    form = forms["add"]
    if form.validate_on_submit():
        with errors_on(form) as done:
            duty_shifts.add_shift(
                current_user,
                rota,
                form.day.data,
                form.slot.data,
                form.member_id.data,
                expected_version=form.version.data,
            )
        if done:
            db.session.commit()
            flash(_("Added to the rota."), "success")
            return _back(rota)
    return _render_rota(rota, forms, 400)


@bp.route("/rotas/<int:rota_id>/shifts/<int:shift_id>/replace", methods=["POST"])
@login_required
def shift_replace(rota_id: int, shift_id: int):
    rota = duty.get_rota(current_user, rota_id)
    policy.require(current_user, "duty.manage", rota.service_point)
    shift = duty_shifts.get_shift(rota, shift_id)
    forms = _forms(rota, f"r{shift.id}")
    form = forms["replace"][shift.id]
    if form.validate_on_submit():
        with errors_on(form) as done:
            duty_shifts.replace_shift(
                current_user, rota, shift, form.member_id.data, expected_version=form.version.data
            )
        if done:
            db.session.commit()
            flash(_("The shift has a new person."), "success")
            return _back(rota)
    return _render_rota(rota, forms, 400)


@bp.route("/rotas/<int:rota_id>/shifts/<int:shift_id>/remove", methods=["POST"])
@login_required
def shift_remove(rota_id: int, shift_id: int):
    rota = duty.get_rota(current_user, rota_id)
    policy.require(current_user, "duty.manage", rota.service_point)
    shift = duty_shifts.get_shift(rota, shift_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        duty_shifts.remove_shift(current_user, rota, shift, expected_version=form.version.data)
        db.session.commit()
        flash(_("Taken off the rota."), "success")
    return _back(rota)


@bp.route("/rotas/<int:rota_id>/shifts/<int:shift_id>/kept", methods=["POST"])
@login_required
def shift_kept(rota_id: int, shift_id: int):
    rota = duty.get_rota(current_user, rota_id)
    policy.require(current_user, "duty.record", rota.service_point)
    shift = duty_shifts.get_shift(rota, shift_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with errors_on(None) as done:
            duty_shifts.record_kept(
                current_user,
                rota,
                shift,
                request.form.get("kept", ""),
                expected_version=form.version.data,
            )
        if done:
            db.session.commit()
    return _back(rota)


def _step(rota_id: int, step: str):
    rota = duty.get_rota(current_user, rota_id)
    policy.require(current_user, "duty.manage", rota.service_point)
    form = ConfirmForm()
    if form.validate_on_submit():
        if step == "publish":
            duty.publish_rota(current_user, rota, expected_version=form.version.data)
            message = _("Published: the rota now shows who is on duty.")
        else:
            duty.withdraw_rota(current_user, rota, expected_version=form.version.data)
            message = _("Withdrawn to a draft: it is no longer shown as on duty.")
        db.session.commit()
        flash(message, "success")
    return _back(rota)


@bp.route("/rotas/<int:rota_id>/publish", methods=["POST"])
@login_required
def rota_publish(rota_id: int):
    return _step(rota_id, "publish")


@bp.route("/rotas/<int:rota_id>/withdraw", methods=["POST"])
@login_required
def rota_withdraw(rota_id: int):
    return _step(rota_id, "withdraw")


@bp.route("/rotas/<int:rota_id>/regenerate", methods=["POST"])
@login_required
def rota_regenerate(rota_id: int):
    rota = duty.get_rota(current_user, rota_id)
    policy.require(current_user, "duty.manage", rota.service_point)
    forms = _forms(rota, "regen")
    form = forms["regen"]
    if form.validate_on_submit():
        weekday = form.weekday.data if rota.kind == "reception" else None
        settings = Settings(form.per_day.data, bool(form.half_days.data), weekday)
        with errors_on(form) as done:
            plan = duty.regenerate_rota(
                current_user, rota, settings, expected_version=form.version.data
            )
        if done:
            db.session.commit()
            flash(_("The month is planned again."), "success")
            _report(plan)
            return _back(rota)
    return _render_rota(rota, forms, 400)


@bp.route("/rotas/<int:rota_id>/delete", methods=["POST"])
@login_required
def rota_delete(rota_id: int):
    rota = duty.get_rota(current_user, rota_id)
    sp = rota.service_point
    policy.require(current_user, "duty.manage", sp)
    form = ConfirmForm()
    if form.validate_on_submit():
        duty.delete_rota(current_user, rota, expected_version=form.version.data)
        db.session.commit()
        flash(_("The draft rota is deleted."), "success")
        return redirect(url_for("network.rota_list", sp_id=sp.id))
    return _back(rota)


@bp.route("/rotas/<int:rota_id>/print")
@login_required
def rota_print(rota_id: int):
    rota = duty.get_rota(current_user, rota_id)
    return render_template(
        "network/duty/print.html",
        rota=rota,
        title=title_of(rota),
        weeks=duty_pages.calendar_weeks(rota),
        **LABELS,
    )


@bp.route("/rotas/<int:rota_id>/rota.xlsx")
@login_required
def rota_xlsx(rota_id: int):
    rota = duty.get_rota(current_user, rota_id)
    path, name = export_rota(current_user, rota)
    db.session.commit()
    return send_xlsx(path, name)
