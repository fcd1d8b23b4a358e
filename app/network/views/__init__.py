"""Network pages: duty rotas (``duty``) and the letters-and-visits register (``visits``);
complaints (``complaints``), inspections and their notices (``inspections``) and
accountability records (``accountability``); agents' figures (``assessment``) and training
(``assessment_training``); and the public complaint form under /guide (``app.network.public``).
Importing this package registers every route on ``bp`` and ``public_bp``."""

from app.network import bp, models, public, public_bp  # noqa: F401 - models: tables for Alembic
from app.network.views import (  # noqa: F401 - each adds its routes
    accountability,
    assessment,
    assessment_training,
    complaints,
    duty,
    inspections,
    visits,
)

__all__ = ["bp", "public_bp"]
