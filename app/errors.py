"""Domain errors raised by services, and the error pages they map to."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.audit import request_id

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule refused the request. ``field`` names the form field at fault, if any."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


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


class StaleRecord(DomainError):
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
        return _render(e.status_code, str(e.message))

    @app.errorhandler(StaleDataError)
    def stale_write(e: StaleDataError):
        # Another request saved the same row between our read and our write.
        return _render(409)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return _render(e.code or 500)

    @app.errorhandler(Exception)
    def unhandled(e: Exception):
        log.exception("unhandled error, incident %s", request_id())
        return _render(500)
