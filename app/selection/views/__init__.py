"""Selection pages: the rounds with their stage, rules and quotas (``rounds``) and the
candidates, evidence and nominations (``nominations``). Importing this package registers
every route on the blueprint ``bp`` (defined in ``app.selection``)."""

from app.selection import bp
from app.selection.views import nominations, rounds  # noqa: F401 - each adds its routes

__all__ = ["bp"]
