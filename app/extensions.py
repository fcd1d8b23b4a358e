"""Flask extension singletons, initialised by create_app()."""

from __future__ import annotations

from babel import support
from flask import g
from flask_babel import Babel, Domain, get_locale
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from wtforms.i18n import messages_path as wtforms_catalogues

# Named constraints, so Alembic's batch mode on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class RequestDomain(Domain):
    """Flask-Babel's message domain, with the request's catalogue found once per request: a
    list page translates a few hundred labels, and the stock lookup (context, locale, its
    identifier, the cache) costs tens of microseconds each time."""

    def get_translations(self):
        if not g:
            return super().get_translations()
        ctx = g.get("_flask_babel")
        locale = getattr(ctx, "babel_locale", None)  # force_locale() swaps it
        found = g.get("_translations")
        if found is not None and locale is not None and found[0] is locale:
            return found[1]
        translations = super().get_translations()
        g._translations = (g._flask_babel.babel_locale, translations)
        return translations


babel.domain_instance = RequestDomain()  # replaces Flask-Babel's cached default domain


class WTFormsMessages:
    """WTForms' own messages (its validators' errors) in the request's language, each
    language's catalogue read once per process. Flask-WTF reads it from disk on every request
    that translates one (0.3-0.4 ms of a form page) unless the request already holds it
    as ``wtforms_translations``: ``before_request`` hands it this object, which looks the
    catalogue up when a message is asked for (so ``force_locale`` is followed too)."""

    def __init__(self) -> None:
        self._loaded: dict[str, support.Translations] = {}

    def _catalogue(self) -> support.Translations:
        locale = get_locale()
        found = self._loaded.get(str(locale))
        if found is None:
            found = support.Translations.load(wtforms_catalogues(), [locale], domain="wtforms")
            self._loaded[str(locale)] = found
        return found

    def ugettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


wtforms_messages = WTFormsMessages()
bootstrap = Bootstrap5()
# A coarse per-IP throttle; the account lockout that matters is kept in the database.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
