"""Fixtures of the end-to-end tests: the app served on 127.0.0.1 with the demo data, driven by
the system's Chromium through Playwright (sync API). Mark the tests ``e2e``.

Fixtures (names kept simple so other suites, e.g. the print tests, reuse them):

- ``live_server`` (module): the base URL ``http://127.0.0.1:<port>`` of a real server
  (werkzeug ``make_server``, port 0, a daemon thread) on its own SQLite file holding the demo
  data (``flask seed-demo``) with CSRF on, as in production. The demo is seeded once per code
  version and day into pytest's cache (``.pytest_cache/d/e2e-demo/``), under a file lock so
  xdist workers seed it only once; each module then serves its own copy, so what one scenario
  changes another never sees. It is SQLite on the PostgreSQL run as well.
- ``browser`` (session): Chromium launched by its executable path, ``--no-sandbox``.
- ``new_page(kind="desktop"|"phone")``: a page in a fresh context (own cookies) with
  ``base_url`` set, Chinese locale; desktop 1280x800, phone 390x844 with touch. Call it once
  per person in a scenario. ``desktop`` and ``phone`` are one such page each. A page
  answers the browser's confirm() dialogs with OK, as a person going ahead would.
- ``live_server_config`` (module): config overrides for the module's server; redefine it in a
  test module to change them.

Helpers in ``tests/e2e/support.py``: ``need_browser()`` (module-level skip when Playwright or
Chromium is missing), ``login(page, username)``, ``logout(page)``, ``shot(page, name)``
(PNG under ``e2e-screenshots/`` at the repository root).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.support import DESKTOP, PHONE, ROOT, find_chromium, missing_reason


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end test in a real browser (tests/e2e)")


def _demo_key() -> str:
    """What the seeded demo depends on: the code, the migrations, the keys and the day."""
    from app.common import timeutil

    digest = hashlib.sha256()
    for folder in ("app", "migrations"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    digest.update((ROOT / "config.py").read_bytes())
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "BLIND_INDEX_KEY"):
        digest.update(os.environ.get(name, "").encode() + b"\0")
    digest.update(str(timeutil.today()).encode())
    return digest.hexdigest()[:16]


def _seed(path: Path) -> None:
    from app.demo import seed_demo
    from app.extensions import db
    from tests.conftest import build_app

    app = build_app(f"sqlite:///{path}")
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_db(request) -> Path:
    """The seeded demo database file, made once per code version and day (see above)."""
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    if cache is not None:
        folder = Path(cache.mkdir("e2e-demo"))
    else:
        folder = request.getfixturevalue("tmp_path_factory").getbasetemp().parent / "e2e-demo"
        folder.mkdir(exist_ok=True)
    target = folder / f"demo-{_demo_key()}.sqlite3"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            for old in folder.glob("demo-*.sqlite3*"):
                old.unlink()
            partial = folder / f"partial-{os.getpid()}.sqlite3"
            partial.unlink(missing_ok=True)
            _seed(partial)
            partial.rename(target)
    return target


@pytest.fixture(scope="module")
def live_server_config() -> dict:
    """Config overrides of the module's server; a test module redefines it to change them."""
    return {}


@pytest.fixture(scope="module")
def live_server(demo_db, tmp_path_factory, live_server_config) -> Iterator[str]:
    from werkzeug.serving import make_server

    from app.extensions import limiter
    from tests.conftest import build_app

    path = tmp_path_factory.mktemp("e2e-db") / "demo.sqlite3"
    shutil.copyfile(demo_db, path)
    app = build_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True, **live_server_config)
    limiter.enabled = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page("desktop" | "phone") -> a page in its own context (its own login)."""
    contexts = []

    def _new(kind: str = "desktop"):
        options = {"base_url": live_server, "locale": "zh-CN", "accept_downloads": True}
        if kind == "phone":
            options.update(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        else:
            options.update(viewport=DESKTOP)
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # "are you sure?" is answered yes
        return page

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(new_page):
    return new_page("desktop")


@pytest.fixture
def phone(new_page):
    return new_page("phone")
