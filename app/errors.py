"""Domain errors raised by services, and the one place they become responses.

A service raises a ``DomainError`` subclass; its ``status_code`` decides the answer on every
route alike: 400 (bad input) goes beside the form field at fault (``errors_on``), 403 is a
permission refused, 404 an object outside the user's scope, 409 a stale write or a step the
workflow does not allow. Views never catch these themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, flash, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.common.requestid import request_id
from app.extensions import db

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule refused the request. ``field`` names the form field at fault, if any."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None, *, keep: bool = False) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        # The service already recorded what must stay despite the refusal (a failed password
        # attempt and its audit row): commit instead of rolling back.
        self.keep = keep


class ValidationError(DomainError):
    status_code = 400


class FieldErrors(ValidationError):
    """Several fields are wrong at once: ``errors`` maps field name -> message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors.values()), "")
        super().__init__(first, field=next(iter(errors), None))
        self.errors = errors


class PermissionDenied(DomainError):
    status_code = 403


class NotFound(DomainError):
    """The object is outside the user's scope (or does not exist): reveal nothing."""

    status_code = 404


class Conflict(DomainError):
    """The step is not possible in the object's current state."""

    status_code = 409


class StaleRecord(Conflict):
    """The record changed since the form was loaded: reload instead of overwriting."""

    status_code = 409

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _l("This record was changed by someone else. Reload it."))


_TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Edit conflict"),
    413: _l("File too large"),
    429: _l("Too many requests"),
    500: _l("Server error"),
}

_MESSAGES = {
    400: _l("The request could not be understood. Go back and try again."),
    403: _l("You do not have permission to do this."),
    404: _l("The page or record does not exist, or is outside your scope."),
    405: _l("This address does not accept that kind of request."),
    409: _l("This record was changed by someone else. Reload it."),
    413: _l("The upload is larger than allowed."),
    429: _l("Too many requests. Wait a moment and try again."),
    500: _l("Something went wrong on our side. The error has been logged."),
}


class Outcome:
    """Whether the service calls inside ``errors_on`` succeeded (truthy) or were refused."""

    def __init__(self) -> None:
        self.ok = False

    def __bool__(self) -> bool:
        return self.ok


@contextmanager
def errors_on(form=None) -> Iterator[Outcome]:
    """Run service calls; bad input (a 400 ``DomainError``) rolls back and lands beside the
    form field it names (flashed when it names none, or when there is no form), and the
    outcome stays false so the view re-renders. Every other ``DomainError`` (403, 404, 409)
    propagates to the app's error handler, which answers it the same way on every route::

        with errors_on(form) as done:
            org = services.create_org(...)
        if done:
            db.session.commit()
            return redirect(...)
    """
    outcome = Outcome()
    try:
        yield outcome
    except DomainError as err:
        if err.status_code != 400:
            raise
        if err.keep:
            db.session.commit()
        else:
            db.session.rollback()
        show_on_form(form, err)
    else:
        outcome.ok = True


def show_on_form(form, err: DomainError) -> None:
    """Put each message of ``err`` beside the field it names, or flash it."""
    errors = err.errors if isinstance(err, FieldErrors) else {err.field: err.message}
    for name, message in errors.items():
        field = getattr(form, name, None) if (form is not None and name) else None
        if field is not None and hasattr(field, "errors"):
            field.errors = [*list(field.errors or []), str(message)]
        else:
            flash(str(message), "danger")


# SQLSTATEs of a write that lost a race: a unique key taken meanwhile (a double submit), a
# serialisation failure, a deadlock (PostgreSQL picks one of the two transactions to fail) and
# a lock not granted in time (the audit chain's head waits at most AUDIT_CHAIN_LOCK_TIMEOUT_MS).
_CLASH_STATES = {"23505", "40001", "40P01", "55P03"}


def is_write_clash(e: DBAPIError) -> bool:
    """Whether ``e`` means another request saved first: the loser reloads, as for a stale form."""
    orig = e.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state:
        return state in _CLASH_STATES
    # SQLite names no SQLSTATE; its unique failures say so, and a busy database is a clash too.
    if isinstance(e, IntegrityError):
        return getattr(orig, "sqlite_errorname", "") in {
            "SQLITE_CONSTRAINT_UNIQUE",
            "SQLITE_CONSTRAINT_PRIMARYKEY",
        } or str(orig).startswith("UNIQUE constraint failed")
    return getattr(orig, "sqlite_errorname", "").startswith("SQLITE_BUSY")


def _render(code: int, message: str | None = None):
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=_TITLES.get(code, _TITLES[500]),
            message=message or _MESSAGES.get(code, _MESSAGES[500]),
            incident=request_id(),
        ),
        code,
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(e: CSRFError):
        return _render(
            400, str(_l("The form expired or was not sent from this site. Reload and try again."))
        )

    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        db.session.rollback()
        return _render(e.status_code, str(e.message))

    @app.errorhandler(StaleDataError)
    def stale_write(e: StaleDataError):
        # Another request saved the same row between our read and our write.
        db.session.rollback()
        return _render(409)

    @app.errorhandler(DBAPIError)
    def database_error(e: DBAPIError):
        # Roll back first: the error page reads the session (the user, the navigation).
        db.session.rollback()
        if is_write_clash(e):
            return _render(409)
        log.exception("database error, incident %s", request_id())
        return _render(500)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return _render(e.code or 500)

    @app.errorhandler(Exception)
    def unhandled(e: Exception):
        log.exception("unhandled error, incident %s", request_id())
        db.session.rollback()
        return _render(500)
