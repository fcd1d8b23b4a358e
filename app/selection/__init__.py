"""The "七一" selection of excellent party members (七一评选表彰), read from the quarterly
appraisals (rule 4.2.5): eligibility, ranking, nominations within quota, the public notice
(公示) with its objections, and the final list. ``bp`` is mounted at /selection; the modules
of ``app.selection.views`` add their routes to it."""

from flask import Blueprint

bp = Blueprint("selection", __name__)
