"""The staff's case pages. Importing this package registers every route on ``bp``."""

from app.cases import bp
from app.cases.views import board  # noqa: F401
from app.cases.views import cases  # noqa: F401
from app.cases.views import ledger  # noqa: F401

__all__ = ["bp"]
