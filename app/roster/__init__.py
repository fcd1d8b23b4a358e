"""The roster (花名册) of party members, cadres and service agents. ``bp`` is mounted at
/roster; the modules of ``app.roster.views`` add their routes to it."""

from flask import Blueprint

bp = Blueprint("roster", __name__)
