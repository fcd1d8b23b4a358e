"""The staff's case pages. Importing this package registers every route on ``bp``."""

from app.cases import bp
from app.cases.views import board, cases, ledger  # noqa: F401 - each adds its routes

__all__ = ["bp"]
