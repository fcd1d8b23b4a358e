"""The inspections' and accountability records' forms (shape only; the services check the
rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from app.common.forms import REQUIRED, VersionedForm, at_most, chosen, int_or_zero, strip
from app.network.complaints_forms import BAD_DATE
from app.network.supervision_labels import MEASURE_LABELS


class _InspectionFields:
    """What an inspection states, new or edited (WTForms collects fields from mixins)."""

    title = StringField(
        _l("Title"), validators=[InputRequired(REQUIRED), at_most(200)], filters=[strip]
    )
    inspected_on = DateField(
        _l("Date of the inspection"), validators=[InputRequired(BAD_DATE)], format="%Y-%m-%d"
    )
    inspectors = StringField(
        _l("Inspectors"), validators=[Optional(), at_most(200)], filters=[strip]
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional(), at_most(4000)],
        filters=[strip],
        render_kw={"rows": 4},
    )


class InspectionForm(_InspectionFields, FlaskForm):
    org_id = SelectField(
        _l("Organisation inspected"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[chosen(_l("Choose the organisation whose service points were inspected."))],
        description=_l("Its service points and those of everything under it."),
    )
    submit = SubmitField(_l("Save the inspection"))


class InspectionEditForm(_InspectionFields, VersionedForm):
    notice = TextAreaField(
        _l("Notice text (通报)"),
        validators=[Optional(), at_most(10000)],
        filters=[strip],
        render_kw={"rows": 8},
        description=_l("Fixed once published. The findings are listed under it."),
    )
    submit = SubmitField(_l("Save"))


class PublishForm(VersionedForm):
    submit = SubmitField(_l("Publish the inspection notice"))


class FindingForm(FlaskForm):
    service_point_id = SelectField(
        _l("Service point"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[chosen(_l("Choose one of the inspected service points."))],
    )
    problem = TextAreaField(
        _l("Problem found"),
        validators=[InputRequired(REQUIRED), at_most(2000)],
        filters=[strip],
        render_kw={"rows": 2},
    )
    requirement = TextAreaField(
        _l("What must change"),
        validators=[Optional(), at_most(2000)],
        filters=[strip],
        render_kw={"rows": 2},
    )
    due_on = DateField(_l("Rectify by"), validators=[Optional()], format="%Y-%m-%d")
    submit = SubmitField(_l("Add the finding"))


class RectifyForm(FlaskForm):
    rectification = TextAreaField(
        _l("What was rectified"),
        validators=[InputRequired(REQUIRED), at_most(2000)],
        filters=[strip],
        render_kw={"rows": 2},
    )
    rectified_on = DateField(
        _l("Rectified on"), validators=[InputRequired(BAD_DATE)], format="%Y-%m-%d"
    )
    submit = SubmitField(_l("Record the rectification"))


class AccountabilityForm(FlaskForm):
    member_id = SelectField(
        _l("Person held accountable"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[chosen(_l("Choose the person from the list."))],
    )
    measure = SelectField(
        _l("Measure"),
        choices=[SelectChoice("", "—")] + [SelectChoice(k, v) for k, v in MEASURE_LABELS.items()],
        validators=[InputRequired(_l("Choose a measure from the list."))],
        description=_l("Our default list of measures; the committee may change it."),
    )
    reason = TextAreaField(
        _l("Grounds"),
        validators=[InputRequired(REQUIRED), at_most(4000)],
        filters=[strip],
        render_kw={"rows": 4},
    )
    decided_on = DateField(
        _l("Date of the decision"), validators=[InputRequired(BAD_DATE)], format="%Y-%m-%d"
    )
    complaint_id = SelectField(
        _l("Complaint behind it"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[Optional()],
    )
    inspection_id = SelectField(
        _l("Inspection behind it"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[Optional()],
    )
    submit = SubmitField(_l("Record the measure"))
