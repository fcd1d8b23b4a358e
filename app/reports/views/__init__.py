"""Report pages: the six rates and the periodic reports (``rates``, ``periodic``) and the
dashboards (``dashboard``). Importing this package registers every route on ``bp``."""

from app.reports import bp
from app.reports.views import dashboard, periodic, rates  # noqa: F401 - each adds its routes

__all__ = ["bp"]
