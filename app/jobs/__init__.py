"""Background jobs: long imports and exports run outside the request (RQ on Redis when
REDIS_URL is set, else a worker thread the app starts) and offer their result when ready.
``bp`` is mounted at /jobs."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)
