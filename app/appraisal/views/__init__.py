"""Appraisal pages: the inbox and the quarters (``periods``), a record with its forms and
steps (``records``), and the member's appraisal book (``books``). Importing this package
registers every route on the blueprint ``bp`` (defined in ``app.appraisal``)."""

from app.appraisal import bp
from app.appraisal.views import batch, books, checklists, periods, records  # noqa: F401 - routes

__all__ = ["bp"]
