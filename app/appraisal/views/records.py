"""A record page: the self-record, one panel with the viewer's next step (the main action
first, the others behind it), the exemplary mark and the responsibility area. Each is its own
form with its own prefix, so its input and errors stay its own; each POST route validates only
the form it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import policy
from app.appraisal import (
    bp,
    checklists,
    evidence,
    meetings,
    record_page,
    responsibility,
    services,
)
from app.appraisal.cap import excellent_cap
from app.appraisal.dimensions import EVIDENCE_KEY, FACTS
from app.appraisal.forms import (
    ContactForm,
    ExemplaryForm,
    PersonForm,
    SelfRecordForm,
    StepForm,
    self_record_form,
    unsaved_text,
)
from app.appraisal.labels import ACTION_LABELS, CONFIRM_LABELS, NEXT_LABELS, TEMPLATE_LABELS
from app.appraisal.models import Appraisal
from app.appraisal.workflow import allowed_actions, apply, check, dimensions_for, withdraw
from app.common.forms import page_form
from app.errors import errors_on
from app.extensions import db
from app.orgs.models import Org
from app.orgs.tree import org_labels


@dataclass
class RecordForms:
    own: SelfRecordForm | None  # the self-record, when the viewer may edit it
    steps: dict[str, StepForm]  # one per step the viewer may take, by action
    person: PersonForm
    log: ContactForm
    exemplary: ExemplaryForm

    def unsaved_text(self) -> bool:
        """Text typed into the self-record or the area that came along and is not saved."""
        return any(unsaved_text(f) for f in (self.own, self.person, self.log))


def _load(appraisal_id: int) -> Appraisal:
    a = services.get_appraisal(current_user, appraisal_id)
    if a is None:
        abort(404)
    return a


def _step_form(a: Appraisal, action: str, *, pressed: bool) -> StepForm:
    data = {
        "version": a.version,
        "grade": a.grade or "",
        "masses": a.masses_opinion,
        "meeting_id": a.branch_meeting_id or 0,
    }
    if action == "assess":
        data["comment"] = a.branch_comment  # a revision starts from the opinion given
    form = page_form(StepForm, f"step_{action}", pressed=pressed, data=data)
    if action == "assess":
        form.meeting_id.choices = [(0, _("Record a new meeting below"))] + [
            (m.id, meetings.meeting_label(m)) for m in meetings.recent_meetings(a)
        ]
    return form


def _forms(a: Appraisal, area: list, *, pressed: str = "", fresh: str = "") -> RecordForms:
    """Every form of the page. ``pressed`` reads the POST. While the draft is editable, the
    self-record and the area's forms sit in one <form> element (the area's buttons post it to
    their own route), so logging a talk brings the unsaved self-record text along and the page
    can show it again instead of throwing it away; those forms keep what came along, except
    ``fresh`` (the one just saved), which starts anew."""

    def kept(prefix: str) -> dict[str, bool]:
        return {"pressed": prefix == pressed, "keep": prefix != fresh}

    own = None
    if policy.can(current_user, "appraisal.edit_self", a):
        logged = responsibility.logged_facts(a)
        own = self_record_form(dimensions_for(a), a.self_record, a.version, logged, **kept("self"))
        own.evidence.choices = evidence.choices(a)
    log = page_form(ContactForm, "log", **kept("log"))
    log.person_id.choices = [(row.person.id, row.person.name) for row in area]
    log.checklist_item_id.choices = [(0, "—"), *checklists.item_choices(a)]
    actions = [x for x in allowed_actions(a, current_user) if x != "submit"]
    return RecordForms(
        own=own,
        steps={x: _step_form(a, x, pressed=pressed == f"step_{x}") for x in actions},
        person=page_form(PersonForm, "person", **kept("person")),
        log=log,
        exemplary=page_form(ExemplaryForm, "exemplary", pressed=pressed == "exemplary"),
    )


def _render(a: Appraisal, area: list, forms: RecordForms):
    branch = a.org if a.org.branch_id == a.org_id else db.session.get(Org, a.org.branch_id)
    actions = list(forms.steps)
    if forms.own is not None and policy.can(current_user, "appraisal.submit", a):
        actions.insert(0, "submit")  # the self-record form's own button
    main, others = record_page.split_actions(a, actions)
    coverage = responsibility.coverage(a)
    figures = evidence.agent_figures(a)
    return render_template(
        "appraisal/record.html",
        a=a,
        coverage=coverage,
        item_labels={c.item.id: c.item.label for v in coverage.lists.values() for c in v},
        checklist_kinds=checklists.KIND_LABELS,
        cap=None if a.is_probationary else excellent_cap(a.period, a.org, excluding=a.id),
        may_mark=services.can_be_exemplary(a),
        period_link=services.period_visible(current_user, a.period),
        overview_branch=branch if policy.can(current_user, "appraisal.overview", branch) else None,
        # A group leader works through the group: the list of the widest org one oversees.
        nav=record_page.neighbours(current_user, a, branch)
        or record_page.neighbours(current_user, a, a.org),
        deadline=record_page.deadline(a),
        main=main,
        others=others,
        may_mark_form=policy.can(current_user, "appraisal.mark_exemplary", a),
        kept_text=forms.unsaved_text(),
        open_more=bool(
            forms.exemplary.errors or any(forms.steps[x].errors for x in others if x in forms.steps)
        ),
        confirms={k: str(v) for k, v in CONFIRM_LABELS.items()},
        next_labels=NEXT_LABELS,
        dims=dimensions_for(a),
        facts=FACTS,
        evidence_key=EVIDENCE_KEY,
        agent_figures=figures,
        agent_page=figures is not None and evidence.agent_page_visible(current_user, a),
        steps=services.timeline(a),
        forms=forms,
        org_label=org_labels({a.org})[a.org_id],
        area=area,
        area_kinds=responsibility.KINDS,
        can_area=policy.can(current_user, "appraisal.responsibility", a),
        **TEMPLATE_LABELS,
    )


def _done(appraisal_id: int, saved: str, message: str, anchor: str = ""):
    """Commit, then back to the page (POST/redirect/GET), unless text typed into another form
    came along unsaved: then the page is shown again with it, the saved form fresh."""
    db.session.commit()
    flash(message, "success")
    a = _load(appraisal_id)
    area = responsibility.area(a)
    forms = _forms(a, area, fresh=saved)
    if forms.unsaved_text():
        return _render(a, area, forms)
    return redirect(url_for("appraisal.record", appraisal_id=appraisal_id) + anchor)


@bp.route("/<int:appraisal_id>")
@login_required
def record(appraisal_id: int):
    a = _load(appraisal_id)
    area = responsibility.area(a)
    return _render(a, area, _forms(a, area))


@bp.route("/<int:appraisal_id>/self", methods=["POST"])
@login_required
def self_record(appraisal_id: int):
    a = _load(appraisal_id)
    policy.require(current_user, "appraisal.edit_self", a)
    area = responsibility.area(a)
    forms = _forms(a, area, pressed="self")
    form = forms.own
    if form.validate_on_submit():
        with errors_on(form) as done:
            content = evidence.cite_cases(a, form.content(), form.evidence.data or [])
            services.save_self_record(current_user, a, content, expected_version=form.version.data)
            if form.send.data:
                db.session.flush()
                apply(a, "submit", current_user, expected_version=None)
        if done:
            sent = (
                _("Submitted. It is signed next; until then you can withdraw it.")
                if form.send.data
                else _("Draft saved.")
            )
            return _done(appraisal_id, "self", sent)
    return _render(a, area, forms)


@bp.route("/<int:appraisal_id>/step/<action>", methods=["POST"])
@login_required
def step(appraisal_id: int, action: str):
    a = _load(appraisal_id)
    if action not in ACTION_LABELS or action == "submit":
        abort(404)
    area = responsibility.area(a)
    forms = _forms(a, area, pressed=f"step_{action}")
    form = forms.steps.get(action)
    if form is None:
        # The viewer has no form for this step: refuse it (403/409) before reading any input.
        check(a, action, current_user)
        form = _step_form(a, action, pressed=True)
    if form.validate_on_submit():
        with errors_on(form) as done:
            if action == "withdraw":
                withdraw(a, current_user, expected_version=form.version.data)
            else:
                apply(
                    a,
                    action,
                    current_user,
                    expected_version=form.version.data,
                    comment=form.comment.data or "",
                    data=form.step_data(),
                )
        if done:
            return _done(appraisal_id, f"step_{action}", str(ACTION_LABELS[action]))
    return _render(a, area, forms)


@bp.route("/mine")
@login_required
def mine():
    """The viewer's own records, every quarter with its state and grade (the appraisal book)."""
    member_id = record_page.own_member_id(current_user)
    if member_id is None:
        flash(_("No roster entry is linked to your login."), "info")
        return redirect(url_for("appraisal.inbox"))
    return redirect(url_for("appraisal.book", member_id=member_id))


