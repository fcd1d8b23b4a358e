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
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from app.cases.labels import RATING_LABELS
from app.common.forms import REQUIRED, at_most, chosen, int_or_zero, strip


class ApplyForm(FlaskForm):
    """网络代理服务: a citizen applies online; the view fills the two choice lists."""

    item_id = SelectField(
        _l("Item"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[chosen(_l("Choose an item of the published catalogue."))],
    )
    service_point_id = SelectField(
        _l("Service point"),
        coerce=int_or_zero,
        validate_choice=False,
        validators=[chosen(_l("Choose the service point that should handle it."))],
        description=_l("The village room near you, or the township station or district centre."),
    )
    name = StringField(
        _l("Your name"),
        validators=[InputRequired(REQUIRED), at_most(50)],
        filters=[strip],
    )
    phone = StringField(
        _l("Mobile phone"),
        validators=[InputRequired(REQUIRED), at_most(20)],
        filters=[strip],
        description=_l("You need it with the tracking code to follow your case."),
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    village = StringField(
        _l("Village or community"),
        validators=[Optional(), at_most(100)],
        filters=[strip],
    )
    request = TextAreaField(
        _l("What do you need?"),
        validators=[InputRequired(REQUIRED), at_most(2000)],
        filters=[strip],
        render_kw={"rows": 4},
    )
    submit = SubmitField(_l("Send the application"))


class TrackForm(FlaskForm):
    """The lookup: both the code and the phone, sent by POST (never in the address)."""

    code = StringField(
        _l("Tracking code"),
        validators=[InputRequired(REQUIRED), at_most(20)],
        filters=[strip],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    phone = StringField(
        _l("Mobile phone"),
        validators=[InputRequired(REQUIRED), at_most(20)],
        filters=[strip],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    submit = SubmitField(_l("Check progress"))


class RateForm(FlaskForm):
    """The applicant's rating, posted back to the tracking page with the code and phone again
    (the server looks the case up by them once more; no case id is taken from the form)."""

    code = HiddenField(validators=[InputRequired(REQUIRED), at_most(20)], filters=[strip])
    phone = HiddenField(validators=[InputRequired(REQUIRED), at_most(20)], filters=[strip])
    version = IntegerField(widget=HiddenField.widget, validators=[Optional()])
    level = RadioField(
        _l("How satisfied are you?"),
        choices=[SelectChoice(k, v) for k, v in RATING_LABELS.items()],
        coerce=int_or_zero,
        validate_choice=False,
        validators=[chosen(_l("Choose how satisfied you are."))],
    )
    comment = TextAreaField(
        _l("Anything to add (optional)"),
        validators=[Optional(), at_most(1000)],
        filters=[strip],
        render_kw={"rows": 3},
    )
    rate = SubmitField(_l("Send my rating"))

    def is_posted(self) -> bool:
        """This request carries a rating (its button, or a level) rather than a lookup."""
        return bool(self.rate.data or self.level.raw_data)
