"""Forms of the agents' assessment and training (shape only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, FloatField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.common.forms import REQUIRED, FilterForm, MultipleCheckboxField, VersionedForm
from app.network.assessment_labels import AWARD_KIND_LABELS


class QuarterForm(FilterForm):
    """The quarter and org of the agents' table (a GET form)."""

    quarter = SelectField(_l("Quarter"), default="", validate_choice=False)
    org_id = SelectField(_l("Organisation"), coerce=int, default=0, validate_choice=False)


class TrainingForm(VersionedForm):
    org_id = SelectField(
        _l("For the agents of"),
        coerce=int,
        validators=[InputRequired(REQUIRED)],
        validate_choice=False,
    )
    title = StringField(_l("Title"), validators=[InputRequired(REQUIRED), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[InputRequired(REQUIRED)])
    # A float: "NaN" then fails the service's range check instead of raising in comparisons.
    hours = FloatField(
        _l("Hours"),
        default=2,
        validators=[InputRequired(REQUIRED), NumberRange(min=0.5, max=24)],
    )
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    content = TextAreaField(_l("Content"), validators=[Optional(), Length(max=5000)])
    members = MultipleCheckboxField(
        _l("Expected attendees"),
        coerce=int,
        validate_choice=False,
        description=_l("By default every agent of the organisation is expected."),
    )


class AttendanceForm(VersionedForm):
    attended = MultipleCheckboxField(_l("Came"), coerce=int, validate_choice=False)


class AwardForm(FlaskForm):
    kind = SelectField(
        _l("Reward or penalty"),
        choices=[SelectChoice(k, v) for k, v in AWARD_KIND_LABELS.items()],
        validators=[InputRequired(REQUIRED)],
    )
    title = StringField(_l("Title"), validators=[InputRequired(REQUIRED), Length(max=200)])
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(REQUIRED), Length(max=5000)])
    decided_on = DateField(_l("Decided on"), validators=[InputRequired(REQUIRED)])
    org_id = SelectField(
        _l("Deciding organisation"),
        coerce=int,
        validators=[InputRequired(REQUIRED)],
        validate_choice=False,
    )
