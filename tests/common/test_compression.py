"""HTML pages go gzipped to the site's own requests only (app/common/compression.py)."""

import gzip

from tests.factories import make_user

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_gzipped_for_the_sites_own_requests(login_as):
    c = login_as(make_user("alice"))
    plain = c.get("/").data
    for site in ("same-origin", "none"):
        r = c.get("/", headers={**GZIP, "Sec-Fetch-Site": site})
        assert r.headers["Content-Encoding"] == "gzip", site
        assert gzip.decompress(r.data).count(b"</html>") == 1
        assert len(r.data) < len(plain) / 2
        assert {"Accept-Encoding", "Sec-Fetch-Site"} <= set(r.headers["Vary"].split(", "))
        assert r.headers["Cache-Control"] == "no-store"  # still a personal page


def test_cross_site_and_unmarked_requests_get_the_page_uncompressed(login_as):
    # Compressing what another site made the browser ask for could leak the CSRF token (BREACH).
    c = login_as(make_user("alice"))
    for headers in (
        {**GZIP, "Sec-Fetch-Site": "cross-site"},
        {**GZIP, "Sec-Fetch-Site": "same-site"},
        GZIP,
    ):
        r = c.get("/", headers=headers)
        assert "Content-Encoding" not in r.headers and b"</html>" in r.data, headers
    r = c.get("/", headers={"Sec-Fetch-Site": "same-origin"})  # the client takes no gzip
    assert "Content-Encoding" not in r.headers


def test_downloads_are_left_alone(login_as):
    c = login_as(make_user("alice"))
    r = c.get("/health", headers={**GZIP, "Sec-Fetch-Site": "same-origin"})
    assert "Content-Encoding" not in r.headers
