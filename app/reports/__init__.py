"""The network's figures (plan 三.2): the six rates of any subtree and period, the dashboards,
and the quarterly, half-year and annual reports with the October comparison of townships.
``bp`` is mounted at /reports; the modules of ``app.reports.views`` add their routes to it."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
