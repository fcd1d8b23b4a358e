"""The staff's case forms (shape only; the rules live in workflow.py and the services).

The case page carries one form per step the viewer may take, each with its own ``prefix``
(``page_form``) so its input and errors stay its own."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.cases.labels import CHANNEL_LABELS, RATING_LABELS, STATUS_LABELS
from app.cases.models import Channel
from app.common.forms import REQUIRED, FilterForm, MultipleCheckboxField, VersionedForm, strip

# --- intake ----------------------------------------------------------------------------------


class IntakeForm(FlaskForm):
    """受理登记: a walk-in or a phone call registered at the counter."""

    # The choices come from scoped queries; a posted id outside them is refused.
    service_point_id = SelectField(_l("Service point"), coerce=int)
    item_id = SelectField(
        _l("Service item"), coerce=int, validators=[NumberRange(min=1, message=REQUIRED)]
    )
    name = StringField(
        _l("Applicant"), validators=[InputRequired(REQUIRED), Length(max=50)], filters=[strip]
    )
    phone = StringField(
        _l("Phone"), validators=[InputRequired(REQUIRED), Length(max=20)], filters=[strip]
    )
    village = StringField(_l("Village"), validators=[Length(max=100)], filters=[strip])
    address = StringField(_l("Address"), validators=[Length(max=200)], filters=[strip])
    id_number = StringField(
        _l("ID number"),
        description=_l("Optional; stored encrypted and shown masked."),
        validators=[Optional(), Length(max=18)],
        filters=[strip],
    )
    request = TextAreaField(
        _l("What the applicant needs"),
        validators=[InputRequired(REQUIRED), Length(max=2000)],
        filters=[strip],
    )
    channel = SelectField(
        _l("Channel"),
        choices=[
            SelectChoice(Channel.COUNTER, CHANNEL_LABELS["counter"]),
            SelectChoice(Channel.PHONE, CHANNEL_LABELS["phone"]),
        ],
        default=Channel.COUNTER,
    )


# --- the steps of the case page -----------------------------------------------------------------


class StepForm(VersionedForm):
    """A step with only a comment (a note, a reason, an urge). Subclasses add the step's own
    fields and say what ``apply`` gets as ``data``."""

    comment = TextAreaField(_l("Comment or reason"), validators=[Length(max=2000)])

    def step_data(self) -> dict[str, Any]:
        return {}


# The acceptance form's types: each is its own workflow action.
ACCEPT_KINDS = {
    "accept": _l("Promised case: a due date from the item's working days"),
    "accept_immediate": _l("Immediate case: done on the spot, with its result"),
    "accept_supplement": _l("Supplement case: papers missing"),
    "escalate": _l("Escalate to the point one level up"),
}


class AcceptForm(StepForm):
    """受理: the materials received, the case type and what that type needs."""

    kind = SelectField(_l("Case type"), validate_choice=False, default="accept")
    materials = MultipleCheckboxField(_l("Materials received"), validate_choice=False)
    result = TextAreaField(_l("Result handed over"), validators=[Length(max=2000)])
    missing = TextAreaField(_l("What is missing"), validators=[Length(max=1000)])
    departments = TextAreaField(
        _l("Departments involved"),
        description=_l("One per line."),
        validators=[Length(max=2000)],
    )

    def step_data(self) -> dict[str, Any]:
        return {
            "materials": list(self.materials.data or []),
            "result": self.result.data,
            "missing": self.missing.data,
            "departments": (self.departments.data or "").splitlines(),
        }


class PapersForm(StepForm):
    materials = MultipleCheckboxField(_l("Materials received"), validate_choice=False)
    departments = TextAreaField(
        _l("Departments involved"),
        description=_l("One per line."),
        validators=[Length(max=2000)],
    )

    def step_data(self) -> dict[str, Any]:
        return {
            "materials": list(self.materials.data or []),
            "departments": (self.departments.data or "").splitlines(),
        }


class AssignForm(StepForm):
    member_id = SelectField(_l("Agent"), coerce=int, validate_choice=False)

    def step_data(self) -> dict[str, Any]:
        return {}  # the view resolves the member through services.assignable


class PartForm(StepForm):
    part_id = SelectField(_l("Department"), coerce=int, validate_choice=False)

    def step_data(self) -> dict[str, Any]:
        return {"part_id": self.part_id.data}


class CompleteForm(StepForm):
    result = TextAreaField(_l("Result"), validators=[Length(max=2000)])

    def step_data(self) -> dict[str, Any]:
        return {"result": self.result.data}


class DeliverForm(StepForm):
    via = StringField(
        _l("Delivered how"),
        description=_l("In person, by phone, by post…"),
        validators=[Length(max=100)],
        filters=[strip],
    )
    on = DateField(_l("Delivered on"), validators=[Optional()])

    def step_data(self) -> dict[str, Any]:
        return {"via": self.via.data, "on": self.on.data}


class RateForm(StepForm):
    """评价 recorded from a return visit (回访) by phone."""

    level = SelectField(
        _l("Satisfaction"),
        coerce=int,
        choices=[SelectChoice(0, "—"), *(SelectChoice(k, v) for k, v in RATING_LABELS.items())],
        validate_choice=False,
    )


STEP_FORMS: dict[str, type[StepForm]] = {
    "accept": AcceptForm,
    "papers_arrived": PapersForm,
    "assign": AssignForm,
    "part_done": PartForm,
    "complete": CompleteForm,
    "deliver": DeliverForm,
    "evaluate": RateForm,
}


# --- lists ---------------------------------------------------------------------------------------

STATE_ALL = "all"


class CaseFilterForm(FilterForm):
    """My cases and a point's board: open cases by default, or one state, or every case."""

    state = SelectField(
        _l("State"),
        choices=[
            SelectChoice("", _l("Open cases")),
            *(SelectChoice(k, v) for k, v in STATUS_LABELS.items() if k != "new"),
            SelectChoice(STATE_ALL, _l("All cases")),
        ],
        validate_choice=False,
    )
    agent = IntegerField(_l("Agent"), validators=[Optional()])
    page = IntegerField(validators=[Optional()])


# What each step's form is called on the case page (the timeline says what was done).
STEP_TITLES = {
    "accept": _l("Accept"),
    "papers_arrived": _l("The missing papers arrived"),
    "escalate": _l("Escalate one level up"),
    "refuse": _l("Refuse (不予受理)"),
    "withdraw": _l("The applicant withdraws"),
    "assign": _l("Assign an agent"),
    "note": _l("Add a progress note"),
    "part_done": _l("A department's part is done"),
    "complete": _l("Complete (办结)"),
    "deliver": _l("Deliver the result (反馈)"),
    "evaluate": _l("Record the rating from a return visit (回访)"),
    "return_visit": _l("Record the return visit"),
    "fix": _l("The problem is fixed"),
    "urge": _l("Urge (催办)"),
}
