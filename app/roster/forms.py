"""Member, search and import forms (shape only; rules live in roster.fields and services)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.common.forms import REQUIRED, ConfirmForm, FilterForm, QuickSelect, VersionedForm
from app.roster.fields import (
    ADDRESS_MAX,
    AGENT_SOURCE_LABELS,
    MEMBERSHIP_LABELS,
    PARTY_STATUS_LABELS,
    POST_KIND_LABELS,
    SANCTION_KIND_LABELS,
)
from app.roster.fields import FIELD_LABELS as L
from app.roster.models import EDUCATION_LEVELS, OCCUPATIONS
from app.roster.search import FACETS, SORTS, MemberFilters

_FACET_LABELS = {
    "membership": MEMBERSHIP_LABELS,
    "post_kind": POST_KIND_LABELS,
    "party_status": PARTY_STATUS_LABELS,
    "agent_source": AGENT_SOURCE_LABELS,
}
_SORT_LABELS = {
    "strokes": _l("Surname strokes"),
    "pinyin": _l("Pinyin"),
    "org": _l("Organisation"),
    "joined": _l("Joined the party"),
    "birth": _l("Date of birth"),
}
_FLAG_LABELS = {
    "mobile": L["is_mobile"],
    "lost": L["is_lost_contact"],
    "hardship": L["is_hardship"],
}


class MemberForm(FlaskForm):
    name = StringField(L["name"], validators=[InputRequired(REQUIRED), Length(max=50)])
    id_number = StringField(
        L["id_number"],
        validators=[InputRequired(REQUIRED), Length(max=40)],
        description=_l("18 characters; the date of birth and gender are taken from it."),
    )
    ethnicity = StringField(L["ethnicity"], default="汉族", validators=[Length(max=20)])
    phone = StringField(L["phone"], validators=[Length(max=20)])
    address = StringField(L["address"], validators=[Length(max=ADDRESS_MAX)])
    education = SelectField(L["education"], validators=[Optional()])
    work_unit = StringField(L["work_unit"], validators=[Length(max=100)])
    job_title = StringField(L["job_title"], validators=[Length(max=60)])
    occupation = SelectField(L["occupation"], validators=[Optional()])
    joined_on = DateField(L["joined_on"], validators=[Optional()])
    full_member_on = DateField(L["full_member_on"], validators=[Optional()])
    membership = SelectField(L["membership"], default="full", validators=[InputRequired(REQUIRED)])
    org_id = SelectField(L["org_id"], coerce=int, validators=[InputRequired(REQUIRED)])
    post_kind = SelectField(L["post_kind"], default="no_post", validators=[InputRequired(REQUIRED)])
    agent_source = SelectField(L["agent_source"], validators=[Optional()])
    service_point_id = SelectField(L["service_point_id"], coerce=int, validators=[Optional()])
    skills = StringField(
        L["skills"],
        validators=[Length(max=400)],
        description=_l("Separate several with commas, e.g. 法律咨询，农机维修"),
    )
    party_status = SelectField(
        L["party_status"], default="normal", validators=[InputRequired(REQUIRED)]
    )
    is_mobile = BooleanField(L["is_mobile"])
    mobile_destination = StringField(L["mobile_destination"], validators=[Length(max=100)])
    is_lost_contact = BooleanField(L["is_lost_contact"])
    lost_contact_since = DateField(L["lost_contact_since"], validators=[Optional()])
    is_hardship = BooleanField(L["is_hardship"])
    note = StringField(
        _l("Note on this change"),
        validators=[Length(max=200)],
        description=_l("Kept in the member's history, e.g. the transfer letter number."),
    )
    effective_on = DateField(_l("Effective date"), validators=[Optional()])

    def fill_choices(self, orgs: list, service_points: list) -> None:
        """Choices: the fixed lists, and the organisations and service points the user may
        choose (from scoped service queries)."""
        self.education.choices = [("", "—")] + [(e, e) for e in EDUCATION_LEVELS]
        self.occupation.choices = [("", "—")] + [(o, o) for o in OCCUPATIONS]
        self.membership.choices = [(k.value, str(v)) for k, v in MEMBERSHIP_LABELS.items()]
        self.post_kind.choices = [(k.value, str(v)) for k, v in POST_KIND_LABELS.items()]
        self.agent_source.choices = [("", "—")] + [
            (k.value, str(v)) for k, v in AGENT_SOURCE_LABELS.items()
        ]
        self.party_status.choices = [(k.value, str(v)) for k, v in PARTY_STATUS_LABELS.items()]
        self.org_id.choices = [(o.id, "　" * o.depth + o.name) for o in orgs]
        self.service_point_id.choices = [(0, "—")] + [(sp.id, sp.name) for sp in service_points]

    def member_values(self) -> dict[str, Any]:
        """The member's values in the shape the roster services take."""
        raw = {name: getattr(self, name).data for name in L if hasattr(self, name)}
        raw["service_point_id"] = self.service_point_id.data or None
        raw["agent_source"] = self.agent_source.data or None
        return raw


