"""Supervision pages (plan 三.2, 四.2): complaints (``complaints``), inspections and their
notices (``inspections``), accountability records (``accountability``), and the public
complaint form under /guide (``app.network.public``). Importing this module registers them."""

from app.network import public  # noqa: F401 - the public complaint form on public_bp
from app.network.views import accountability, complaints, inspections  # noqa: F401
