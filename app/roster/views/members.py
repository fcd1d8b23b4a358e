"""Roster pages: list and search, member detail with history, forms, Excel export and import."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from app import policy
from app.appraisal.book import year_glance
from app.appraisal.labels import TEMPLATE_LABELS
from app.common import versions
from app.common.forms import page_form
from app.common.labels import page_labels
from app.errors import errors_on
from app.extensions import db
from app.orgs.services import org_choices, scoped_orgs, scoped_service_points
from app.orgs.tree import org_labels
from app.roster import bp, privacy, sanctions, search, services, skills
from app.roster.fields import (
    AGENT_SOURCE_LABELS,
    FIELD_LABELS,
    GENDER_LABELS,
    MEMBERSHIP_LABELS,
    PARTY_STATUS_LABELS,
    POST_KIND_LABELS,
    SANCTION_KIND_LABELS,
)
from app.roster.forms import (
    MemberEditForm,
    MemberFilterForm,
    MemberForm,
    MemberSearchForm,
    MentorForm,
    SanctionForm,
    UnmaskForm,
)
from app.roster.mentors import assign_mentor, mentor_choices

LABELS = {
    "gender_labels": GENDER_LABELS,
    "membership_labels": MEMBERSHIP_LABELS,
    "post_kind_labels": POST_KIND_LABELS,
    "agent_source_labels": AGENT_SOURCE_LABELS,
    "party_status_labels": PARTY_STATUS_LABELS,
    "sanction_kind_labels": SANCTION_KIND_LABELS,
    "field_labels": {
        **FIELD_LABELS,
        "mentor": _l("Mentor"),
        "sanction": _l("Disciplinary sanction"),
    },
}


_LIST_LABELS = ("gender_labels", "membership_labels", "post_kind_labels", "party_status_labels")


def member_filters() -> search.MemberFilters:
    """Filters from the query string; the search text lives in the session (a full ID or phone
    only as its keyed hash), never in URLs or server logs."""
    saved = session.get("roster_q") or {}
    return MemberFilterForm().to_filters(saved.get("q", "") if isinstance(saved, dict) else "")


@bp.route("/", methods=["GET", "POST"])
@login_required
def member_list():
    policy.require(current_user, "roster.list")
    if request.method == "POST":  # a search; a GET builds only the forms it shows
        form = MemberSearchForm()
        if form.validate_on_submit():
            token, label = search.search_token(form.q.data or "")
            session["roster_q"] = {"q": token, "label": label}
            return redirect(url_for("roster.member_list", **form.filter_args()))
    f = member_filters()
    facets, total = search.member_facets(current_user, f)
    q_label = (session.get("roster_q") or {}).get("label", "")
    form = MemberSearchForm(formdata=None, data={**f.as_dict(), "q": q_label})
    filter_args = {k: v for k, v in f.as_dict().items() if k != "q"}
    page, per_page = request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"]

    def filter_fields() -> str:
        form.fill_choices(org_choices(current_user), skills.skill_choices(), facets)
        return render_template("roster/_member_filters.html", form=form)

    def results() -> str:
        return render_template(
            "roster/_member_results.html",
            page=search.member_page(current_user, f, page, per_page, total),
            f=f,
            filter_args=filter_args,
            **page_labels({name: LABELS[name] for name in _LIST_LABELS}),
        )

    # Both parts are rendered once per change of the roster (and the points' names) for the
    # user and the query string; a search is rendered each time (its text stays out of keys).
    key = ("roster.list", current_user.id, current_user.is_active, request.query_string)
    if f.q:
        fields_html, results_html = Markup(filter_fields()), Markup(results())  # noqa: S704
    else:
        fields_html = versions.fragment(("roster",), (*key, "filters"), filter_fields)
        results_html = versions.fragment(("roster", "network"), (*key, per_page), results)
    return render_template(
        "roster/member_list.html",
        f=f,
        form=form,
        filter_args=filter_args,
        filter_fields=fields_html,
        results=results_html,
    )


@bp.route("/search/clear", methods=["POST"])
@login_required
def search_clear():
    session.pop("roster_q", None)
    return redirect(url_for("roster.member_list"))


def _load(member_id: int):
    member = services.get_member(current_user, member_id)
    if member is None:
        abort(404)
    return member


@bp.route("/<int:member_id>")
@login_required
def member_detail(member_id: int):
    member = _load(member_id)
    return _render_detail(member)


_VALUE_LABELS = {
    "gender": GENDER_LABELS,
    "membership": MEMBERSHIP_LABELS,
    "post_kind": POST_KIND_LABELS,
    "agent_source": AGENT_SOURCE_LABELS,
    "party_status": PARTY_STATUS_LABELS,
    "sanction": SANCTION_KIND_LABELS,
}


def _history_value(key: str, value):
    """A history value as a person reads it: labels for codes, 是/否 for flags."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    labels = _VALUE_LABELS.get(key)
    return str(labels.get(value, value)) if labels else value


