"""The audit log's filter form (a GET form: it changes nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.audit.labels import ACTION_LABELS
from app.audit.search import EventFilters
from app.common.forms import FilterForm, strip


class EventFilterForm(FilterForm):
    # Any code filters, even one without a label (rows older than its label); the list offers
    # the labelled ones.
    action = SelectField(_l("Action"), validate_choice=False, validators=[Length(max=64)])
    actor = StringField(_l("User name"), validators=[Length(max=64)], filters=[strip])
    result = SelectField(
        _l("Result"),
        choices=[
            SelectChoice("", _l("All")),
            SelectChoice("ok", _l("Succeeded")),
            SelectChoice("fail", _l("Failed")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action.choices = [
            SelectChoice("", _l("All")),
            *(SelectChoice(code, label) for code, label in ACTION_LABELS.items()),
        ]

    def filters(self) -> EventFilters:
        """The filters asked for; any that fail validation are dropped (a list still shows)."""
        self.validate()
        return EventFilters(
            action="" if self.action.errors else strip(self.action.data),
            actor="" if self.actor.errors else self.actor.data or "",
            result="" if self.result.errors else self.result.data or "",
        )