class MemberEditForm(MemberForm, VersionedForm):
    pass


class MentorForm(FlaskForm):
    mentor_user_id = SelectField(_l("Mentor"), coerce=int, validators=[Optional()])


class UnmaskForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for viewing the full numbers"),
        validators=[InputRequired(REQUIRED), Length(max=200)],
    )


class SanctionForm(FlaskForm):
    """A disciplinary sanction to record (the service checks the kind and the dates)."""

    kind = SelectField(_l("Sanction"), default="", validators=[Optional()])
    decided_on = DateField(_l("Decided on"), validators=[Optional()])
    ends_on = DateField(
        _l("In effect until"),
        validators=[Optional()],
        description=_l("Leave empty for the usual period of this kind (see the table)."),
    )
    reason = TextAreaField(_l("Reason for the sanction"), validators=[Length(max=1000)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", "—")] + [
            (k.value, str(v)) for k, v in SANCTION_KIND_LABELS.items()
        ]


class SanctionDeleteForm(ConfirmForm):
    """Confirms deleting a sanction recorded in error. A sanction is never edited, so there is
    no version to compare: deleting it twice finds it gone (404)."""

    version = None  # type: ignore[assignment]
    reason = TextAreaField(
        _l("Why is this entry wrong?"), validators=[InputRequired(REQUIRED), Length(max=200)]
    )


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx)"), validators=[FileRequired(REQUIRED)])


class _MemberFilterFields:
    """The list's filters (choices are not checked: an odd value filters nothing)."""

    org_id = SelectField(_l("Organisation"), validate_choice=False, widget=QuickSelect())
    sort = SelectField(_l("Order"), validate_choice=False, widget=QuickSelect())
    skill_id = SelectField(_l("Skill"), validate_choice=False, widget=QuickSelect())
    membership = SelectField(L["membership"], validate_choice=False, widget=QuickSelect())
    post_kind = SelectField(L["post_kind"], validate_choice=False, widget=QuickSelect())
    party_status = SelectField(L["party_status"], validate_choice=False, widget=QuickSelect())
    agent_source = SelectField(L["agent_source"], validate_choice=False, widget=QuickSelect())
    flag = SelectField(_l("Marked as"), validate_choice=False, widget=QuickSelect())

    def to_filters(self, q: str = "") -> MemberFilters:
        facets = {name: getattr(self, name).data or "" for name in FACETS}
        return MemberFilters(
            q=q,
            org_id=_db_id(self.org_id.data),
            skill_id=_db_id(self.skill_id.data),
            flag=self.flag.data if self.flag.data in _FLAG_LABELS else "",
            sort=self.sort.data if self.sort.data in SORTS else "strokes",
            **facets,
        )

    def fill_choices(
        self,
        orgs: list[tuple[str, str]],
        skills: list[tuple[str, str]],
        facets: dict[str, dict[str, int]],
    ) -> None:
        """The choices, each facet with its count in the current list. ``orgs`` and
        ``skills`` are (value, label) pairs (app/orgs/services.py org_choices, skill_choices)."""
        everything = [("", _l("All"))]
        self.org_id.choices = [("", _l("All in my scope")), *orgs]
        self.sort.choices = list(_SORT_LABELS.items())
        self.skill_id.choices = everything + skills
        for name, labels in _FACET_LABELS.items():
            getattr(self, name).choices = everything + [
                (str(code), f"{label} ({facets.get(name, {}).get(str(code), 0)})")
                for code, label in labels.items()
            ]
        self.flag.choices = everything + list(_FLAG_LABELS.items())


def _db_id(value: Any) -> int | None:
    """A plausible database id, or None (not a number, zero, negative, too big)."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) < 2**63 else None


class MemberFilterForm(_MemberFilterFields, FilterForm):
    """The list's filters, read from the query string."""


class MemberSearchForm(_MemberFilterFields, FlaskForm):
    """The search box and filters as posted: the search text goes to the session, never the
    URL (it may be an ID number)."""

    q = StringField(
        _l("Search"),
        validators=[Length(max=64)],
        render_kw={"placeholder": _l("Name, pinyin initials, last 4 of ID or phone")},
    )

    def filter_args(self) -> dict[str, Any]:
        """The filters as query-string arguments (without the search text)."""
        return {k: v for k, v in self.to_filters().as_dict().items() if k != "q"}
