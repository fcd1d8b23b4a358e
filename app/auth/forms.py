"""Login, password and account administration forms (shape only; rules live in services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length, Optional

from app.common.forms import REQUIRED, VersionedForm


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[InputRequired(REQUIRED), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[InputRequired(REQUIRED), Length(max=128)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(REQUIRED), Length(max=128)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[InputRequired(REQUIRED), Length(max=128)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            InputRequired(REQUIRED),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
    )


class UserCreateForm(FlaskForm):
    username = StringField(
        _l("User name"),
        validators=[InputRequired(REQUIRED), Length(max=64)],
        description=_l("Letters, digits, dot, dash or underscore; used to log in."),
    )
    display_name = StringField(
        _l("Full name"), validators=[InputRequired(REQUIRED), Length(max=64)]
    )
    generate = BooleanField(
        _l("Generate an initial password"),
        default=True,
        description=_l("The user must change it at first login."),
    )
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=128)])


class UserEditForm(VersionedForm):
    display_name = StringField(
        _l("Full name"), validators=[InputRequired(REQUIRED), Length(max=64)]
    )
    email = StringField(
        _l("E-mail address"),
        validators=[Optional(), Length(max=254)],
        description=_l("Optional: the daily reminders are mailed here."),
    )


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), validators=[InputRequired(REQUIRED)])
    org_id = SelectField(_l("Organisation"), coerce=int, validators=[InputRequired(REQUIRED)])
    service_point_id = SelectField(
        _l("Service point"),
        coerce=int,
        validators=[Optional()],
        description=_l("Agents only: the service point where they take cases."),
    )
