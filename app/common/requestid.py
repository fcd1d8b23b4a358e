"""The per-request id that ties log lines, error pages and audit rows together."""

from __future__ import annotations

import uuid

from flask import g, has_request_context


def request_id() -> str:
    """This request's id (made on first use), or "" outside a request."""
    if not has_request_context():
        return ""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex
    return g.request_id
