"""Roster pages: the list and a member's page (``members``), export and import (``files``)
and the disciplinary sanctions on a member's page (``sanctions``). Importing this package
registers every route on the blueprint ``bp`` (defined in ``app.roster``)."""

from app.roster import bp, jobs  # noqa: F401 - jobs registers the roster's background jobs
from app.roster.views import files, members, sanctions  # noqa: F401 - each adds its routes

__all__ = ["bp"]
