"""Configuration classes; the environment overrides what it names."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused by ProductionConfig


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'dangjian.sqlite3'}"
    )
    # A pooled connection is checked before use once it has rested (app/common/restping.py
    # stands in for SQLAlchemy's ping at every checkout).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Keys for personal data at rest (base64 of 32 bytes each); kept outside the database.
    # Unset, they are derived from SECRET_KEY: allowed only in the tests and the demo
    # (DEMO_MODE=1, set by `make run`); otherwise the app refuses to start (app/factory.py).
    FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
    BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", "")

    # Sessions: the cookie carries only a server-side session token (see app/auth/sessions.py).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=8)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    # A secretary typing a long opinion must not meet "CSRF token expired"; the idle timeout
    # of the server-side session bounds the token's life instead.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_ENABLED = True

    # Login throttling, kept in the database so it holds across workers (app/auth/throttle.py):
    # after the free failures each further one doubles the wait, up to the cap. A browser that
    # logged into the account before passes the account's and the address's delays.
    LOGIN_ACCOUNT_FREE_FAILURES = 5
    LOGIN_ACCOUNT_BASE_DELAY = timedelta(minutes=1)
    LOGIN_ACCOUNT_MAX_DELAY = timedelta(minutes=15)
    LOGIN_ADDRESS_FREE_FAILURES = 10
    LOGIN_ADDRESS_BASE_DELAY = timedelta(minutes=1)
    LOGIN_ADDRESS_MAX_DELAY = timedelta(hours=1)
    LOGIN_FAILURES_FORGOTTEN_AFTER = timedelta(hours=24)
    LOGIN_DEVICE_COOKIE_NAME = "login_device"
    LOGIN_DEVICE_COOKIE_LIFETIME = timedelta(days=180)

    # Behind a reverse proxy: how many proxies set X-Forwarded-For / -Proto in front of the
    # app (werkzeug ProxyFix). 0 = none: the header is ignored, as anyone can send it.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))

    # Argon2id parameters (OWASP: at least m=19 MiB, t=2, p=1).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    PASSWORD_MIN_LENGTH = 8

    # The zone of every calendar date: "today", deadlines, overdue flags, ages, month bounds.
    TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")
    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {"zh_Hans": "简体中文", "en": "English"}

    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BTN_SIZE = "md"

    # Per-IP throttles (Flask-Limiter). Unset, they count in Redis when REDIS_URL is set (one
    # count for every worker and server), else in each process's memory (the embedded default).
    # If Redis stops answering, each process counts in memory until it is back.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "20 per minute"
    UPLOAD_RATE_LIMIT = "30 per hour"
    # The public online agency (/guide/apply, /guide/track): no login, so per IP.
    PUBLIC_APPLY_RATE_LIMIT = "10 per hour"
    PUBLIC_TRACK_RATE_LIMIT = "30 per hour"

    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    # Rows a web upload may carry; larger rosters go through `flask roster import`.
    ROSTER_WEB_IMPORT_MAX_ROWS = 20_000
    PAGE_SIZE = 50
    # Background jobs: RQ on Redis when REDIS_URL is set (run `flask --app wsgi jobs worker`),
    # else a worker thread in each app process. Larger uploads and exports than these leave
    # the request (about a second a thousand rows checked, two written).
    REDIS_URL = os.environ.get("REDIS_URL", "")
    JOBS_INLINE = False
    IMPORT_SYNC_MAX_ROWS = 1000
    EXPORT_SYNC_MAX_ROWS = 3000
    JOB_RESULT_TTL = 3600

    # Mail for `flask remind`: without MAIL_SERVER and MAIL_FROM it only lists what is due.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587") or 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1").lower() in ("1", "true", "yes", "on")

    # Closing a quarter while records are unfinished and their step's deadline has not passed:
    # "refuse" (wait for the deadline) or "reason" (allowed with the committee's typed reason).
    APPRAISAL_EARLY_CLOSE = os.environ.get("APPRAISAL_EARLY_CLOSE", "refuse")

    SEED_DEMO_ALLOWED = True
    # A demo with made-up data: the public development keys are allowed. Never in production.
    DEMO_MODE = os.environ.get("DEMO_MODE", "") == "1"


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    JOBS_INLINE = True  # a job runs to its end before the request that started it answers
    REDIS_URL = ""
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_SERVER = ""  # a test that mails sets it (and fakes smtplib)
    # A test that leaves an audited transaction open while a request audits fails fast.
    AUDIT_CHAIN_LOCK_TIMEOUT_MS = 3000
    # Cheap hashes keep the suite fast; production keeps the OWASP parameters.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    LOGIN_DEVICE_COOKIE_NAME = "__Host-login_device"
    PREFERRED_URL_SCHEME = "https"
    SEED_DEMO_ALLOWED = False
    DEMO_MODE = False


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
