"""The application factory: wires extensions, blueprints, error pages, CLI and security
headers. It imports every feature package; ``app.create_app`` calls it."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from flask import (
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from app import policy
from app.appraisal.views import bp as appraisal_bp
from app.audit.views import bp as audit_bp
from app.auth.models import ROLE_LABELS
from app.auth.sessions import load_session_user
from app.auth.views import bp as auth_bp
from app.cases.public import bp as public_cases_bp
from app.cases.views import bp as cases_bp
from app.cli import register_cli
from app.common import assets, compression, jsontext, lazytx, pgplans, restping
from app.common.forms import select_options
from app.common.nav import nav_links
from app.common.timeutil import to_local
from app.errors import register_error_handlers
from app.extensions import (
    babel,
    bootstrap,
    csrf,
    db,
    limiter,
    login_manager,
    migrate,
    wtforms_messages,
)
from app.home.views import bp as home_bp
from app.jobs.views import bp as jobs_bp
from app.network.views import bp as network_bp
from app.network.views import public_bp as network_public_bp
from app.orgs.views import bp as orgs_bp
from app.reports.views import bp as reports_bp
from app.roster.views import bp as roster_bp
from app.selection.views import bp as selection_bp
from app.volunteers.views import bp as volunteers_bp
from app.volunteers.views import guide_bp
from config import CONFIGS, DEV_SECRET_KEY


def build_app(config_name: str | None = None, **overrides) -> Flask:
    """A configured app for ``config_name`` (APP_CONFIG, else development)."""
    config_name = config_name or os.environ.get("APP_CONFIG", "development")
    app = Flask(
        "app",  # the package: root, instance and template paths as before the factory moved
        # INSTANCE_PATH: a folder every server shares (staged uploads, job results), see README.
        instance_path=os.environ.get("INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    _check_production_secret(app, config_name)
    _refuse_public_keys(app, config_name)
    os.makedirs(app.instance_path, exist_ok=True)

    _trust_proxy(app)
    compression.init_app(app)  # first: it must see the body after every other hook
    app.url_map.converters["int"] = _BoundedInt
    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_template_helpers(app)

    register_error_handlers(app)

    register_cli(app)
    assets.init_app(app)  # last: WhiteNoise wraps the finished WSGI app
    return app


def _trust_proxy(app: Flask) -> None:
    """Take the client's address (and scheme) from the proxy's headers, only when configured:
    without a proxy anyone can send X-Forwarded-For. The login throttle, the rate limiter and
    the audit log then see the real client instead of the proxy."""
    x_for = app.config["PROXY_FIX_X_FOR"]
    x_proto = app.config["PROXY_FIX_X_PROTO"]
    if x_for or x_proto:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto)  # type: ignore[method-assign]


def _check_production_secret(app: Flask, config_name: str) -> None:
    key = app.config.get("SECRET_KEY") or ""
    if config_name != "production":
        return
    if key == DEV_SECRET_KEY or len(key) < 32:
        raise RuntimeError(
            "Production needs SECRET_KEY set to a random value of at least 32 characters."
        )
    for name in ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"):
        if not app.config.get(name):
            raise RuntimeError(
                f"Production needs {name} (base64 of 32 random bytes) to protect ID numbers."
            )


def _refuse_public_keys(app: Flask, config_name: str) -> None:
    """Outside the tests and the demo (``make run`` sets DEMO_MODE=1), refuse to start with the
    public development SECRET_KEY or without the ID-number keys: the development fallback
    derives those from the public default, so anyone could read the ID numbers."""
    if config_name == "testing" or (config_name != "production" and app.config.get("DEMO_MODE")):
        return
    missing = [n for n in ("FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY") if not app.config.get(n)]
    if app.config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
        missing.insert(0, "SECRET_KEY")
    if missing:
        raise RuntimeError(
            f"Refusing to start: {', '.join(missing)} not set, so ID numbers and sessions would "
            "be protected by keys anyone can derive from the public default. Set "
            "FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY (each: python3 -c 'import base64,os; "
            "print(base64.b64encode(os.urandom(32)).decode())') and SECRET_KEY (python3 -c "
            "'import secrets; print(secrets.token_urlsafe(48))') in the environment, and keep "
            "them. For a demo with made-up data only, set DEMO_MODE=1 (make run does)."
        )


def _select_locale() -> str:
    if not has_request_context():
        return "zh_Hans"
    langs = app_languages()
    chosen = session.get("lang")
    if chosen in langs:
        return chosen
    return "zh_Hans"


def app_languages() -> dict[str, str]:
    return current_app.config["LANGUAGES"]


def limiter_storage(config: Mapping) -> str:
    """Where Flask-Limiter counts: RATELIMIT_STORAGE_URI when set, else Redis when REDIS_URL is
    set (one count for every worker and server), else this process's memory."""
    return config.get("RATELIMIT_STORAGE_URI") or config.get("REDIS_URL") or "memory://"


