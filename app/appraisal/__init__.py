"""The quarterly factual-record appraisal (写实考核). ``bp`` is its blueprint; the page modules
in ``app.appraisal.views`` add their routes to it."""

from flask import Blueprint

bp = Blueprint("appraisal", __name__)
