"""Every route of the URL map, for every identity, against the access matrix (R-A1, R-A2, R-A3).

One CSRF-protected app on a database of its own holds one data set for the whole module; every
POST carries a valid CSRF token, so it reaches authorisation. A refused request changes nothing,
and a request that changed the data set has it rebuilt before the next case."""

from __future__ import annotations

import re

import pytest

from tests.conftest import build_app, fresh_database
from tests.security.access_matrix import PENDING, TABLE, expected
from tests.security.harness import Matrix
from tests.security.world import IDENTITIES, build_committee_post


@pytest.fixture(scope="module")
def matrix(worker_id):
    with fresh_database(f"{worker_id}_matrix") as url:
        app = build_app(url, WTF_CSRF_ENABLED=True)
        yield Matrix(app)
        from app.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _cases():
    for key in TABLE:
        for who in IDENTITIES:
            marks = []
            if (key, who) in PENDING:
                marks.append(pytest.mark.xfail(strict=True, reason=PENDING[key, who]))
            yield pytest.param(key, who, id=f"{key} as {who}", marks=marks)


def test_every_route_and_method_is_in_the_table(matrix):
    """A new route fails here, named, until its row says who may open it."""
    missing = sorted(set(matrix.rules) - set(TABLE))
    stale = sorted(set(TABLE) - set(matrix.rules))
    assert not missing, "routes missing from tests/security/access_matrix.py: " + ", ".join(missing)
    assert not stale, "rows of routes that no longer exist: " + ", ".join(stale)


def test_only_the_public_pages_open_without_a_login():
    public = {k for k in TABLE if expected(k)["anonymous"] != "login"}
    paths = {k.split(" ", 1)[1] for k in public}
    assert paths <= {
        "/auth/login",
        "/auth/logout",
        "/lang",
        "/health",
        "/static/<path:filename>",
        "/bootstrap/static/<path:filename>",
    } | {p for p in paths if p.startswith("/guide/")}


@pytest.mark.parametrize(("key", "who"), list(_cases()))
def test_route_as_identity(matrix, key, who):
    want = expected(key)[who]
    got, changed = matrix.request(key, who)
    assert got == want, f"{key} as {who}: expected {want}, got {got} ({matrix.url(key)})"
    if want in ("403", "404", "login"):
        assert not changed, f"{key} as {who} was refused but changed the data"


_TAG = re.compile(r"<[^>]+>")


def _visible_text(html: str) -> str:
    return _TAG.sub(" ", html)


def _pages(matrix, who: str, extra: list[str]) -> list[tuple[str, str]]:
    """(url, text) of every HTML page of the matrix that ``who`` may open, and ``extra``."""
    client = matrix.clients[who]
    urls = [matrix.url(k) for k in TABLE if k.startswith("GET ") and expected(k)[who] == "ok"]
    pages = []
    for url in urls + extra:
        if url.endswith(".xlsx") or "/static/" in url:
            continue
        r = client.get(url)
        if r.status_code == 200 and r.mimetype == "text/html":
            pages.append((url, _visible_text(r.get_data(as_text=True))))
    return pages


def test_another_branch_sees_no_name_of_branch_a(matrix):
    """Branch B's secretary opens every page they may, a committee-level post with holders in
    both branches included: no name of branch A's members or applicants appears (R-A3)."""
    with matrix.app.app_context():
        post_id = build_committee_post(matrix.site)
    leaks = [
        (url, name)
        for url, page in _pages(matrix, "other_secretary", [f"/volunteers/posts/{post_id}"])
        for name in matrix.site.names_a
        if name in page
    ]
    assert leaks == []


def test_a_mentor_sees_no_record_of_another_mentors_mentee(matrix):
    """The other mentor of branch A opens every page they may: the target (the first mentor's
    mentee) is named nowhere, and neither page of the target's records opens."""
    name = matrix.site.target_name
    leaks = [url for url, page in _pages(matrix, "other_mentor", []) if name in page]
    assert leaks == []
