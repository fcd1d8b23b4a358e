"""Volunteer pages: the catalogue, the team, profiles, the match view; and the public guide."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.common import timeutil
from app.common.excel import send_xlsx
from app.common.forms import date_arg, id_arg
from app.errors import DomainError, show_on_form
from app.extensions import db
from app.orgs.models import Org
from app.orgs.services import scoped_orgs, scoped_service_points
from app.roster.models import Member
from app.roster.services import all_skills, get_member
from app.volunteers import excel, posts, services
from app.volunteers.labels import (
    CATEGORY_LABELS,
    HANDLING_LABELS,
    LEVEL_LABELS,
    SKILL_LEVELS,
    WEEKDAY_LABELS,
    reason_text,
)
from app.volunteers.models import CATEGORIES, WEEKDAYS, ServiceItem

bp = Blueprint("volunteers", __name__)
guide_bp = Blueprint("guide", __name__)

LABELS = {
    "category_labels": CATEGORY_LABELS,
    "level_labels": LEVEL_LABELS,
    "handling_labels": HANDLING_LABELS,
    "weekday_labels": WEEKDAY_LABELS,
    "skill_levels": SKILL_LEVELS,
}


@bp.route("/")
@login_required
def team():
    policy.require(current_user, "volunteers.list")
    skill_id, category = id_arg("skill_id"), request.args.get("category", "")
    weekday, free = request.args.get("weekday", ""), request.args.get("free") == "1"
    rows = services.candidates(current_user)
    if skill_id:
        rows = [c for c in rows if skill_id in c.skills]
    if category in CATEGORIES:
        rows = [c for c in rows if category in c.categories]
    if weekday in WEEKDAYS:
        rows = [c for c in rows if weekday in c.availability]
    if free:
        rows = [c for c in rows if c.open_cases < c.max_cases]
    rows.sort(key=lambda c: (c.open_cases / max(c.max_cases, 1), c.name))
    skills = {s.id: s.name for s in all_skills()}
    return render_template(
        "volunteers/team.html", rows=rows[:500], total=len(rows), skills=skills,
        skill_id=skill_id, category=category, weekday=weekday, free=free, **LABELS,
    )  # fmt: skip


@bp.route("/team.xlsx")
@login_required
def team_xlsx():
    policy.require(current_user, "volunteers.list")
    path, name = excel.team_sheet(current_user, services.candidates(current_user))
    db.session.commit()
    return send_xlsx(path, name)


@bp.route("/items")
@login_required
def item_list():
    policy.require(current_user, "volunteers.list")
    f = services.ItemFilters(
        q=request.args.get("q", "")[:40], category=request.args.get("category", ""),
        level=request.args.get("level", ""), published=request.args.get("published", ""),
    )  # fmt: skip
    return render_template("volunteers/items.html", items=services.list_items(current_user, f),
                           f=f, **LABELS)  # fmt: skip


@bp.route("/items.xlsx")
@login_required
def items_xlsx():
    policy.require(current_user, "volunteers.list")
    items = services.list_items(current_user, services.ItemFilters())
    path, name = excel.catalogue_sheet(current_user, items)
    db.session.commit()
    return send_xlsx(path, name)


def _editable_orgs() -> list[Org]:
    return [
        o
        for o in scoped_orgs(current_user)
        if o.kind != "group" and policy.can(current_user, "volunteers.catalogue_edit", o)
    ]


def _item_form_data() -> dict:
    f = request.form
    return {k: f.get(k, "") for k in ("name", "category", "level", "handling", "promised_days",
                                       "materials", "steps", "legal_basis", "notes", "skills")} | {
        "is_published": f.get("is_published") == "1"}  # fmt: skip


@bp.route("/items/new", methods=["GET", "POST"])
@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def item_edit(item_id: int | None = None):
    policy.require(current_user, "volunteers.catalogue_edit")
    item = db.get_or_404(ServiceItem, item_id) if item_id else None
    orgs = _editable_orgs()
    if item is not None and item.org_id not in {o.id for o in orgs}:
        abort(404)
    errors: dict[str, str] = {}
    data = _item_form_data() if request.method == "POST" else {}
    if request.method == "POST":
        org = next((o for o in orgs if o.id == id_arg("org_id")), None)
        if org is None:
            errors["org_id"] = _("Choose the organisation that keeps this item.")
        else:
            try:
                saved = services.save_item(current_user, org, data, item=item,
                                           expected_version=id_arg("version"))  # fmt: skip
            except DomainError as err:
                db.session.rollback()
                if err.status_code in (403, 409):
                    raise
                errors = getattr(err, "errors", {"name": str(err.message)})
            else:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("volunteers.item_detail", item_id=saved.id))
    return render_template("volunteers/item_form.html", item=item, orgs=orgs, data=data,
                           errors=errors, categories=CATEGORIES, **LABELS)  # fmt: skip


def _visible_item(item_id: int) -> ServiceItem:
    item = services.get_item(current_user, item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@login_required
def item_detail(item_id: int):
    """The item with its designated agents and the ranked, explained candidates."""
    policy.require(current_user, "volunteers.list")
    item = _visible_item(item_id)
    points = [sp for sp in scoped_service_points(current_user, active_only=True)
              if sp.level == item.level]  # fmt: skip
    wanted = id_arg("service_point_id")
    sp = next((p for p in points if p.id == wanted), None)
    if sp is None:
        if request.method == "POST":
            abort(404)  # never designate at another point than the one asked for
        sp = points[0] if points else None
    weekday = request.values.get("weekday") or None
    weekday = weekday if weekday in WEEKDAYS else None
    warnings: list[str] = []
    if request.method == "POST":
        member = get_member(current_user, id_arg("member_id") or 0)
        if member is None or sp is None:
            abort(404)
        try:
            warnings = services.designate(current_user, item, sp, member,
                                          request.form.get("role", ""),
                                          confirm=request.form.get("confirm") == "1")  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            if err.status_code == 403:
                raise
            flash(str(err.message), "danger")
        else:
            db.session.commit()
            if not warnings:
                flash(_("Designated."), "success")
                return redirect(url_for("volunteers.item_detail", item_id=item.id,
                                        service_point_id=sp.id))  # fmt: skip
    matches = services.match_item(current_user, item, sp, weekday=weekday) if sp else []
    names = {c.member_id: c.name for c in services.candidates(current_user)}
    return render_template(
        "volunteers/item_detail.html", item=item, points=points, sp=sp, weekday=weekday,
        matches=matches, reason_text=reason_text, designations=services.designations(item),
        names=names, warnings=warnings, pending=request.form if warnings else None,
        point_ids={p.id for p in points},
        can_edit=policy.can(current_user, "volunteers.catalogue_edit"), **LABELS,
    )  # fmt: skip


@bp.route("/profiles/<int:member_id>", methods=["GET", "POST"])
@login_required
def profile(member_id: int):
    member = get_member(current_user, member_id)
    if member is None or not policy.can(current_user, "volunteers.profile_view", member):
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        policy.require(current_user, "volunteers.profile_edit", member)
        f = request.form
        if f.get("confirm_skill"):
            try:
                services.confirm_skill(current_user, member, id_arg("confirm_skill") or 0)
            except DomainError as err:
                db.session.rollback()
                flash(str(getattr(err, "message", err)), "danger")
            else:
                db.session.commit()
            return redirect(url_for("volunteers.profile", member_id=member.id))
        skills = [(f.get(f"skill-{i}", ""), f.get(f"level-{i}", "1")) for i in range(12)]
        data = {"categories": f.getlist("categories"), "availability": f.getlist("availability"),
                "max_cases": f.get("max_cases"), "service_point_id": id_arg("service_point_id"),
                "note": f.get("note", ""), "skills": skills}  # fmt: skip
        try:
            services.save_profile(current_user, member, data)
        except DomainError as err:
            db.session.rollback()
            if err.status_code == 403:
                raise
            errors = getattr(err, "errors", {"note": str(err.message)})
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("volunteers.profile", member_id=member.id))
    return render_template(
        "volunteers/profile.html", m=member, p=services.profile_of(member), errors=errors,
        fits=services.items_for_member(current_user, member), reason_text=reason_text,
        points=scoped_service_points(current_user, active_only=True),
        can_edit=policy.can(current_user, "volunteers.profile_edit", member),
        can_confirm=policy.can(current_user, "volunteers.confirm_skill", member),
        categories=CATEGORIES, weekdays=WEEKDAYS, **LABELS,
    )  # fmt: skip


# --- posts for members without posts ----------------------------------------------------------


@bp.route("/posts", methods=["GET", "POST"])
@login_required
def post_list():
    posts_ = posts.posts_for(current_user)
    if not posts_ and not policy.can(current_user, "volunteers.posts_manage"):
        if not policy.can(current_user, "volunteers.list"):
            abort(403)
    errors: dict[str, str] = {}
    orgs = [o for o in scoped_orgs(current_user)
            if o.kind in ("branch", "general_branch", "committee")
            and policy.can(current_user, "volunteers.posts_manage", o)]  # fmt: skip
    if request.method == "POST":
        org = next((o for o in orgs if o.id == id_arg("org_id")), None)
        if org is None:
            abort(403)
        try:
            post = posts.create_post(current_user, org, request.form.get("name", ""),
                                     request.form.get("duties", ""))  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            errors = getattr(err, "errors", {"name": str(err.message)})
        else:
            db.session.commit()
            return redirect(url_for("volunteers.post_detail", post_id=post.id))
    return render_template("volunteers/posts.html", posts=posts_, orgs=orgs, errors=errors)


@bp.route("/posts/<int:post_id>", methods=["GET", "POST"])
@login_required
def post_detail(post_id: int):
    post = posts.get_post(current_user, post_id)
    if post is None:
        abort(404)
    if request.method == "POST":
        member = get_member(current_user, id_arg("member_id") or 0)
        if member is None:
            abort(404)
        try:
            if request.form.get("what") == "assign":
                posts.assign(current_user, post, member)
            else:
                posts.add_record(current_user, post, member, date_arg("occurred_on"),
                                 request.form.get("summary", ""))  # fmt: skip
        except DomainError as err:
            db.session.rollback()
            if err.status_code == 403:
                raise
            show_on_form(None, err)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
        return redirect(url_for("volunteers.post_detail", post_id=post.id))
    holders = posts.holders(post)
    can_manage = policy.can(current_user, "volunteers.posts_manage", post.org)
    candidates = []
    if can_manage:
        from app.roster.search import MemberFilters, filtered_stmt

        stmt = filtered_stmt(current_user, MemberFilters(post_kind="no_post", org_id=post.org_id))
        candidates = list(db.session.scalars(stmt.order_by(Member.surname_strokes).limit(300)))
    recordable = [h.member for h in holders
                  if policy.can(current_user, "volunteers.post_record", h.member)]  # fmt: skip
    return render_template("volunteers/post_detail.html", post=post, holders=holders,
                           records=posts.records(post), can_manage=can_manage,
                           candidates=candidates, recordable=recordable,
                           today=timeutil.today())  # fmt: skip


# --- public guide ------------------------------------------------------------------------------


@guide_bp.route("/")
def guide():
    """The public service guide: the published catalogue by level and category, no login."""
    items = services.published_catalogue()
    level = request.args.get("level", "")
    if level in LEVEL_LABELS:
        items = [i for i in items if i.level == level]
    grouped: dict[str, dict[str, list[ServiceItem]]] = {}
    for i in items:
        grouped.setdefault(i.level, {}).setdefault(i.category, []).append(i)
    return render_template("guide/index.html", grouped=grouped, level=level,
                           points=services.public_points(), **LABELS)  # fmt: skip


@guide_bp.route("/items/<int:item_id>")
def guide_item(item_id: int):
    item = services.published_item(item_id)
    if item is None:
        abort(404)
    points = [p for p in services.public_points() if p.level == item.level]
    return render_template("guide/item.html", item=item, points=points, **LABELS)
