"""Small form helpers shared by every feature."""

from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired

from app.errors import DomainError, FieldErrors


class VersionedForm(FlaskForm):
    """A form that posts back the row version it was loaded from (stale writes get a 409)."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class ConfirmForm(VersionedForm):
    """A confirmation for a destructive or status-changing action."""


def show_domain_error(form: FlaskForm, err: DomainError) -> None:
    """Put a service's error beside the field it names, or at the top of the page."""
    if isinstance(err, FieldErrors):
        for name, message in err.errors.items():
            f = getattr(form, name, None)
            if f is not None:
                f.errors = [*list(f.errors or []), str(message)]
            else:
                flash(str(message), "danger")
        return
    field = getattr(form, err.field, None) if err.field else None
    if field is not None:
        field.errors = [*list(field.errors or []), str(err.message)]
    else:
        flash(str(err.message), "danger")


REQUIRED = _l("This field is required.")


def id_arg(name: str) -> int | None:
    """An id from the query string or form; anything that is not a plausible database id
    (missing, not a number, zero, negative, too big) is None."""
    from flask import request

    value = request.values.get(name, type=int)
    return value if value is not None and 0 < value < 2**63 else None


def date_arg(name: str):
    """A date (YYYY-MM-DD) from the query string or form, or None when absent or not a date."""
    from datetime import date

    from flask import request

    try:
        return date.fromisoformat(request.values.get(name, ""))
    except ValueError:
        return None


def flash_domain_error(err: DomainError) -> None:
    """Flash each message of a service error, for pages whose small forms redirect back."""
    messages = err.errors.values() if isinstance(err, FieldErrors) else [err.message]
    for message in messages:
        flash(str(message), "danger")