def _mentor_form(member, mentors, form=None) -> MentorForm:
    form = form or MentorForm(formdata=None, data={"mentor_user_id": member.mentor_user_id or 0})
    form.mentor_user_id.choices = [(0, "—")] + [(u.id, u.display_name) for u in mentors]
    return form


def _render_detail(
    member, *, unmask_form=None, full=None, mentor_form=None, sanction_form=None, status=200
):
    mentors = mentor_choices(member) if member.membership == "probationary" else []
    show_sanctions = policy.can(current_user, "roster.view_sanctions", member)
    return (
        render_template(
            "roster/member_detail.html",
            m=member,
            hv=_history_value,
            org_label=org_labels({member.org})[member.org_id],
            id_masked=privacy.masked_id(member),
            phone_masked=privacy.masked_phone(member),
            address_masked=privacy.masked_address(member),
            history=services.history_of(member),
            unmask_form=unmask_form or UnmaskForm(),
            mentors=mentors,
            mentor_form=_mentor_form(member, mentors, mentor_form),
            sanction_rows=sanctions.sanction_rows(member) if show_sanctions else None,
            sanction_form=sanction_form or page_form(SanctionForm, "sanction"),
            effect_months=sanctions.effect_months(),
            full=full,
            glance=year_glance(current_user, member.id, request.args.get("year", type=int)),
            appraisal_labels=TEMPLATE_LABELS,
            **LABELS,
        ),
        status,
    )


@bp.route("/<int:member_id>/mentor", methods=["POST"])
@login_required
def member_mentor(member_id: int):
    member = _load(member_id)
    policy.require(current_user, "roster.edit", member)
    mentors = mentor_choices(member)
    form = _mentor_form(member, mentors, MentorForm())
    if form.validate_on_submit():
        mentor = next((u for u in mentors if u.id == form.mentor_user_id.data), None)
        with errors_on(form) as done:
            assign_mentor(current_user, member, mentor)
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("roster.member_detail", member_id=member.id))
    return _render_detail(member, mentor_form=form)


@bp.route("/<int:member_id>/unmask", methods=["POST"])
@login_required
def member_unmask(member_id: int):
    member = _load(member_id)
    policy.require(current_user, "roster.unmask", member)
    form = UnmaskForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            full = privacy.unmask(current_user, member, form.reason.data)
        if done:
            db.session.commit()
            # Shown in this response only: never stored in the session or a URL.
            return _render_detail(member, full=full)
    return _render_detail(member, unmask_form=form)


def _prepare(form: MemberForm, member=None) -> None:
    orgs = [o for o in scoped_orgs(current_user) if policy.can(current_user, "roster.create", o)]
    if member is not None and member.org_id not in {o.id for o in orgs}:
        orgs.insert(0, member.org)
    form.fill_choices(orgs, scoped_service_points(current_user, active_only=True))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def member_create():
    policy.require(current_user, "roster.create")
    form = MemberForm()
    _prepare(form)
    if request.method == "GET" and request.args.get("org_id", type=int):
        form.org_id.data = request.args.get("org_id", type=int)
    if form.validate_on_submit():
        with errors_on(form) as done:
            member = services.save_member(
                current_user,
                form.member_values(),
                note=form.note.data or "",
                effective_on=form.effective_on.data,
            )
        if done:
            db.session.commit()
            flash(_("Member %(name)s added to the roster.", name=member.name), "success")
            return redirect(url_for("roster.member_detail", member_id=member.id))
    return render_template(
        "roster/member_form.html", form=form, m=None, skills=skills.all_skills(), **LABELS
    )


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def member_edit(member_id: int):
    member = _load(member_id)
    policy.require(current_user, "roster.edit", member)
    if request.method == "GET":
        data = {
            **services.member_raw(member),
            "id_number": privacy.masked_id(member),
            "phone": privacy.masked_phone(member),
            "address": privacy.masked_address(member),
            "occupation": member.occupation or "",
            "service_point_id": member.service_point_id or 0,
            "version": member.version,
        }
        form = MemberEditForm(data=data)
    else:
        form = MemberEditForm()
    _prepare(form, member)
    if form.validate_on_submit():
        with errors_on(form) as done:
            services.save_member(
                current_user,
                form.member_values(),
                member=member,
                expected_version=form.version.data,
                note=form.note.data or "",
                effective_on=form.effective_on.data,
            )
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("roster.member_detail", member_id=member.id))
    return render_template(
        "roster/member_form.html", form=form, m=member, skills=skills.all_skills(), **LABELS
    )
