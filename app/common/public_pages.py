"""What the public pages under /guide share: the rate limits of their forms (from the
configuration, read at request time) and the response for a page that holds a tracking code
or a citizen's details, which no browser or proxy may keep."""

from __future__ import annotations

from flask import Response, current_app, make_response


def apply_limit() -> str:
    """The limit on public submissions (an application, a complaint) per address."""
    return current_app.config["PUBLIC_APPLY_RATE_LIMIT"]


def track_limit() -> str:
    """The limit on tracking look-ups (a code and a phone) per address."""
    return current_app.config["PUBLIC_TRACK_RATE_LIMIT"]


def private(html: str, status: int = 200) -> Response:
    """``html`` as a response marked ``no-store``."""
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response