def register_extensions(app: Flask) -> None:
    options = jsontext.engine_options(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
    # The ping asked for is sent only to connections that rested (app/common/restping.py).
    ping_rested = options.pop("pool_pre_ping", False)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    bootstrap.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = limiter_storage(app.config)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # "basic": the server-side session row is the real guard; "strong" would log phone users
    # out whenever they switch between Wi-Fi and mobile data.
    login_manager.session_protection = "basic"

    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "warning"

    login_manager.user_loader(load_session_user)

    @app.before_request
    def _wtforms_messages() -> None:
        # Flask-WTF reads WTForms' catalogue once per request unless the request holds it.
        request.wtforms_translations = wtforms_messages

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        _harden_sqlite(app)
    else:
        with app.app_context():
            lazytx.install(db.engine)
            pgplans.install(db.engine)
    if ping_rested:
        with app.app_context():
            restping.install(db.engine)


def _harden_sqlite(app: Flask) -> None:

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=5000")
        if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"] and not app.config[
            "SQLALCHEMY_DATABASE_URI"
        ].endswith("sqlite://"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()


def register_blueprints(app: Flask) -> None:

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(orgs_bp, url_prefix="/orgs")
    app.register_blueprint(roster_bp, url_prefix="/roster")
    app.register_blueprint(appraisal_bp, url_prefix="/appraisal")
    app.register_blueprint(selection_bp, url_prefix="/selection")
    app.register_blueprint(volunteers_bp, url_prefix="/volunteers")
    app.register_blueprint(guide_bp, url_prefix="/guide")
    app.register_blueprint(public_cases_bp, url_prefix="/guide")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(jobs_bp, url_prefix="/jobs")
    app.register_blueprint(network_bp, url_prefix="/network")
    app.register_blueprint(network_public_bp, url_prefix="/guide")
    app.register_blueprint(reports_bp, url_prefix="/reports")


# Endpoints a user who must change their password may still reach.
_STATIC_ENDPOINTS = {"static", "bootstrap.static"}
_PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout", *_STATIC_ENDPOINTS}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _BoundedInt(IntegerConverter):
    """<int:...> ids beyond a database integer answer 404 instead of overflowing."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def register_request_hooks(app: Flask) -> None:
    @app.before_request
    def _refuse_control_characters():
        # No person types NUL or other control characters; PostgreSQL cannot store NUL at all.
        for source in (request.args, request.form):
            for values in source.listvalues():
                if any(_CONTROL_CHARS.search(v) for v in values):
                    abort(400)
        return None

    @app.before_request
    def _force_password_change():
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in _PASSWORD_CHANGE_ALLOWED
            and request.endpoint is not None
            and not request.endpoint.startswith("home.health")
        ):
            return redirect(url_for("auth.change_password"))
        return None

    @app.after_request
    def _security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        # Every page a logged-in user sees may hold personal data; static files never do.
        if request.endpoint not in _STATIC_ENDPOINTS and (
            getattr(g, "_login_user", None) is not None or current_user.is_authenticated
        ):
            h["Cache-Control"] = "no-store"
        return response


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["select_options"] = select_options

    @app.context_processor
    def _inject():
        return {
            "can": lambda action, target=None: policy.can(current_user, action, target),
            "nav_links": nav_links,
            "languages": app.config["LANGUAGES"],
            "role_label": lambda role: ROLE_LABELS.get(role, role),
            "current_locale": str(get_locale() or "zh_Hans"),
        }

    @app.template_filter("localtime")
    def _localtime(value, fmt: str = "yyyy-MM-dd HH:mm"):
        if value is None:
            return ""
        return format_datetime(to_local(value), fmt)
