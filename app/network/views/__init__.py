"""Network pages: duty rotas and the letters-and-visits register (``duty``), complaints,
inspections and accountability (``supervision``), agents' training and assessment
(``assessment``). Importing this package registers every route on ``bp`` and ``public_bp``."""

from app.network import bp, models, public_bp  # noqa: F401 - models: the tables for Alembic
from app.network.views import (  # noqa: F401 - each adds its routes
    assessment,
    assessment_training,  # noqa: F401 - training sessions
    duty,
    supervision,
    visits,  # noqa: F401 - the letters-and-visits register
)

__all__ = ["bp", "public_bp"]
