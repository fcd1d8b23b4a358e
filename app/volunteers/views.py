"""Volunteer pages: the catalogue, the team, profiles, the match view, posts; and the public
guide. Each route reads its form, calls a service or two, and renders or redirects."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.cases import stats
from app.common import timeutil
from app.common.excel import send_xlsx
from app.errors import NotFound, errors_on
from app.extensions import db
from app.roster.models import Member
from app.roster.services import get_member
from app.roster.skills import all_skills
from app.volunteers import agents, excel, posts, profiles, services
from app.volunteers.forms import (
    NONE,
    AssignForm,
    DesignateForm,
    ItemEditForm,
    ItemFilterForm,
    ItemForm,
    MatchForm,
    PostForm,
    PostRecordForm,
    ProfileForm,
    TeamFilterForm,
    designate_forms,
    id_choices,
    profile_form,
)
from app.volunteers.labels import (
    CATEGORY_LABELS,
    HANDLING_LABELS,
    LEVEL_LABELS,
    SKILL_LEVELS,
    WEEKDAY_LABELS,
    reason_text,
)
from app.volunteers.models import ServiceItem

bp = Blueprint("volunteers", __name__)
guide_bp = Blueprint("guide", __name__)

LABELS = {
    "category_labels": CATEGORY_LABELS,
    "level_labels": LEVEL_LABELS,
    "handling_labels": HANDLING_LABELS,
    "weekday_labels": WEEKDAY_LABELS,
    "skill_levels": SKILL_LEVELS,
    "reason_text": reason_text,
}


@bp.route("/")
@login_required
def team():
    policy.require(current_user, "volunteers.list")
    skills = all_skills()
    form = TeamFilterForm()
    form.skill_id.choices = id_choices(skills, blank=_("Any skill"))
    f = agents.TeamFilters(
        form.skill_id.data or 0,
        form.category.data or "",
        form.weekday.data or "",
        bool(form.free.data),
    )
    rows, total = agents.team(current_user, f)
    return render_template(
        "volunteers/team.html",
        rows=rows,
        total=total,
        form=form,
        skills={s.id: s.name for s in skills},
        **LABELS,
    )


@bp.route("/team.xlsx")
@login_required
def team_xlsx():
    policy.require(current_user, "volunteers.list")
    path, name = excel.team_sheet(current_user, agents.candidates(current_user))
    db.session.commit()
    return send_xlsx(path, name)


@bp.route("/items")
@login_required
def item_list():
    policy.require(current_user, "volunteers.list")
    form = ItemFilterForm()
    f = services.ItemFilters(
        q=(form.q.data or "")[:40],
        category=form.category.data or "",
        level=form.level.data or "",
        published=form.published.data or "",
    )
    items = services.list_items(current_user, f)
    return render_template("volunteers/items.html", items=items, form=form, **LABELS)


@bp.route("/items.xlsx")
@login_required
def items_xlsx():
    policy.require(current_user, "volunteers.list")
    items = services.list_items(current_user, services.ItemFilters())
    path, name = excel.catalogue_sheet(current_user, items)
    db.session.commit()
    return send_xlsx(path, name)


@bp.route("/items/new", methods=["GET", "POST"])
@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def item_edit(item_id: int | None = None):
    policy.require(current_user, "volunteers.catalogue_edit")
    item = services.get_editable_item(current_user, item_id) if item_id else None
    orgs = {o.id: o for o in services.editable_orgs(current_user)}
    if item is None:
        form = ItemForm()
    else:
        form = ItemEditForm(obj=item, skill_names="，".join(s.name for s in item.skills))
    form.org_id.choices = id_choices(orgs.values(), lambda o: "　" * o.depth + o.name)
    if form.validate_on_submit():
        version = form.version.data if item is not None else None
        with errors_on(form) as done:
            saved = services.save_item(
                current_user,
                orgs[form.org_id.data],
                form.item_data(),
                item=item,
                expected_version=version,
            )
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("volunteers.item_detail", item_id=saved.id))
    return render_template("volunteers/item_form.html", item=item, form=form)


def _item_page(item: ServiceItem, form: MatchForm, designate: DesignateForm | None = None):
    page = agents.item_page(current_user, item, form.service_point_id.data, form.weekday.data)
    form.service_point_id.choices = id_choices(page.points)
    form.service_point_id.data = page.sp.id if page.sp else 0
    forms = designate_forms(page.matches, page.sp) if page.sp else {}
    return render_template(
        "volunteers/item_detail.html",
        item=item,
        page=page,
        form=form,
        designate_forms=forms,
        pending=designate,
        **LABELS,
    )


@bp.route("/items/<int:item_id>")
@login_required
def item_detail(item_id: int):
    """The item with its designated agents and the ranked, explained candidates."""
    policy.require(current_user, "volunteers.list")
    item = services.get_item(current_user, item_id)
    return _item_page(item, MatchForm())


@bp.route("/items/<int:item_id>/designate", methods=["POST"])
@login_required
def item_designate(item_id: int):
    """Designate a candidate; a warning comes back with a "designate anyway" button."""
    policy.require(current_user, "volunteers.list")
    item = services.get_item(current_user, item_id)
    form = DesignateForm()
    if not form.validate_on_submit():
        abort(400)
    sp = agents.designation_point(current_user, item, form.service_point_id.data)
    member = get_member(current_user, form.member_id.data)
    if member is None:
        raise NotFound(_("No such member in your scope."))
    warnings: list[str] = []
    with errors_on(None) as done:
        warnings = agents.designate(
            current_user, item, sp, member, form.role, confirm=form.confirmed
        )
    if done and not warnings:
        db.session.commit()
        flash(_("Designated."), "success")
    elif warnings:
        for w in warnings:
            flash(w, "warning")
        form.confirm.data = "1"
        match = MatchForm(formdata=None, service_point_id=sp.id)
        return _item_page(item, match, designate=form)
    return redirect(url_for("volunteers.item_detail", item_id=item.id, service_point_id=sp.id))


# --- profiles ---------------------------------------------------------------------------------


def _profile_member(member_id: int) -> Member:
    member = get_member(current_user, member_id)
    if member is None or not policy.can(current_user, "volunteers.profile_view", member):
        raise NotFound(_("No such member in your scope."))
    return member


@bp.route("/profiles/<int:member_id>", methods=["GET", "POST"])
@login_required
def profile(member_id: int):
    member = _profile_member(member_id)
    p = profiles.profile_of(member)
    form = ProfileForm() if request.method == "POST" else profile_form(p)
    points = profiles.service_point_choices(current_user, member)
    form.service_point_id.choices = id_choices(points, blank=NONE)
    if request.method == "POST":
        policy.require(current_user, "volunteers.profile_edit", member)
    if form.validate_on_submit():
        with errors_on(form) as done:
            profiles.save_profile(current_user, member, form.profile_data())
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("volunteers.profile", member_id=member.id))
    fits = agents.items_for_member(current_user, member)
    cases = stats.member_cases(current_user, member, timeutil.today())
    return render_template(
        "volunteers/profile.html", m=member, p=p, form=form, fits=fits, cases=cases, **LABELS
    )


@bp.route("/profiles/<int:member_id>/skills/<int:skill_id>/confirm", methods=["POST"])
@login_required
def confirm_skill(member_id: int, skill_id: int):
    member = _profile_member(member_id)
    policy.require(current_user, "volunteers.confirm_skill", member)
    with errors_on(None) as done:
        profiles.confirm_skill(current_user, member, skill_id)
    if done:
        db.session.commit()
    return redirect(url_for("volunteers.profile", member_id=member.id))


# --- posts for members without posts ----------------------------------------------------------


@bp.route("/posts", methods=["GET", "POST"])
@login_required
def post_list():
    posts_ = posts.posts_for(current_user)
    if not posts_ and not policy.can(current_user, "volunteers.list"):
        abort(403)
    orgs = {o.id: o for o in posts.manageable_orgs(current_user)}
    form = PostForm()
    form.org_id.choices = id_choices(orgs.values())
    if request.method == "POST" and not orgs:
        abort(403)
    if form.validate_on_submit():
        with errors_on(form) as done:
            post = posts.create_post(
                current_user, orgs[form.org_id.data], form.name.data, form.duties.data
            )
        if done:
            db.session.commit()
            return redirect(url_for("volunteers.post_detail", post_id=post.id))
    return render_template("volunteers/posts.html", posts=posts_, form=form)


def _post_page(post, assign: AssignForm | None = None, record: PostRecordForm | None = None):
    holders = posts.holders(current_user, post)
    assign = assign or AssignForm(formdata=None)
    assign.member_id.choices = id_choices(posts.assignable_members(current_user, post))
    record = record or PostRecordForm(formdata=None, occurred_on=timeutil.today())
    record.member_id.choices = id_choices(posts.recordable_members(current_user, holders.shown))
    return render_template(
        "volunteers/post_detail.html",
        post=post,
        holders=holders,
        records=posts.records(current_user, post),
        assign=assign,
        record=record,
    )


@bp.route("/posts/<int:post_id>")
@login_required
def post_detail(post_id: int):
    return _post_page(posts.get_post(current_user, post_id))


@bp.route("/posts/<int:post_id>/holders", methods=["POST"])
@login_required
def post_assign(post_id: int):
    post = posts.get_post(current_user, post_id)
    policy.require(current_user, "volunteers.posts_manage", post.org)
    form = AssignForm()
    form.member_id.choices = id_choices(posts.assignable_members(current_user, post))
    if form.validate_on_submit():
        with errors_on(form) as done:
            posts.assign(current_user, post, get_member(current_user, form.member_id.data))
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("volunteers.post_detail", post_id=post.id))
    return _post_page(post, assign=form)


@bp.route("/posts/<int:post_id>/records", methods=["POST"])
@login_required
def post_record(post_id: int):
    post = posts.get_post(current_user, post_id)
    form = PostRecordForm()
    shown = posts.holders(current_user, post).shown
    form.member_id.choices = id_choices(posts.recordable_members(current_user, shown))
    if form.validate_on_submit():
        with errors_on(form) as done:
            member = get_member(current_user, form.member_id.data)
            posts.add_record(current_user, post, member, form.occurred_on.data, form.summary.data)
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("volunteers.post_detail", post_id=post.id))
    return _post_page(post, record=form)


# --- public guide ------------------------------------------------------------------------------


@guide_bp.route("/")
def guide():
    """The public service guide: the published catalogue by level and category, no login;
    ``?q=`` keeps the items whose name, category, materials or steps hold every word."""
    level = request.args.get("level", "")
    query = " ".join(request.args.get("q", "").split())[:50]
    return render_template(
        "guide/index.html",
        grouped=services.guide_catalogue(level, query),
        level=level,
        query=query,
        points=services.public_points(),
        **LABELS,
    )


@guide_bp.route("/items/<int:item_id>")
def guide_item(item_id: int):
    item = services.published_item(item_id)
    points = services.public_points(item.level)
    return render_template("guide/item.html", item=item, points=points, **LABELS)
