"""Appraisal forms (shape only; the rules live in workflow.py and the services).

The record page carries several forms at once; each has its own ``prefix`` so its input and
errors stay its own (``page_form``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.appraisal.dimensions import FACTS, POST_KINDS, field_name
from app.appraisal.labels import DEADLINE_LABELS, GRADE_LABELS, VETO_LABELS
from app.appraisal.responsibility import KINDS
from app.common.forms import REQUIRED, MultipleCheckboxField, VersionedForm, page_form

NONE = "—"


def _choices(labels: dict, blank: bool = False) -> list[SelectChoice]:
    head = [SelectChoice("", NONE)] if blank else []
    # Labels stay lazy: the choices are built at import, the page is shown in the reader's language.
    return head + [SelectChoice(k, v) for k, v in labels.items()]


def unsaved_text(form: FlaskForm | None) -> bool:
    """``form`` came with this POST holding text that differs from what it was loaded with."""
    if form is None or not getattr(form, "is_posted", False):
        return False
    return any(
        _norm(f.data) != _norm(f.object_data)
        for f in form
        if f.type in ("StringField", "TextAreaField")
    )


def _norm(value: Any) -> str:
    return " ".join(str(value if value is not None else "").split())


class PeriodForm(FlaskForm):
    org_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired(REQUIRED)])
    year = IntegerField(_l("Year"), validators=[InputRequired(REQUIRED), NumberRange(2000, 2100)])
    quarter = SelectField(
        _l("Quarter"),
        coerce=int,
        choices=[SelectChoice(q, str(q)) for q in (1, 2, 3, 4)],
        validators=[InputRequired(REQUIRED)],
    )
    self_due = DateField(DEADLINE_LABELS["self_due"], validators=[InputRequired(REQUIRED)])
    sign_due = DateField(DEADLINE_LABELS["sign_due"], validators=[InputRequired(REQUIRED)])
    opinion_due = DateField(DEADLINE_LABELS["opinion_due"], validators=[InputRequired(REQUIRED)])
    spot_due = DateField(DEADLINE_LABELS["spot_due"], validators=[InputRequired(REQUIRED)])


class MeetingFields:
    """The branch opinion's meeting and what the masses report, asked the same way for one
    record (its assess step) and for several (the overview's batch)."""

    # One of the branch's recent meetings (0: record a new one with the three fields below).
    meeting_id = SelectField(
        _l("Branch committee meeting"), coerce=int, choices=[], validate_choice=False
    )
    meeting_on = DateField(_l("Date of the meeting"), validators=[Optional()])
    attendees = TextAreaField(
        _l("Who attended"), validators=[Length(max=1000)], render_kw={"rows": 2}
    )
    decision = TextAreaField(
        _l("What the meeting decided"), validators=[Length(max=2000)], render_kw={"rows": 2}
    )
    masses = TextAreaField(
        _l("What the masses report"),
        description=_l("Required for a grade of excellent or unqualified."),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )

    def meeting_data(self) -> dict[str, Any]:
        """The meeting (one chosen, or a new one's date, attendees and decision) and what
        the masses report, as the assess step takes them."""
        return {
            "meeting_id": self.meeting_id.data or None,
            "meeting_on": self.meeting_on.data,
            "attendees": self.attendees.data,
            "decision": self.decision.data,
            "masses": self.masses.data,
        }


class StepForm(MeetingFields, VersionedForm):
    """One workflow step: a comment (opinion, reason or facts) and the step's own fields.
    Each step on the record page is its own form, prefixed by the step's name."""

    comment = TextAreaField(_l("Opinion or reason"), validators=[Length(max=2000)])
    grade = SelectField(_l("Grade"), choices=_choices(GRADE_LABELS, True), validators=[Optional()])
    category = SelectField(
        _l("Veto category"), choices=_choices(VETO_LABELS, True), validators=[Optional()]
    )

    def step_data(self) -> dict[str, Any]:
        return {
            **self.meeting_data(),
            "grade": self.grade.data or None,
            "comment": self.comment.data,
            "category": self.category.data or None,
        }


class SelfRecordForm(VersionedForm):
    """The member's self-record; ``self_record_form`` adds one text per dimension of the
    quarter and the facts the rules ask for."""

    save = SubmitField(_l("Save draft"))
    send = SubmitField(_l("Submit for sign-off"))
    # The quarter's completed cases the 思想工作 text may cite (为群众办实事); the choices are
    # the member's own cases, and the service checks every one chosen again.
    evidence = MultipleCheckboxField(
        _l("Cases completed this quarter"),
        description=_l("Each case ticked adds a line to this text when the draft is saved."),
        coerce=int,
        choices=[],
        validate_choice=False,
    )
    cite = SubmitField(_l("Cite in the self-record"))
    dims: list[dict[str, str]] = []

    def sections(self) -> list[tuple[dict[str, str], Any, list[Any]]]:
        """(dimension, its text field, its fact fields) in the template's order."""
        return [
            (
                d,
                self[field_name(d["key"])],
                [self[field_name(d["key"], f)] for f, _label, _kind in FACTS.get(d["key"], [])],
            )
            for d in self.dims
        ]

    def content(self) -> dict[str, dict[str, Any]]:
        """What was typed, as the service takes it: {dimension key: {"text": …, fact: …}}."""
        out: dict[str, dict[str, Any]] = {}
        for d, text, facts in self.sections():
            entry: dict[str, Any] = {"text": text.data or ""}
            for (fact, _label, _kind), f in zip(FACTS.get(d["key"], []), facts, strict=True):
                entry[fact] = f.data
            out[d["key"]] = entry
        return out


_FACT_FIELDS = {
    "int": lambda label: StringField(label, render_kw={"inputmode": "numeric"}),
    "text": lambda label: StringField(label),
    "bool": lambda label: BooleanField(label),
}


_LOGGED = _l("Counted from the responsibility-area log below.")


def self_record_form(
    dims: list[dict[str, str]],
    record: dict[str, Any],
    version: int,
    logged: dict[tuple[str, str], int] | None = None,
    **kwargs: Any,
) -> SelfRecordForm:
    """The self-record form of one record, built from its quarter's dimensions and filled
    from ``record`` (what is saved); the ``logged`` facts (the area log's counts) are shown
    read-only with the log's figure, whatever was posted. ``kwargs`` go to ``page_form``."""
    logged = logged or {}
    attrs: dict[str, Any] = {"dims": dims}
    data: dict[str, Any] = {"version": version}
    for d in dims:
        key, saved = d["key"], (record or {}).get(d["key"]) or {}
        attrs[field_name(key)] = TextAreaField(
            d["label"], description=d.get("guidance", ""), render_kw={"rows": 4}
        )
        data[field_name(key)] = saved.get("text", "")
        for fact, label, kind in FACTS.get(key, []):
            name = field_name(key, fact)
            if (key, fact) in logged:
                attrs[name] = StringField(
                    label,
                    description=_LOGGED,
                    render_kw={"readonly": True, "class": "form-control-plaintext"},
                )
                data[name] = str(logged[key, fact])
                continue
            attrs[name] = _FACT_FIELDS[kind](label)
            value = saved.get(fact)
            data[name] = value if kind == "bool" or value is not None else ""
    cls = type("DimensionsForm", (SelfRecordForm,), attrs)
    form = page_form(cls, "self", data=data, **kwargs)
    for (key, fact), n in logged.items():
        if hasattr(form, field_name(key, fact)):
            form[field_name(key, fact)].data = str(n)  # the log's figure, not what was posted
    return form


class PersonForm(FlaskForm):
    """Add a co-worker to the member's responsibility area."""

    name = StringField(_l("Add a person"), validators=[Length(max=50)])
    note = StringField(_l("Note"), validators=[Length(max=200)])
    is_key = BooleanField(_l("Key person (needs a talk every month)"))


class ContactForm(FlaskForm):
    """Log a talk, a home visit or help given to a person of the area."""

    # The choices are checked by the service, which names what is wrong in its own words.
    person_id = SelectField(_l("Person"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Kind"), choices=_choices(KINDS), validate_choice=False)
    occurred_on = DateField(_l("Date"), validators=[Optional()])
    summary = StringField(_l("What was said or done"), validators=[Length(max=1000)])
    # The 三必清 / 三必访 / 四必谈 item it fulfils (0: none); the service checks it.
    checklist_item_id = SelectField(
        _l("Checklist item it fulfils"), coerce=int, choices=[], validate_choice=False
    )


class ExemplaryForm(FlaskForm):
    note = StringField(_l("Why it is exemplary"), validators=[Length(max=300)])
    mark = SubmitField(_l("Mark as exemplary"))
    unmark = SubmitField(_l("Remove the mark"))


class SampleForm(FlaskForm):
    share = DecimalField(
        _l("Share to check (%)"),
        default=10,
        places=0,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(
                1,
                100,
                # WTForms fills in min and max with the % operator, hence the %% for a "%".
                message=_l("Give a share between %(min)d%% and %(max)d%%."),
            ),
        ],
    )
    seed = StringField(
        _l("Seed (leave empty for a new draw)"), validators=[Optional(), Length(max=64)]
    )


class CloseForm(FlaskForm):
    """The committee confirms closing a quarter; the reason is required while records are
    unfinished (the service says so beside the field)."""

    reason = TextAreaField(
        _l("Why the quarter closes with records unfinished"), validators=[Length(max=2000)]
    )


class TemplatePickForm(FlaskForm):
    """Which template to edit (read from the query string, no CSRF token)."""

    class Meta:
        csrf = False

    org_id = SelectField(_l("Organisation"), coerce=int, validate_choice=False)
    post_kind = SelectField(
        _l("For"),
        choices=[
            SelectChoice("no_post", _l("Members without post")),
            SelectChoice("cadre", _l("Cadres")),
        ],
        validate_choice=False,
    )

    def post_kind_or_default(self) -> str:
        return self.post_kind.data if self.post_kind.data in POST_KINDS else POST_KINDS[0]


class DimensionRowForm(Form):
    key = HiddenField()
    label = StringField(_l("Dimension"), render_kw={"maxlength": 40})
    guidance = StringField(_l("Guidance"), render_kw={"maxlength": 500})
    remove = BooleanField(_l("Remove"))


class TemplateForm(FlaskForm):
    """The dimensions of one template, and one to add."""

    rows = FieldList(FormField(DimensionRowForm), max_entries=30)
    new_label = StringField(_l("Add a dimension"), render_kw={"maxlength": 40})
    new_guidance = StringField(_l("Guidance"), render_kw={"maxlength": 500})

    def dimensions(self) -> list[dict[str, str]]:
        """The dimensions to keep, in order, and the new one (without a key yet)."""
        dims = [
            {
                "key": r.key.data or "",
                "label": r.label.data or "",
                "guidance": r.guidance.data or "",
            }
            for r in (entry.form for entry in self.rows)
            if not r.remove.data
        ]
        if (self.new_label.data or "").strip():
            new = {
                "key": "",
                "label": self.new_label.data,
                "guidance": self.new_guidance.data or "",
            }
            dims.append(new)
        return dims


class ChecklistRowForm(Form):
    id = HiddenField()
    kind = HiddenField()
    label = StringField(_l("Item"), render_kw={"maxlength": 60})
    position = IntegerField(_l("Place"), validators=[Optional()], render_kw={"min": 0})
    is_active = BooleanField(_l("In use"))


class ChecklistForm(FlaskForm):
    """The 三必清 / 三必访 / 四必谈 lists of one org, and an item to add."""

    rows = FieldList(FormField(ChecklistRowForm), max_entries=60)
    new_kind = SelectField(_l("Add to"), choices=[], validate_choice=False)
    new_label = StringField(_l("New item"), render_kw={"maxlength": 60})

    def row_data(self) -> list[dict[str, Any]]:
        return [
            {
                "id": int(r.id.data or 0) if str(r.id.data or "0").isdigit() else -1,
                "kind": r.kind.data,
                "label": r.label.data,
                "position": r.position.data,
                "is_active": r.is_active.data,
            }
            for r in (entry.form for entry in self.rows)
        ]
