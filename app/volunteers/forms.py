"""Volunteer forms (shape only; the rules live in the services): catalogue items, profiles,
posts and the A/B designation, plus the GET filters of the list pages."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
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
from wtforms.widgets import HiddenInput

from app.common.forms import REQUIRED, FilterForm, MultipleCheckboxField, VersionedForm, at_most
from app.volunteers.labels import (
    CATEGORY_LABELS,
    HANDLING_LABELS,
    LEVEL_LABELS,
    SKILL_LEVELS,
    WEEKDAY_LABELS,
)

NONE = "—"


def _choices(labels: dict, blank: str | None = None) -> list[SelectChoice]:
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(k, v) for k, v in labels.items()]


def id_choices(rows, label=lambda r: r.name, blank=None) -> list[SelectChoice]:
    """Choices for an id select from rows a scoped service query returned; ``blank`` labels
    a leading "none" choice (value 0)."""
    head = [SelectChoice(0, blank)] if blank is not None else []
    return head + [SelectChoice(r.id, label(r)) for r in rows]


# --- catalogue ------------------------------------------------------------------------------


class ItemForm(FlaskForm):
    org_id = SelectField(_l("Kept by"), coerce=int, validators=[InputRequired(REQUIRED)])
    name = StringField(_l("Item"), validators=[InputRequired(REQUIRED), at_most(100)])
    category = SelectField(
        _l("Category"), choices=_choices(CATEGORY_LABELS), validators=[InputRequired(REQUIRED)]
    )
    level = SelectField(
        _l("Level that handles it"),
        choices=_choices(LEVEL_LABELS),
        validators=[InputRequired(REQUIRED)],
    )
    handling = SelectField(
        _l("Handling"), choices=_choices(HANDLING_LABELS), validators=[InputRequired(REQUIRED)]
    )
    promised_days = IntegerField(
        _l("Promised working days"),
        default=0,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 365, _l("Enter a number of working days from 0 to 365.")),
        ],
    )
    skill_names = StringField(
        _l("Skills needed"),
        validators=[at_most(400)],
        description=_l("Separate several with commas, e.g. 法律咨询，农机维修"),
    )
    materials = TextAreaField(
        _l("Materials to bring"), validators=[at_most(3000)], render_kw={"rows": 4}
    )
    steps = TextAreaField(_l("Steps"), validators=[at_most(3000)], render_kw={"rows": 4})
    legal_basis = StringField(_l("Legal basis"), validators=[at_most(300)])
    notes = StringField(_l("Notes"), validators=[at_most(3000)])
    is_published = BooleanField(_l("Publish in the public service guide"))

    def item_data(self) -> dict[str, Any]:
        """What ``services.save_item`` takes."""
        names = (
            "name",
            "category",
            "level",
            "handling",
            "promised_days",
            "materials",
            "steps",
            "legal_basis",
            "notes",
            "is_published",
        )
        return {n: getattr(self, n).data for n in names} | {"skills": self.skill_names.data}


class ItemEditForm(ItemForm, VersionedForm):
    pass


class ItemFilterForm(FilterForm):
    q = StringField(_l("Item name"), validators=[Optional(), at_most(40)])
    category = SelectField(
        _l("Category"), choices=_choices(CATEGORY_LABELS, _l("All categories")), default=""
    )
    level = SelectField(_l("Level"), choices=_choices(LEVEL_LABELS, _l("All levels")), default="")
    published = SelectField(
        _l("Published"),
        default="",
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("1", _l("Published")),
            SelectChoice("0", _l("Not published")),
        ],
    )


# --- team and matching ----------------------------------------------------------------------


class TeamFilterForm(FilterForm):
    skill_id = SelectField(_l("Skill"), coerce=int, default=0)
    category = SelectField(
        _l("Category"), choices=_choices(CATEGORY_LABELS, _l("All categories")), default=""
    )
    weekday = SelectField(_l("Day"), choices=_choices(WEEKDAY_LABELS, _l("Any day")), default="")
    free = BooleanField(_l("Has room"))


class MatchForm(FilterForm):
    """Where and when the candidates for an item are ranked."""

    service_point_id = SelectField(_l("Service point"), coerce=int, default=0)
    weekday = SelectField(_l("Day"), choices=_choices(WEEKDAY_LABELS, NONE), default="")


class DesignateForm(FlaskForm):
    """Designate one candidate as the primary or the backup agent (A/B posts). A warning
    (no backup yet, over their load) comes back with ``confirm`` set: "designate anyway"."""

    member_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(REQUIRED)])
    service_point_id = IntegerField(widget=HiddenInput(), validators=[InputRequired(REQUIRED)])
    confirm = HiddenField(default="")
    primary = SubmitField(_l("As primary"))
    backup = SubmitField(_l("As backup"))

    @property
    def role(self) -> str:
        if self.primary.data:
            return "primary"
        return "backup" if self.backup.data else ""

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == "1"


def designate_forms(matches, sp) -> dict[int, DesignateForm]:
    """One designation form per ranked candidate at ``sp``."""
    return {
        m.member_id: DesignateForm(formdata=None, member_id=m.member_id, service_point_id=sp.id)
        for m in matches
    }


# --- profiles -------------------------------------------------------------------------------


class SkillEntryForm(FlaskForm):
    """One row of the profile's skills (a sub-form: the outer form carries the CSRF token)."""

    class Meta:
        csrf = False

    name = StringField(_l("Skill"), validators=[Optional(), at_most(40)])
    level = SelectField(
        _l("Level"),
        coerce=int,
        default=1,
        choices=[SelectChoice(k, v) for k, v in SKILL_LEVELS.items()],
    )


