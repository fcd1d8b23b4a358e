"""Appraisal pages: the inbox and the quarters (``periods``), a record with its forms and
steps (``records``), and the member's appraisal book (``books``)."""

from flask import Blueprint

bp = Blueprint("appraisal", __name__)

# The page modules add their routes to ``bp``, so they are imported once it exists (the usual
# Flask blueprint idiom; nothing imports them otherwise).
from app.appraisal.views import books, periods, records  # noqa: E402, F401
