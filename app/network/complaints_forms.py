"""The complaints' forms (shape only; the services and the workflow check the rules): the
public form and its tracking lookup, the counter entry, one form per step, the list filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from app.common.forms import (
    REQUIRED,
    FilterForm,
    VersionedForm,
    at_most,
    chosen,
    int_or_zero,
    strip,
)
from app.network.supervision_labels import (
    COMPLAINT_CHANNEL_LABELS,
    COMPLAINT_STATUS_LABELS,
    FINDING_LABELS,
)

BAD_DATE = _l("Enter a date like 2026-10-08.")


def _point_field():
    return SelectField(
        _l("Service point"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[chosen(_l("Choose the service point the complaint is about."))],
    )


def _content_field(label):
    return TextAreaField(
        label,
        validators=[InputRequired(REQUIRED), at_most(4000)],
        filters=[strip],
        render_kw={"rows": 5},
    )


def _phone_field(validators, description=None):
    return StringField(
        _l("Mobile phone"),
        validators=[*validators, at_most(20)],
        filters=[strip],
        description=description,
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )


class PublicComplaintForm(FlaskForm):
    """监督投诉 online: about a service point or one of its agents."""

    service_point_id = _point_field()
    agent_name = StringField(
        _l("The agent's name (if it is about one person)"),
        validators=[Optional(), at_most(50)],
        filters=[strip],
    )
    name = StringField(
        _l("Your name"), validators=[InputRequired(REQUIRED), at_most(50)], filters=[strip]
    )
    phone = _phone_field(
        [InputRequired(REQUIRED)],
        _l("You need it with the tracking code to follow your complaint."),
    )
    content = _content_field(_l("What happened?"))
    submit = SubmitField(_l("Send the complaint"))


class PublicTrackForm(FlaskForm):
    """The lookup: both the code and the phone, sent by POST (never in the address)."""

    code = StringField(
        _l("Tracking code"),
        validators=[InputRequired(REQUIRED), at_most(20)],
        filters=[strip],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    phone = _phone_field([InputRequired(REQUIRED)])
    submit = SubmitField(_l("Check progress"))


class CounterComplaintForm(FlaskForm):
    """A complaint taken in by staff: at the counter, by phone or by letter."""

    service_point_id = _point_field()
    agent_member_id = SelectField(
        _l("Agent complained about"),
        coerce=int_or_zero,
        validate_choice=False,
        description=_l("Leave empty when it is about the service point as a whole."),
    )
    channel = SelectField(
        _l("Came in"),
        choices=[SelectChoice(k, v) for k, v in COMPLAINT_CHANNEL_LABELS.items() if k != "online"],
        validators=[InputRequired(REQUIRED)],
    )
    name = StringField(
        _l("Complainant's name"),
        validators=[InputRequired(REQUIRED), at_most(50)],
        filters=[strip],
    )
    phone = _phone_field([Optional()], _l("Needed with the tracking code to follow it online."))
    content = _content_field(_l("The complaint"))
    submit = SubmitField(_l("Register the complaint"))


class AssignForm(VersionedForm):
    handler_id = SelectField(
        _l("Handler"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[chosen(_l("Choose a handler from the list."))],
    )
    due_on = DateField(_l("Answer due by"), validators=[Optional()], format="%Y-%m-%d")
    submit = SubmitField(_l("Set handler and deadline"))


class UpholdForm(VersionedForm):
    finding = RadioField(
        _l("Finding"),
        choices=[SelectChoice(k, FINDING_LABELS[k]) for k in ("upheld", "partly")],
        validate_choice=False,
        validators=[InputRequired(_l("Choose whether it is upheld in full or in part."))],
    )
    finding_note = TextAreaField(
        _l("What was found"),
        validators=[InputRequired(REQUIRED), at_most(2000)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    rectification = TextAreaField(
        _l("Rectification required"),
        validators=[InputRequired(REQUIRED), at_most(2000)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    rectify_due_on = DateField(
        _l("Rectify by"), validators=[InputRequired(BAD_DATE)], format="%Y-%m-%d"
    )
    submit = SubmitField(_l("Uphold and require rectification"))


class DismissForm(VersionedForm):
    reply = TextAreaField(
        _l("Reply to the complainant"),
        validators=[InputRequired(REQUIRED), at_most(2000)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Not upheld: answer and close"))


class CloseForm(VersionedForm):
    result = TextAreaField(
        _l("What was rectified, and the reply"),
        validators=[InputRequired(REQUIRED), at_most(2000)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    submit = SubmitField(_l("Record the result and close"))


STEP_FORMS = {
    "assign": AssignForm,
    "uphold": UpholdForm,
    "dismiss": DismissForm,
    "close": CloseForm,
}


class ComplaintFilterForm(FilterForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Any status"))]
        + [SelectChoice(k, v) for k, v in COMPLAINT_STATUS_LABELS.items()],
        validators=[Optional()],
    )
    point = SelectField(
        _l("Service point"), coerce=int_or_zero, validate_choice=False, validators=[Optional()]
    )
    overdue = BooleanField(_l("Overdue only"))
