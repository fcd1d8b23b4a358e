"""The selection's forms (shape only; the rules live in workflow.py and services.py).

The round page and the nomination page carry one form per step the viewer may take, each
with its own ``prefix`` (``page_form``) so its input and errors stay its own."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.common.forms import REQUIRED, MultipleCheckboxField, VersionedForm, strip
from app.selection.labels import QUOTA_MODE_LABELS
from app.selection.rules import ROUNDING_LABELS


def _quota_fields(cls):
    cls.quota_mode = SelectField(
        _l("Quota"),
        choices=[SelectChoice(k, v) for k, v in QUOTA_MODE_LABELS.items()],
        default="share",
    )
    cls.quota_value = DecimalField(
        _l("Number or share"),
        description=_l("A number per branch, or a share such as 0.1 for 10%."),
        places=None,
        default=0.1,
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=1000)],
    )
    cls.quota_rounding = SelectField(
        _l("Rounding of shares"),
        choices=[SelectChoice(k.value, v) for k, v in ROUNDING_LABELS.items()],
        default="round",
    )
    return cls


def _date_fields(cls):
    cls.nominations_due = DateField(_l("Nominations due"), validators=[InputRequired(REQUIRED)])
    cls.review_due = DateField(_l("Committee review due"), validators=[InputRequired(REQUIRED)])
    cls.notice_starts = DateField(_l("Public notice starts"), validators=[InputRequired(REQUIRED)])
    cls.notice_ends = DateField(
        _l("Public notice ends"),
        description=_l("Our default: five working days."),
        validators=[InputRequired(REQUIRED)],
    )
    return cls


DATE_KEYS = ("nominations_due", "review_due", "notice_starts", "notice_ends")


@_date_fields
@_quota_fields
class RoundForm(FlaskForm):
    org_id = SelectField(_l("Organisation"), coerce=int)
    year = IntegerField(
        _l("Year"), validators=[InputRequired(REQUIRED), NumberRange(min=2000, max=2100)]
    )
    title = StringField(_l("Title"), validators=[Length(max=100)], filters=[strip])
    quarters = MultipleCheckboxField(
        _l("Appraisal quarters read"),
        description=_l("Our default: the four most recent closed quarters."),
    )


class StepForm(VersionedForm):
    """A step with only a comment (a reason)."""

    comment = TextAreaField(_l("Comment or reason"), validators=[Length(max=2000)])

    def step_data(self) -> dict[str, Any]:
        return {}


class PublishForm(StepForm):
    notice_starts = DateField(_l("Public notice starts"), validators=[InputRequired(REQUIRED)])
    notice_ends = DateField(_l("Public notice ends"), validators=[InputRequired(REQUIRED)])

    def step_data(self) -> dict[str, Any]:
        return {"notice_starts": self.notice_starts.data, "notice_ends": self.notice_ends.data}


class RuleForm(StepForm):
    rule = HiddenField()
    on = BooleanField(_l("Applies"))

    def step_data(self) -> dict[str, Any]:
        return {"rule": self.rule.data, "on": self.on.data}


@_quota_fields
class QuotaForm(StepForm):
    def step_data(self) -> dict[str, Any]:
        value = self.quota_value.data
        return {
            "mode": self.quota_mode.data,
            "value": float(value) if value is not None else None,
            "rounding": self.quota_rounding.data,
        }


@_date_fields
class DatesForm(StepForm):
    def step_data(self) -> dict[str, Any]:
        return {k: getattr(self, k).data for k in DATE_KEYS}


# --- nominations ------------------------------------------------------------------------------


class NominateForm(VersionedForm):
    reason = TextAreaField(
        _l("Reason for the nomination (推荐理由)"),
        validators=[InputRequired(REQUIRED), Length(max=2000)],
        filters=[strip],
    )
    deeds = StringField(
        _l("Main deeds in one line (主要事迹)"),
        description=_l("Printed on the notice and the lists; up to 100 characters."),
        validators=[InputRequired(REQUIRED), Length(max=100)],
        filters=[strip],
    )
    explanation = TextAreaField(
        _l("Explanation of missing or open quarters"),
        validators=[Length(max=1000)],
        filters=[strip],
    )

    def step_data(self) -> dict[str, Any]:
        return {
            "reason": self.reason.data,
            "deeds": self.deeds.data,
            "explanation": self.explanation.data,
        }


class ObjectForm(StepForm):
    comment = TextAreaField(
        _l("The objection"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )
    received_on = DateField(_l("Received on"), validators=[InputRequired(REQUIRED)])
    raised_by = StringField(
        _l("Raised by"),
        description=_l("Leave empty for an anonymous objection."),
        validators=[Length(max=100)],
        filters=[strip],
    )

    def step_data(self) -> dict[str, Any]:
        return {"received_on": self.received_on.data, "raised_by": self.raised_by.data}


class AnswerForm(StepForm):
    comment = TextAreaField(
        _l("How it was looked into and the answer"),
        validators=[InputRequired(REQUIRED), Length(max=2000)],
    )
    objection_id = SelectField(_l("Objection"), coerce=int, validate_choice=False)
    answered_by = StringField(
        _l("Answered by"),
        description=_l("Who looked into it, e.g. the discipline inspection committee."),
        validators=[InputRequired(REQUIRED), Length(max=100)],
        filters=[strip],
    )
    answered_on = DateField(_l("Answered on"), validators=[Optional()])

    def step_data(self) -> dict[str, Any]:
        return {
            "objection_id": self.objection_id.data,
            "answered_by": self.answered_by.data,
            "answered_on": self.answered_on.data,
        }


ROUND_FORMS: dict[str, type[StepForm]] = {
    "publish_notice": PublishForm,
    "switch_rule": RuleForm,
    "set_quota": QuotaForm,
    "edit_dates": DatesForm,
}
NOMINATION_FORMS: dict[str, type] = {
    "revise": NominateForm,
    "object": ObjectForm,
    "uphold": AnswerForm,
    "dismiss": AnswerForm,
}
