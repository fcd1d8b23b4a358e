"""The overview's batch forms (shape only; ``app.appraisal.batch`` and the workflow check the
rules record by record). The ticked records come as "id:version" values."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.appraisal.batch import parse_selection
from app.appraisal.forms import NONE, MeetingFields
from app.appraisal.labels import GRADE_LABELS


class BatchSignForm(FlaskForm):
    """Sign the ticked records with one opinion."""

    ids = SelectMultipleField(_l("Records"), choices=[], validate_choice=False)
    comment = TextAreaField(
        _l("Opinion (the same for every record ticked)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )

    def selection(self) -> dict[int, int]:
        return parse_selection(self.ids.data or [])


class BatchGradeForm(MeetingFields, BatchSignForm):
    """Give the ticked records the same branch opinion: one meeting, what the masses report,
    one grade, one comment, as the record page's step asks for one record."""

    grade = SelectField(
        _l("Grade"),
        choices=[SelectChoice("", NONE), *(SelectChoice(k, v) for k, v in GRADE_LABELS.items())],
        validators=[Optional()],
    )
    comment = TextAreaField(
        _l("Branch opinion (the same for every record ticked)"),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )

    def step_data(self) -> dict[str, Any]:
        return {
            **self.meeting_data(),
            "grade": self.grade.data or None,
            "comment": self.comment.data,
        }
