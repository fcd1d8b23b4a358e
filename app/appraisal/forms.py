"""Appraisal forms (shape only; the rules live in workflow.py and services.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.common.forms import REQUIRED, VersionedForm


class PeriodForm(FlaskForm):
    org_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired(REQUIRED)])
    year = IntegerField(_l("Year"), validators=[InputRequired(REQUIRED), NumberRange(2000, 2100)])
    quarter = SelectField(
        _l("Quarter"), coerce=int, choices=[SelectChoice(q, str(q)) for q in (1, 2, 3, 4)],
        validators=[InputRequired(REQUIRED)],
    )  # fmt: skip
    self_due = DateField(_l("Self-records due"), validators=[InputRequired(REQUIRED)])
    sign_due = DateField(_l("Sign-offs due"), validators=[InputRequired(REQUIRED)])
    opinion_due = DateField(_l("Branch opinions due"), validators=[InputRequired(REQUIRED)])
    spot_due = DateField(_l("Spot check due"), validators=[InputRequired(REQUIRED)])


class StepForm(VersionedForm):
    """One workflow step: a comment (opinion, reason or facts) and the step's own fields."""

    comment = TextAreaField(_l("Opinion or reason"), validators=[Length(max=2000)])
    grade = SelectField(_l("Grade"), validators=[Optional()])
    meeting_on = DateField(_l("Branch committee meeting"), validators=[Optional()])
    masses = TextAreaField(_l("What the masses report"), validators=[Length(max=2000)])
    category = SelectField(_l("Veto category"), validators=[Optional()])


class SampleForm(FlaskForm):
    share = DecimalField(
        _l("Share to check (%)"), default=10, places=0,
        validators=[InputRequired(REQUIRED), NumberRange(1, 100)],
    )  # fmt: skip
    seed = StringField(
        _l("Seed (leave empty for a new draw)"), validators=[Optional(), Length(max=64)]
    )


class ExemplaryForm(FlaskForm):
    note = StringField(_l("Why it is exemplary"), validators=[Length(max=300)])
