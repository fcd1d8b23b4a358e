"""The duty rotas' and the register's forms (shape only; the rules live in the services)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from app.common.forms import REQUIRED, FilterForm, VersionedForm, strip
from app.network.duty_labels import (
    KIND_LABELS,
    SLOT_LABELS,
    VISIT_CHANNEL_LABELS,
    VISIT_STATUS_LABELS,
    WEEKDAY_NAMES,
)

MONTH = Regexp(r"^\d{4}-\d{2}$", message=_l("Give a month such as 2026-10."))


class SettingsMixin:
    per_day = IntegerField(
        _l("People a day"),
        description=_l("Our default; the committee may change it."),
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=10)],
    )
    half_days = BooleanField(_l("Half-day shifts (morning and afternoon)"))
    weekday = SelectField(
        _l("Reception weekday"),
        coerce=int,
        choices=[SelectChoice(i, WEEKDAY_NAMES[i]) for i in range(5)],
        default=2,
        # Shown for reception rotas only; the service checks it when it matters.
        validate_choice=False,
        description=_l(
            "Reception rotas only. Our default is Wednesday; the committee may change it."
        ),
    )


class GenerateForm(SettingsMixin, FlaskForm):
    """Plan a month for a point: the kind, the month and the settings."""

    kind = SelectField(_l("Kind of rota"))
    month = StringField(_l("Month"), validators=[InputRequired(REQUIRED), MONTH], filters=[strip])

    def set_kinds(self, kinds: list[str]) -> None:
        self.kind.choices = [SelectChoice(k, KIND_LABELS[k]) for k in kinds]


class RegenerateForm(SettingsMixin, VersionedForm):
    """Plan a draft's month again, replacing its shifts."""


class ShiftAddForm(VersionedForm):
    day = DateField(_l("Day"), validators=[InputRequired(REQUIRED)])
    slot = SelectField(
        _l("Shift"), choices=[SelectChoice(k, v) for k, v in SLOT_LABELS.items()], default="day"
    )
    member_id = SelectField(_l("Person"), coerce=int)


class ShiftReplaceForm(VersionedForm):
    member_id = SelectField(_l("Replace with"), coerce=int)


def pool_choices(people: list[tuple[Any, frozenset[str]]]) -> list[SelectChoice]:
    return [SelectChoice(0, "—")] + [SelectChoice(m.id, m.name) for m, _a in people]


# --- the register ---------------------------------------------------------------------------


class VisitForm(FlaskForm):
    """来信来访登记 at the counter."""

    received_on = DateField(_l("Received on"), validators=[InputRequired(REQUIRED)])
    channel = SelectField(
        _l("Channel"),
        choices=[SelectChoice(k, v) for k, v in VISIT_CHANNEL_LABELS.items()],
        default="visit",
    )
    visitor_name = StringField(
        _l("Name"), validators=[InputRequired(REQUIRED), Length(max=50)], filters=[strip]
    )
    phone = StringField(
        _l("Phone"),
        description=_l("Optional; stored encrypted and shown masked."),
        validators=[Optional(), Length(max=20)],
        filters=[strip],
    )
    subject = StringField(
        _l("Subject"), validators=[InputRequired(REQUIRED), Length(max=200)], filters=[strip]
    )
    content = TextAreaField(_l("Content"), validators=[Length(max=4000)], filters=[strip])


class HandleForm(VersionedForm):
    handled_on = DateField(_l("Handled on"), validators=[InputRequired(REQUIRED)])
    handling = TextAreaField(
        _l("What was done"),
        validators=[InputRequired(REQUIRED), Length(max=4000)],
        filters=[strip],
    )


class VisitCaseForm(VersionedForm):
    """Turn a visit into a case: the item and the request, pre-filled from the visit."""

    item_id = SelectField(
        _l("Service item"), coerce=int, validators=[NumberRange(min=1, message=REQUIRED)]
    )
    request = TextAreaField(
        _l("What the applicant needs"),
        validators=[InputRequired(REQUIRED), Length(max=2000)],
        filters=[strip],
    )
    village = StringField(_l("Village"), validators=[Length(max=100)], filters=[strip])
    phone = StringField(
        _l("Phone"),
        description=_l("Only needed when the register has no phone for the visitor."),
        validators=[Optional(), Length(max=20)],
        filters=[strip],
    )


class VisitFilterForm(FilterForm):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All"))]
        + [SelectChoice(k, v) for k, v in VISIT_STATUS_LABELS.items()],
        default="",
    )
    month = StringField(_l("Month"), validators=[Optional(), MONTH], filters=[strip])
