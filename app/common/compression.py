"""Gzip for HTML pages, so a page after the first costs a few kilobytes on a slow phone line
(a 30 kB roster page sends about 4 kB); static files come gzipped from app.common.assets.

A compressed page that holds a secret (the CSRF token) and reflects what a request sent (a
search box) can leak the secret through its size (BREACH). That attack needs the victim's
browser to send many requests made by another site. So only requests the browser marks as
this site's own (``Sec-Fetch-Site: same-origin``) or the user's own (``none``: typed, a
bookmark) are compressed; cross-site ones, and browsers that do not say, get the page as is.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_SIZE = 1024  # below this gzip saves less than a packet
OWN_REQUESTS = {"same-origin", "none"}


def _compressible(response: Response) -> bool:
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and not response.is_streamed
        and "Content-Encoding" not in response.headers
        and request.headers.get("Sec-Fetch-Site") in OWN_REQUESTS
        and request.accept_encodings["gzip"] > 0
    )


def init_app(app: Flask) -> None:
    """Register the hook; register it before the others, so it runs after them (Flask runs
    after-request hooks last-registered first) and compresses the final body."""

    @app.after_request
    def _gzip_page(response: Response) -> Response:
        if response.mimetype != "text/html":
            return response
        response.vary.update(("Accept-Encoding", "Sec-Fetch-Site"))
        if not _compressible(response):
            return response
        body = response.get_data()
        if len(body) < MIN_SIZE:
            return response
        response.set_data(gzip.compress(body, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
        return response
