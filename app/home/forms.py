"""The language switch in every page's footer."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, ValidationError


class LanguageForm(FlaskForm):
    """One button per language posts ``lang``; ``next`` is the page to return to."""

    lang = StringField(validators=[InputRequired()])
    next = HiddenField()

    def validate_lang(self, field) -> None:
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError("unknown language")
