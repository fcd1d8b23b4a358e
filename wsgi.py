"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

import gc

from app import create_app
from app.common.versions import ensure_tokens
from app.extensions import db
from app.ops.keycheck import check_keys_at_start

app = create_app()
check_keys_at_start(app)  # wrong keys: a clear message now, never a 500 on a member page
with app.app_context():
    ensure_tokens(db.engine)  # every kept figure's topic has a token from the start
# What the start built (modules, templates, the app) lives as long as the process: kept out of
# the collector's full passes, which otherwise walk it again in the middle of requests.
gc.freeze()
