"""Login, logout, password change and account administration pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app import policy
from app.auth import services
from app.auth.forms import ChangePasswordForm, GrantForm, LoginForm, UserCreateForm, UserEditForm
from app.auth.models import ROLE_LABELS, Role, RoleGrant, User
from app.common.forms import ConfirmForm, SearchForm
from app.common.urls import safe_next
from app.errors import errors_on
from app.extensions import db, limiter
from app.orgs.models import Org, ServicePoint
from app.orgs.services import scoped_orgs, scoped_service_points

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        cookie_name = current_app.config["LOGIN_DEVICE_COOKIE_NAME"]
        result = services.authenticate(
            form.username.data,
            form.password.data,
            ip=request.remote_addr or "",
            user_agent=request.user_agent.string,
            device_cookie=request.cookies.get(cookie_name, ""),
        )
        db.session.commit()
        if result.user is not None:
            login_user(result.user)
            _rotate_csrf()
            response = redirect(safe_next(request.args.get("next")))
            if result.device_cookie:
                _set_device_cookie(response, cookie_name, result.device_cookie)
            return response
        flash(_("Wrong user name or password, or the account is locked or disabled."), "danger")
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


def _rotate_csrf() -> None:
    """A new CSRF token from the next form on: the one served before login or logout must not
    serve the next user of the same browser."""
    name = current_app.config["WTF_CSRF_FIELD_NAME"]
    session.pop(name, None)
    g.pop(name, None)


def _set_device_cookie(response, name: str, value: str) -> None:
    """Remember this browser for the account, so others' failures do not slow it down."""
    cfg = current_app.config
    response.set_cookie(
        name,
        value,
        max_age=int(cfg["LOGIN_DEVICE_COOKIE_LIFETIME"].total_seconds()),
        secure=bool(cfg.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.logout(current_user)
    db.session.commit()
    logout_user()
    _rotate_csrf()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            services.change_password(
                current_user,
                form.current_password.data,
                form.new_password.data,
                ip=request.remote_addr or "",
                device_cookie=request.cookies.get(
                    current_app.config["LOGIN_DEVICE_COOKIE_NAME"], ""
                ),
            )
        if done:
            db.session.commit()
            flash(_("Your password has been changed. Your other sessions have ended."), "success")
            return redirect(url_for("home.index"))
        if current_user.current_session.revoked_at is not None:
            logout_user()
            _rotate_csrf()
            flash(_("Too many wrong passwords: log in again after a while."), "danger")
            return redirect(url_for("auth.login"))
    return render_template("auth/change_password.html", form=form)


# --- user administration ----------------------------------------------------------------------


@bp.route("/users")
@login_required
def user_list():
    policy.require(current_user, "user.manage")
    search = SearchForm()
    q = search.q.data[:64] if search.validate() else ""
    page = services.user_page(
        current_user, q, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"]
    )
    return render_template("auth/user_list.html", page=page, search=search, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@login_required
def user_create():
    policy.require(current_user, "user.manage")
    form = UserCreateForm()
    if form.validate_on_submit():
        with errors_on(form) as done:
            user, password = services.create_user(
                current_user,
                form.username.data,
                form.display_name.data,
                None if form.generate.data else (form.password.data or ""),
            )
        if done:
            db.session.commit()
            if form.generate.data:
                # Shown once in this response, never put in the (readable) session cookie.
                return render_template("auth/password_issued.html", user=user, password=password)
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/user_create.html", form=form)


def _load_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    policy.require(current_user, "user.manage")
    policy.require(current_user, "user.view", user, visible="user.view")
    return user


def _grant_form(user: User) -> GrantForm:
    form = GrantForm(prefix="grant")
    form.role.choices = [("", _("Choose…"))] + [(r.value, str(ROLE_LABELS[r])) for r in Role]
    orgs = [o for o in scoped_orgs(current_user) if policy.can(current_user, "role.grant", o)]
    form.org_id.choices = [(0, _("Choose…"))] + [(o.id, "　" * o.depth + o.name) for o in orgs]
    org_ids = {o.id for o in orgs}
    form.service_point_id.choices = [(0, _("None"))] + [
        (sp.id, sp.name)
        for sp in scoped_service_points(current_user, active_only=True)
        if sp.org_id in org_ids
    ]
    return form


def _render_detail(user: User, *, edit_form=None, grant_form=None, status: int = 200):
    return (
        render_template(
            "auth/user_detail.html",
            user=user,
            edit_form=edit_form or UserEditForm(prefix="edit", obj=user),
            grant_form=grant_form or _grant_form(user),
            confirm_form=ConfirmForm(obj=user),
            role_labels=ROLE_LABELS,
            can_edit=policy.can(current_user, "user.edit", user),
            blocked_until=services.login_blocked_until(user),
        ),
        status,
    )


@bp.route("/users/<int:user_id>")
@login_required
def user_detail(user_id: int):
    return _render_detail(_load_user(user_id))


@bp.route("/users/<int:user_id>/edit", methods=["POST"])
@login_required
def user_edit(user_id: int):
    user = _load_user(user_id)
    policy.require(current_user, "user.edit", user)
    form = UserEditForm(prefix="edit")
    if form.validate_on_submit():
        with errors_on(form) as done:
            services.update_user(
                current_user,
                user,
                display_name=form.display_name.data,
                email=form.email.data,
                expected_version=form.version.data,
            )
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return _render_detail(user, edit_form=form)


@bp.route("/users/<int:user_id>/grants", methods=["POST"])
@login_required
def grant_add(user_id: int):
    user = _load_user(user_id)
    form = _grant_form(user)
    if form.validate_on_submit():
        org = db.session.get(Org, form.org_id.data) if form.org_id.data else None
        sp = (
            db.session.get(ServicePoint, form.service_point_id.data)
            if form.service_point_id.data
            else None
        )
        if org is None:
            form.org_id.errors = [_("Choose an organisation.")]
        else:
            policy.require(current_user, "role.grant", org, visible="org.view")
            with errors_on(form) as done:
                services.grant_role(current_user, user, form.role.data, org, service_point=sp)
            if done:
                db.session.commit()
                flash(_("Role granted. It takes effect on the user's next page."), "success")
                return redirect(url_for("auth.user_detail", user_id=user.id))
    return _render_detail(user, grant_form=form)


@bp.route("/users/<int:user_id>/grants/<int:grant_id>/revoke", methods=["POST"])
@login_required
def grant_revoke(user_id: int, grant_id: int):
    user = _load_user(user_id)
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None or grant.user_id != user.id:
        return _not_found()
    policy.require(current_user, "role.revoke", grant)
    with errors_on(None) as done:
        services.revoke_role(current_user, grant)
    if done:
        db.session.commit()
        flash(_("Role revoked."), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id))


def _not_found():
    abort(404)


def _status_action(user_id: int, active: bool):
    user = _load_user(user_id)
    policy.require(current_user, "user.edit", user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Try again."), "danger")
        return redirect(url_for("auth.user_detail", user_id=user.id))
    with errors_on(None) as done:
        services.set_active(current_user, user, active, expected_version=form.version.data)
    if done:
        db.session.commit()
        flash(
            _("Account reactivated.") if active else _("Account deactivated; its sessions ended."),
            "success",
        )
    return redirect(url_for("auth.user_detail", user_id=user.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@login_required
def user_deactivate(user_id: int):
    return _status_action(user_id, False)


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@login_required
def user_activate(user_id: int):
    return _status_action(user_id, True)


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@login_required
def user_reset_password(user_id: int):
    user = _load_user(user_id)
    policy.require(current_user, "user.edit", user)
    password = services.reset_password(current_user, user)
    db.session.commit()
    return render_template("auth/password_issued.html", user=user, password=password)


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@login_required
def user_unlock(user_id: int):
    user = _load_user(user_id)
    policy.require(current_user, "user.edit", user)
    services.unlock(current_user, user)
    db.session.commit()
    flash(_("Account unlocked."), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id))
