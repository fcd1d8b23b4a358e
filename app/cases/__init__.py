"""Citizens' service cases (代理事项办理): 受理 → 承办 → 反馈 → 评价 (plan 三.4), the four case
types, escalation up the service network, online applications and the ledgers. ``bp`` is the
staff's blueprint (/cases); the modules of ``app.cases.views`` add their routes to it."""

from flask import Blueprint

bp = Blueprint("cases", __name__)
