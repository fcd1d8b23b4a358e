"""Member, search and import forms (shape only; rules live in roster.fields and services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.common.forms import REQUIRED, VersionedForm
from app.roster.fields import FIELD_LABELS as L


class MemberForm(FlaskForm):
    name = StringField(L["name"], validators=[InputRequired(REQUIRED), Length(max=50)])
    id_number = StringField(
        L["id_number"],
        validators=[InputRequired(REQUIRED), Length(max=40)],
        description=_l("18 characters; the date of birth and gender are taken from it."),
    )
    ethnicity = StringField(L["ethnicity"], default="汉族", validators=[Length(max=20)])
    phone = StringField(L["phone"], validators=[Length(max=20)])
    education = SelectField(L["education"], validators=[Optional()])
    work_unit = StringField(L["work_unit"], validators=[Length(max=100)])
    job_title = StringField(L["job_title"], validators=[Length(max=60)])
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


class MemberEditForm(MemberForm, VersionedForm):
    pass


class UnmaskForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for viewing the full numbers"),
        validators=[InputRequired(REQUIRED), Length(max=200)],
    )


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet (.xlsx)"), validators=[FileRequired(REQUIRED)])
