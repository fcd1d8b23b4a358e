"""The public online agency's forms (shape only; the services check the rules): applying for
a published item at a service point, looking a case up by its tracking code and phone, and
the applicant's rating."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from app.cases.labels import RATING_LABELS
from app.common.forms import REQUIRED


def _at_most(n: int) -> Length:
    return Length(max=n, message=_l("Enter at most %(max)d characters."))


def _strip(value: str | None) -> str:
    return (value or "").strip()


def _int_or_zero(value) -> int:
    """A select's id; anything that is not a number is "nothing chosen" (a Chinese message
    beside the field instead of WTForms' English "could not coerce")."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _chosen(message):
    """The field's value must be one of its non-blank choices."""

    def check(_form, field) -> None:
        if not field.data or field.data not in {c.value for c in field.choices or ()}:
            raise ValidationError(message)

    return check


class ApplyForm(FlaskForm):
    """网络代理服务: a citizen applies online; the view fills the two choice lists."""

    item_id = SelectField(
        _l("Item"),
        coerce=_int_or_zero,
        validate_choice=False,
        validators=[_chosen(_l("Choose an item of the published catalogue."))],
    )
    service_point_id = SelectField(
        _l("Service point"),
        coerce=_int_or_zero,
        validate_choice=False,
        validators=[_chosen(_l("Choose the service point that should handle it."))],
        description=_l("The village room near you, or the township station or district centre."),
    )
    name = StringField(
        _l("Your name"),
        validators=[InputRequired(REQUIRED), _at_most(50)],
        filters=[_strip],
    )
    phone = StringField(
        _l("Mobile phone"),
        validators=[InputRequired(REQUIRED), _at_most(20)],
        filters=[_strip],
        description=_l("You need it with the tracking code to follow your case."),
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    village = StringField(
        _l("Village or community"),
        validators=[Optional(), _at_most(100)],
        filters=[_strip],
    )
    request = TextAreaField(
        _l("What do you need?"),
        validators=[InputRequired(REQUIRED), _at_most(2000)],
        filters=[_strip],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Send the application"))


class TrackForm(FlaskForm):
    """The lookup: both the code and the phone, sent by POST (never in the address)."""

    code = StringField(
        _l("Tracking code"),
        validators=[InputRequired(REQUIRED), _at_most(20)],
        filters=[_strip],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    phone = StringField(
        _l("Mobile phone"),
        validators=[InputRequired(REQUIRED), _at_most(20)],
        filters=[_strip],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    submit = SubmitField(_l("Check progress"))


class RateForm(FlaskForm):
    """The applicant's rating, posted back to the tracking page with the code and phone again
    (the server looks the case up by them once more; no case id is taken from the form)."""

    code = HiddenField(validators=[InputRequired(REQUIRED), _at_most(20)], filters=[_strip])
    phone = HiddenField(validators=[InputRequired(REQUIRED), _at_most(20)], filters=[_strip])
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    level = RadioField(
        _l("How satisfied are you?"),
        choices=[SelectChoice(k, v) for k, v in RATING_LABELS.items()],
        coerce=_int_or_zero,
        validate_choice=False,
        validators=[_chosen(_l("Choose how satisfied you are."))],
    )
    comment = TextAreaField(
        _l("Anything to add (optional)"),
        validators=[Optional(), _at_most(1000)],
        filters=[_strip],
        render_kw={"rows": 3},
    )
    rate = SubmitField(_l("Send my rating"))

    def is_posted(self) -> bool:
        """This request carries a rating (its button, or a level) rather than a lookup."""
        return bool(self.rate.data or self.level.raw_data)