@bp.route("/<int:appraisal_id>/area/<any(person, log):what>", methods=["POST"])
@login_required
def area_add(appraisal_id: int, what: str):
    """Add a person to the member's responsibility area, or log a talk or visit."""
    a = _load(appraisal_id)
    policy.require(current_user, "appraisal.responsibility", a)
    area = responsibility.area(a)
    forms = _forms(a, area, pressed=what)
    form = forms.person if what == "person" else forms.log
    if form.validate_on_submit():
        with errors_on(form) as done:
            if what == "person":
                f = forms.person
                responsibility.add_person(current_user, a, f.name.data, f.note.data, f.is_key.data)
            else:
                f = forms.log
                responsibility.log_contact(
                    current_user,
                    a,
                    f.person_id.data or 0,
                    f.kind.data,
                    f.occurred_on.data,
                    f.summary.data,
                    f.checklist_item_id.data or None,
                )
        if done:
            return _done(appraisal_id, what, _("Saved."), "#area")
    return _render(a, area, forms)


@bp.route("/<int:appraisal_id>/exemplary", methods=["POST"])
@login_required
def exemplary(appraisal_id: int):
    a = _load(appraisal_id)
    policy.require(current_user, "appraisal.mark_exemplary", a)
    area = responsibility.area(a)
    forms = _forms(a, area, pressed="exemplary")
    form = forms.exemplary
    if form.validate_on_submit():
        with errors_on(form) as done:
            services.mark_exemplary(current_user, a, form.note.data or "", on=not form.unmark.data)
        if done:
            return _done(appraisal_id, "exemplary", _("Saved."))
    return _render(a, area, forms)