class ProfileForm(FlaskForm):
    skills = FieldList(FormField(SkillEntryForm), min_entries=6, max_entries=12)
    categories = MultipleCheckboxField(_l("Willing to take"), choices=_choices(CATEGORY_LABELS))
    availability = MultipleCheckboxField(_l("Available on"), choices=_choices(WEEKDAY_LABELS))
    max_cases = IntegerField(
        _l("Most cases at once"),
        default=3,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(0, 50, _l("Enter a number from 0 to 50.")),
        ],
    )
    service_point_id = SelectField(_l("Serves at"), coerce=int, default=0)
    note = StringField(_l("Note"), validators=[at_most(300)])

    def profile_data(self) -> dict[str, Any]:
        """What ``profiles.save_profile`` takes."""
        return {
            "skills": [(e.form.name.data or "", e.form.level.data) for e in self.skills],
            "categories": self.categories.data or [],
            "availability": self.availability.data or [],
            "max_cases": self.max_cases.data,
            "service_point_id": self.service_point_id.data or None,
            "note": self.note.data or "",
        }


def profile_form(profile) -> ProfileForm:
    """The profile form, filled from ``profile`` (None: a new profile) on a GET, with a free
    row or two after the declared skills."""
    if profile is None:
        return ProfileForm()
    form = ProfileForm(
        skills=[SimpleNamespace(name=ps.skill.name, level=ps.level) for ps in profile.skills],
        categories=list(profile.categories or []),
        availability=list(profile.availability or []),
        max_cases=profile.max_cases,
        service_point_id=profile.service_point_id or 0,
        note=profile.note,
    )
    while len(form.skills) < min(len(profile.skills) + 2, form.skills.max_entries):
        form.skills.append_entry()
    return form


# --- posts ----------------------------------------------------------------------------------


class PostForm(FlaskForm):
    org_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired(REQUIRED)])
    name = StringField(
        _l("Post"),
        validators=[InputRequired(REQUIRED), at_most(60)],
        description=_l("e.g. policy explainer, dispute mediator"),
    )
    duties = TextAreaField(_l("Duties"), validators=[at_most(2000)], render_kw={"rows": 3})


class AssignForm(FlaskForm):
    member_id = SelectField(_l("Member"), coerce=int, validators=[InputRequired(REQUIRED)])


class PostRecordForm(FlaskForm):
    member_id = SelectField(_l("Member"), coerce=int, validators=[InputRequired(REQUIRED)])
    occurred_on = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))])
    summary = TextAreaField(
        _l("What was said or done"),
        validators=[InputRequired(_l("Say what was done.")), Length(min=2, max=2000)],
        render_kw={"rows": 3},
    )
