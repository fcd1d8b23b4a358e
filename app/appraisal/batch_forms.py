"""The overview's batch forms (shape only; ``app.appraisal.batch`` and the workflow check the
rules record by record). The ticked records come as "id:version" values."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.appraisal.batch import parse_selection
from app.appraisal.forms import NONE
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


class BatchGradeForm(BatchSignForm):
    """Give the ticked records the same branch opinion: one meeting, what the masses report,
    one grade, one comment, as the record page's step asks for one record."""

    meeting_id = SelectField(
        _l("Branch committee meeting"), coerce=int, choices=[], validate_choice=False
    )
    meeting_on = DateField(_l("Date of the meeting"), validators=[Optional()])
    attendees = TextAreaField(
        _l("Who attended"), validators=[Length(max=1000)], render_kw={"rows": 2}
    )
    decision = TextAreaField(
        _l("What the meeting decided"), validators=[Length(max=2000)], render_kw={"rows": 2}
    )
    masses = TextAreaField(
        _l("What the masses report"),
        description=_l("Required for a grade of excellent or unqualified."),
        validators=[Length(max=2000)],
        render_kw={"rows": 2},
    )
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
            "grade": self.grade.data or None,
            "meeting_id": self.meeting_id.data or None,
            "meeting_on": self.meeting_on.data,
            "attendees": self.attendees.data,
            "decision": self.decision.data,
            "masses": self.masses.data,
            "comment": self.comment.data,
        }
