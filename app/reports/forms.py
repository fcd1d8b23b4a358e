"""The reports' forms (shape only): the committee's settings of the six rates and the ranking."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

from app.common.forms import REQUIRED, VersionedForm
from app.reports.labels import (
    CATALOGUE_RULE_LABELS,
    DUTY_RULE_LABELS,
    EMPTY_RATE_RULE_LABELS,
    EXPECTED_RULE_LABELS,
)


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(k.value, v) for k, v in labels.items()]


class SettingsForm(VersionedForm):
    """The open choices of the rates' definitions and of the townships' ranking."""

    duty_rule = SelectField(_l("An agent on duty means"), choices=_choices(DUTY_RULE_LABELS))
    catalogue_rule = SelectField(
        _l("A published catalogue means"), choices=_choices(CATALOGUE_RULE_LABELS)
    )
    expected_rule = SelectField(
        _l("The points that should exist are"), choices=_choices(EXPECTED_RULE_LABELS)
    )
    count_withdrawn = BooleanField(
        _l("Count cases withdrawn before acceptance as applied (and not accepted)")
    )
    empty_rate_rule = SelectField(
        _l("In a township's score, a rate with nothing to count"),
        choices=_choices(EMPTY_RATE_RULE_LABELS),
    )
    complaint_penalty = DecimalField(
        _l("Points taken off a township's score per upheld complaint"),
        places=None,
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=100)],
    )

    def validate_complaint_penalty(self, field) -> None:
        if field.data is not None and not field.data.is_finite():
            raise ValidationError(_l("Enter a number from 0 to 100."))
