"""The key check: the database was written under FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY (or,
without them, keys derived from SECRET_KEY); starting with other keys would fail on the first
member page. The first start seals a known value; every start after opens it again."""

from __future__ import annotations

import logging

import click
from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.exc import SQLAlchemyError

from app.common.crypto import blind_index, decrypt, encrypt
from app.extensions import db
from app.ops.models import KeyCanary

log = logging.getLogger(__name__)

CANARY_TEXT = "dangjian key canary"
_PURPOSE = "key-canary"

WRONG_KEYS = (
    "The keys in the configuration are not the ones this database was written with: "
    "ID numbers and phones could not be read. Set FIELD_ENCRYPTION_KEY and BLIND_INDEX_KEY "
    "(and SECRET_KEY, if the keys were derived from it) to the values kept with the backup."
)
_PAGE_TITLE = _l("Service unavailable")
_PAGE_MESSAGE = _l(
    "The server was started with the wrong keys and cannot read its data. "
    "The administrator must set the keys kept with the backup."
)


class KeyMismatch(RuntimeError):
    """The configured keys cannot open this database's data."""


def canary_values() -> tuple[str, str]:
    """A new canary under the current keys: (sealed, fingerprint)."""
    return encrypt(CANARY_TEXT), blind_index(CANARY_TEXT, _PURPOSE)


def opens(sealed: str, fingerprint: str) -> bool:
    """Whether the current keys open a canary sealed as ``sealed`` / ``fingerprint``."""
    try:
        if decrypt(sealed) != CANARY_TEXT:
            return False
    except Exception:  # noqa: BLE001 - a wrong key is an InvalidTag, a damaged value anything
        return False
    return blind_index(CANARY_TEXT, _PURPOSE) == fingerprint


def ensure_canary() -> KeyCanary | None:
    """The database's canary, written now under the current keys when there is none yet
    (the first start); None when the database has no canary table (not yet migrated)."""
    if not inspect(db.engine).has_table(KeyCanary.__tablename__):
        return None
    canary = db.session.scalar(select(KeyCanary).order_by(KeyCanary.id).limit(1))
    if canary is None:
        sealed, fingerprint = canary_values()
        canary = KeyCanary(sealed=sealed, fingerprint=fingerprint)
        db.session.add(canary)
        db.session.commit()
    return canary


def check_keys() -> None:
    """Raise KeyMismatch when the configured keys cannot open this database's canary."""
    canary = ensure_canary()
    if canary is not None and not opens(canary.sealed, canary.fingerprint):
        raise KeyMismatch(WRONG_KEYS)


def check_keys_at_start(app: Flask) -> None:
    """Run the key check as the app starts. A server (gunicorn, waitress) refuses to start
    with the message; under the ``flask`` command the message is printed (the command may be
    the restore that puts things right) and every page answers it, never a member page's 500."""
    try:
        with app.app_context():
            check_keys()
            db.session.remove()
    except KeyMismatch as err:
        if click.get_current_context(silent=True) is None:
            raise
        click.echo(f"WARNING: {err}", err=True)
        _answer_every_request(app)
    except SQLAlchemyError:
        # No database yet (before the first migration): the check runs at the next start.
        log.warning("key check skipped: the database is not reachable or not migrated")


def _answer_every_request(app: Flask) -> None:
    log.critical("%s", WRONG_KEYS)

    @app.before_request
    def _keys_do_not_open_the_data():
        page = render_template(
            "errors/error.html", code=503, title=_PAGE_TITLE, message=_PAGE_MESSAGE, incident=""
        )
        return page, 503
