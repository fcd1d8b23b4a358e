"""Org tree and service point admin screens."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.common.forms import ConfirmForm
from app.errors import errors_on
from app.extensions import db
from app.orgs import services
from app.orgs.forms import (
    OrgCreateForm,
    OrgMoveForm,
    OrgRenameForm,
    ServicePointEditForm,
    ServicePointForm,
)
from app.orgs.models import (
    ALLOWED_CHILDREN,
    ORG_KIND_LABELS,
    SERVICE_LEVEL_LABELS,
    Org,
    OrgKind,
    ServiceLevel,
    ServicePoint,
)

bp = Blueprint("orgs", __name__)

_LABELS = {"kind_labels": ORG_KIND_LABELS, "level_labels": SERVICE_LEVEL_LABELS}


def _load(org_id: int, action: str = "org.view") -> Org:
    org = db.get_or_404(Org, org_id)
    policy.require(current_user, action, org, visible="org.view")
    return org


@bp.route("/")
@login_required
def org_list():
    policy.require(current_user, "org.list")
    show_inactive = request.args.get("inactive") == "1"
    rows = services.flatten(services.org_tree(current_user, include_inactive=show_inactive))
    return render_template("orgs/org_list.html", rows=rows, show_inactive=show_inactive, **_LABELS)


@bp.route("/<int:org_id>")
@login_required
def org_detail(org_id: int):
    org = _load(org_id)
    return render_template(
        "orgs/org_detail.html",
        org=org,
        breadcrumb=services.org_breadcrumb(org),
        children=services.children_of(org),
        points=services.service_points_of(org),
        grants=services.grants_on(org),
        rename_form=OrgRenameForm(obj=org),
        confirm_form=ConfirmForm(obj=org),
        **_LABELS,
    )


def _kind_choices(parent: Org | None) -> list[tuple[str, str]]:
    kinds = ALLOWED_CHILDREN[OrgKind(parent.kind)] if parent else (OrgKind.COMMITTEE,)
    return [(k.value, str(ORG_KIND_LABELS[k])) for k in kinds]


@bp.route("/new", methods=["GET", "POST"])
@login_required
def org_create():
    parent_id = request.args.get("parent", type=int)
    if parent_id:
        parent = _load(parent_id, "org.create_child")
    else:
        parent = None
        policy.require(current_user, "org.create_root")
    form = OrgCreateForm()
    form.kind.choices = _kind_choices(parent)
    if not form.kind.choices:
        flash(_("This kind of organisation has no sub-organisations."), "warning")
        return redirect(url_for("orgs.org_detail", org_id=parent.id))
    if form.validate_on_submit():
        with errors_on(form) as done:
            org = services.create_org(
                current_user, name=form.name.data, kind=form.kind.data, parent=parent
            )
        if done:
            db.session.commit()
            flash(_("Organisation %(name)s created.", name=org.name), "success")
            return redirect(url_for("orgs.org_detail", org_id=org.id))
    return render_template("orgs/org_create.html", form=form, parent=parent, **_LABELS)


@bp.route("/<int:org_id>/rename", methods=["POST"])
@login_required
def org_rename(org_id: int):
    org = _load(org_id, "org.edit")
    form = OrgRenameForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            services.rename_org(
                current_user, org, name=form.name.data, expected_version=form.version.data
            )
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.org_detail", org_id=org.id))
    for error in form.name.errors:
        flash(str(error), "danger")
    return redirect(url_for("orgs.org_detail", org_id=org.id))


def _move_targets(org: Org) -> list[Org]:
    allowed = {k for k, kids in ALLOWED_CHILDREN.items() if OrgKind(org.kind) in kids}
    return [
        o
        for o in services.scoped_orgs(current_user)
        if o.kind in allowed
        and not o.path.startswith(org.path)
        and o.id != org.parent_id
        and policy.can(current_user, "org.move_into", o)
    ]


@bp.route("/<int:org_id>/move", methods=["GET", "POST"])
@login_required
def org_move(org_id: int):
    org = _load(org_id, "org.move")
    form = OrgMoveForm(obj=org)
    targets = _move_targets(org)
    form.parent_id.choices = [(o.id, "　" * o.depth + o.name) for o in targets]
    if request.method == "GET":
        form.parent_id.data = None
    if form.validate_on_submit():
        new_parent = db.session.get(Org, form.parent_id.data)
        if new_parent is None or new_parent not in targets:
            form.parent_id.errors = [_("Choose a parent from the list.")]
        else:
            with errors_on(form) as done:
                moved = services.move_org(
                    current_user, org, new_parent, expected_version=form.version.data
                )
            if done:
                db.session.commit()
                flash(
                    _(
                        "Moved %(name)s with %(n)d organisations under %(parent)s.",
                        name=org.name,
                        n=moved,
                        parent=new_parent.name,
                    ),
                    "success",
                )
                return redirect(url_for("orgs.org_detail", org_id=org.id))
    return render_template(
        "orgs/org_move.html",
        org=org,
        form=form,
        breadcrumb=services.org_breadcrumb(org),
        has_targets=bool(targets),
        **_LABELS,
    )


@bp.route("/<int:org_id>/deactivate", methods=["GET", "POST"])
@login_required
def org_deactivate(org_id: int):
    org = _load(org_id, "org.deactivate")
    form = ConfirmForm(obj=org)
    if form.validate_on_submit():
        with errors_on(form) as done:
            n = services.set_org_active(
                current_user, org, False, expected_version=form.version.data
            )
        if done:
            db.session.commit()
            flash(_("Deactivated %(n)d organisations.", n=n), "success")
            return redirect(url_for("orgs.org_detail", org_id=org.id))
    return render_template(
        "orgs/org_deactivate.html",
        org=org,
        form=form,
        impact=services.deactivation_impact(org),
        **_LABELS,
    )


@bp.route("/<int:org_id>/activate", methods=["POST"])
@login_required
def org_activate(org_id: int):
    org = _load(org_id, "org.deactivate")
    form = ConfirmForm()
    if form.validate_on_submit():
        with errors_on(None) as done:
            n = services.set_org_active(current_user, org, True, expected_version=form.version.data)
        if done:
            db.session.commit()
            flash(_("Reactivated %(n)d organisations.", n=n), "success")
    return redirect(url_for("orgs.org_detail", org_id=org.id))


# --- service points ----------------------------------------------------------------------------


def _level_choices() -> list[tuple[str, str]]:
    return [(lv.value, str(SERVICE_LEVEL_LABELS[lv])) for lv in ServiceLevel]


def _sp_data(form: ServicePointForm) -> dict[str, str]:
    return {
        "name": form.name.data or "",
        "level": form.level.data or "",
        "hotline": form.hotline.data or "",
        "address": form.address.data or "",
        "opening_hours": form.opening_hours.data or "",
    }


@bp.route("/service-points")
@login_required
def service_point_list():
    policy.require(current_user, "org.list")
    points = services.scoped_service_points(current_user)
    return render_template("orgs/service_point_list.html", points=points, **_LABELS)


@bp.route("/<int:org_id>/service-points/new", methods=["GET", "POST"])
@login_required
def service_point_create(org_id: int):
    org = _load(org_id, "service_point.manage")
    form = ServicePointForm()
    form.level.choices = _level_choices()
    if form.validate_on_submit():
        with errors_on(form) as done:
            sp = services.create_service_point(current_user, org, **_sp_data(form))
        if done:
            db.session.commit()
            flash(_("Service point %(name)s created.", name=sp.name), "success")
            return redirect(url_for("orgs.org_detail", org_id=org.id))
    return render_template("orgs/service_point_form.html", form=form, org=org, sp=None, **_LABELS)


def _load_sp(sp_id: int) -> ServicePoint:
    sp = db.get_or_404(ServicePoint, sp_id)
    policy.require(current_user, "service_point.manage", sp.org, visible="org.view")
    return sp


@bp.route("/service-points/<int:sp_id>/edit", methods=["GET", "POST"])
@login_required
def service_point_edit(sp_id: int):
    sp = _load_sp(sp_id)
    form = ServicePointEditForm(obj=sp)
    form.level.choices = _level_choices()
    if form.validate_on_submit():
        with errors_on(form) as done:
            services.update_service_point(
                current_user, sp, expected_version=form.version.data, **_sp_data(form)
            )
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("orgs.org_detail", org_id=sp.org_id))
    return render_template(
        "orgs/service_point_form.html",
        form=form,
        org=sp.org,
        sp=sp,
        confirm_form=ConfirmForm(obj=sp),
        **_LABELS,
    )


@bp.route("/service-points/<int:sp_id>/<any(activate, deactivate):op>", methods=["POST"])
@login_required
def service_point_status(sp_id: int, op: str):
    sp = _load_sp(sp_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    with errors_on(None) as done:
        services.set_service_point_active(
            current_user, sp, op == "activate", expected_version=form.version.data
        )
    if done:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for("orgs.org_detail", org_id=sp.org_id))
