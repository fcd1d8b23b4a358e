"""WSGI entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""

from app import create_app
from app.ops.keycheck import check_keys_at_start

app = create_app()
check_keys_at_start(app)  # wrong keys: a clear message now, never a 500 on a member page
