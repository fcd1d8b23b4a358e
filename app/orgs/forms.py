"""Org and service point forms (shape only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from app.common.forms import REQUIRED, VersionedForm


class OrgCreateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    kind = SelectField(_l("Kind"), validators=[InputRequired(REQUIRED)])


class OrgRenameForm(VersionedForm):
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=100)])


class OrgMoveForm(VersionedForm):
    parent_id = SelectField(
        _l("New parent organisation"), coerce=int, validators=[InputRequired(REQUIRED)]
    )


class ServicePointForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(REQUIRED), Length(max=100)])
    level = SelectField(_l("Level"), validators=[InputRequired(REQUIRED)])
    hotline = StringField(
        _l("Service hotline"), validators=[Length(max=40)], description=_l("e.g. 0937-1234567")
    )
    address = StringField(_l("Address"), validators=[Length(max=200)])
    opening_hours = StringField(
        _l("Opening hours"),
        validators=[Length(max=100)],
        description=_l("e.g. weekdays 8:30–12:00, 14:30–18:00"),
    )


class ServicePointEditForm(ServicePointForm, VersionedForm):
    pass
