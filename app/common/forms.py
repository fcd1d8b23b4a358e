"""Small form helpers shared by every feature."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, IntegerField, SelectMultipleField, StringField, ValidationError
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params


class VersionedForm(FlaskForm):
    """A form that posts back the row version it was loaded from (stale writes get a 409)."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class ButtonForm(FlaskForm):
    """A bare POST button that changes no row: only the CSRF token."""


class ConfirmForm(VersionedForm):
    """A confirmation for a destructive or status-changing action."""


class MultipleCheckboxField(SelectMultipleField):
    """Several choices as a group of checkboxes (the forms macro renders it by this name)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs) -> None:
        # WTForms' own message for this has no Chinese translation.
        kwargs.setdefault("invalid_choice_message", _l("Choose one from the list."))
        super().__init__(*args, **kwargs)


def page_form(
    cls: type[FlaskForm], prefix: str, *, pressed: bool = False, keep: bool = False, **kwargs: Any
) -> Any:
    """One of several forms on a page, with its own ``prefix``. The ``pressed`` form reads the
    POST (it is the one validated); a ``keep`` form reads its fields only when they came along
    with the POST (so what was typed there survives); any other starts from ``obj``/``data``.
    So what is typed into one form, and its errors, never show up in another."""
    came_along = request.method == "POST" and any(k.startswith(f"{prefix}-") for k in request.form)
    if pressed or (keep and came_along):
        form = cls(prefix=prefix, **kwargs)
        form.is_posted = True
    else:
        form = cls(formdata=None, prefix=prefix, **kwargs)
        form.is_posted = False
    return form


class FilterForm(FlaskForm):
    """A GET form of list filters: read from the query string, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formdata", request.args)
        super().__init__(*args, **kwargs)


class SearchForm(FilterForm):
    q = StringField(
        _l("Search"), validators=[Length(max=64)], filters=[lambda v: (v or "").strip()]
    )


REQUIRED = _l("This field is required.")


# --- field helpers -------------------------------------------------------------------------------


def at_most(n: int) -> Length:
    """A length limit with the catalogue's Chinese message."""
    return Length(max=n, message=_l("Enter at most %(max)d characters."))


def strip(value: Any) -> str:
    """A text field's filter: surrounding spaces off, None as ""."""
    return (value or "").strip()


def int_or_zero(value: Any) -> int:
    """A select's id; anything that is not a number is "nothing chosen" (a Chinese message
    beside the field instead of WTForms' English "could not coerce")."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def chosen(message: Any):
    """A validator: the field's value must be one of its non-blank choices."""

    def check(_form, field) -> None:
        if not field.data or field.data not in {c.value for c in field.choices or ()}:
            raise ValidationError(message)

    return check


_OPTIONS: OrderedDict[tuple, str] = OrderedDict()
_OPTIONS_KEPT = 256
_OPTIONS_LOCK = threading.Lock()


def _options(pairs: list[tuple[str, str]]) -> str:
    """The escaped ``<option>`` list of (value, label) pairs, none selected; kept for the
    lists asked again (the same filter lists on every page of a list)."""
    key = tuple(pairs)
    with _OPTIONS_LOCK:
        html = _OPTIONS.get(key)
        if html is not None:
            _OPTIONS.move_to_end(key)
            return html
    html = "".join(f'<option value="{escape(v)}">{escape(lb)}</option>' for v, lb in pairs)
    with _OPTIONS_LOCK:
        _OPTIONS[key] = html
        while len(_OPTIONS) > _OPTIONS_KEPT:
            _OPTIONS.popitem(last=False)
    return html


def select_options(pairs: list[tuple[str, str]], chosen: str) -> Markup:
    """The escaped ``<option>`` list of (value, label) pairs with ``chosen`` selected, for a
    plain ``<select>`` in a template (the escaped list kept as ``QuickSelect`` keeps it)."""
    html = _options(pairs)
    tag = f'<option value="{escape(chosen)}">'
    return Markup(html.replace(tag, tag[:-1] + " selected>", 1))  # noqa: S704 - escaped above


class QuickSelect(Select):
    """A ``<select>`` rendered in one pass over its choices: a county's filter lists (every
    org in scope, every skill) cost about a microsecond per option instead of WTForms' general
    per-option attribute rendering. Option groups and non-text values fall back to it."""

    def __call__(self, field, **kwargs: Any) -> Markup:
        choices = field.choices or ()
        # WTForms' has_groups() builds an object per choice; groups come only as a dict.
        if field.coerce is not str or not all(isinstance(c, tuple) for c in choices):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for name in self.validation_attrs:
            if name not in kwargs and getattr(flags, name, False):
                kwargs[name] = getattr(flags, name)
        data = field.data
        chosen = {str(d) for d in data} if isinstance(data, list | tuple) else {str(data)}
        if any(len(c) > 2 and c[2] for c in choices):  # (value, label, render_kw)
            options = "".join(
                self.render_option(c[0], c[1], str(c[0]) in chosen, **(c[2] if len(c) > 2 else {}))
                for c in choices
            )
        else:
            options = _options([(str(c[0]), str(c[1])) for c in choices])
            for value in chosen:  # mark the chosen: their escaped <option> appears once
                tag = f'<option value="{escape(value)}">'
                options = options.replace(tag, tag[:-1] + " selected>", 1)
        parts = [f"<select {html_params(name=field.name, **kwargs)}>", options, "</select>"]
        return Markup("".join(parts))  # noqa: S704 - values and labels escaped above
