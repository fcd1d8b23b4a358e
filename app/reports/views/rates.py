"""rates pages (being built)."""

from app.reports import models as _models  # noqa: F401 - the settings table
