"""Running the service network (plan 三.2, 四): duty rotas and reception days, the letters-and-
visits register, complaints and inspections, accountability, agents' training and assessment.
``bp`` is mounted at /network; the modules of ``app.network.views`` add their routes to it.
``public_bp`` (the public complaint form) is mounted at /guide next to the service guide."""

from flask import Blueprint

bp = Blueprint("network", __name__)
public_bp = Blueprint("network_public", __name__)
