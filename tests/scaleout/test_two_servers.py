"""Two app servers on one PostgreSQL (and one Redis when reachable), as issue 13's "Beyond one
machine" runs them: gunicorn on two ports, each request reaching either. A session opened on
one serves on the other, the login throttle counts failures on both, a public form's limit is
one count in Redis, and a roster upload previewed on one is confirmed on the other when both
keep their instance folder on shared storage (INSTANCE_PATH). A third server with a folder of
its own shows what happens without: the upload has expired, nothing is written, no error.

Skipped unless TEST_DATABASE_URL is PostgreSQL and gunicorn is installed."""

from __future__ import annotations

import http.cookiejar
import os
import shutil
import subprocess
import sys
import textwrap
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.extensions import db
from app.roster.models import Member
from tests.conftest import build_app, fresh_database, is_postgres
from tests.factories import PASSWORD, make_id_number, make_tree, make_user, make_xlsx
from tests.servers import free_port, wait_up

GUNICORN = os.path.join(os.path.dirname(sys.executable), "gunicorn")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADER = ["姓名", "身份证号", "所在党支部", "所在党小组", "入党时间", "转正时间", "党员类别"]

pytestmark = [
    pytest.mark.skipif(not is_postgres(), reason="gunicorn against PostgreSQL (TEST_DATABASE_URL)"),
    pytest.mark.skipif(not os.path.exists(GUNICORN), reason="gunicorn is not installed"),
]

WSGI = textwrap.dedent(
    """
    import os
    from app import create_app
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=os.environ["SO_DB"],
        REDIS_URL=os.environ["SO_REDIS"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=os.environ["SO_PREFIX"],
        LOGIN_RATE_LIMIT="1000 per minute",
        PUBLIC_TRACK_RATE_LIMIT="3 per minute",
    )
    """
)


def _redis_url() -> str:
    """REDIS_URL when a Redis answers there, else "" (the servers then count in memory)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - no client, no server: run without Redis
        return ""
    return REDIS_URL


@contextmanager
def _gunicorn(here, env: dict[str, str], workers: int):
    port = free_port()
    log = open(here / f"gunicorn-{port}.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [GUNICORN, "--chdir", REPO, "--pythonpath", f"{here},{REPO}", "--workers", str(workers),
         "--timeout", "60", "--bind", f"127.0.0.1:{port}", "so_wsgi:app"],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_up(base, proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.seek(0)
        tail = log.read()[-3000:]
        log.close()
        if "Traceback" in tail:
            print(tail)


@pytest.fixture(scope="module")
def servers(tmp_path_factory, worker_id):
    with fresh_database(f"{worker_id}_scaleout") as url:
        app = build_app(url)
        with app.app_context():
            t = make_tree()
            make_user("so_sec", (Role.BRANCH_SECRETARY, t.branch_a))
            make_user("so_thr", (Role.BRANCH_SECRETARY, t.branch_a))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
        here = tmp_path_factory.mktemp("scaleout")
        (here / "so_wsgi.py").write_text(WSGI)
        redis_url, prefix = _redis_url(), f"test-{uuid.uuid4().hex}"
        env = {"SO_DB": url, "SO_REDIS": redis_url, "SO_PREFIX": prefix}
        shared, alone = here / "shared", here / "alone"
        try:
            with ExitStack() as stack:
                a, b, c = (
                    stack.enter_context(_gunicorn(here, {**env, "INSTANCE_PATH": str(p)}, n))
                    for p, n in ((shared, 2), (shared, 2), (alone, 1))
                )
                yield {"a": a, "b": b, "elsewhere": c, "app": app, "redis": redis_url}
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            shutil.rmtree(here, ignore_errors=True)
            if redis_url:
                import redis

                connection = redis.Redis.from_url(redis_url)
                for key in connection.scan_iter(f"{prefix}*"):
                    connection.delete(key)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One cookie jar, pointed at whichever server each request names."""

    def __init__(self) -> None:
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )

    def send(self, url: str, data: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")

    def post(self, url: str, fields: dict[str, str]):
        return self.send(url, urllib.parse.urlencode(fields).encode())

    def login(self, base: str, username: str, password: str = PASSWORD) -> int:
        return self.post(f"{base}/auth/login", {"username": username, "password": password})[0]

    def upload(self, base: str, xlsx: bytes):
        boundary = uuid.uuid4().hex
        body = (
            (
                f"--{boundary}\r\n"
                'Content-Disposition: form-data; name="file"; filename="r.xlsx"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            ).encode()
            + xlsx
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.send(f"{base}/roster/import", body, headers)


def _members(app, name: str) -> int:
    with app.app_context():
        n = db.session.scalar(select(func.count(Member.id)).where(Member.name == name))
        db.session.remove()
        return n


def test_a_session_opened_on_one_server_serves_on_the_other(servers):
    a, b = servers["a"], servers["b"]
    browser = Browser()
    assert browser.send(f"{b}/roster/")[0] == 302  # not logged in: to the login page
    assert browser.login(a, "so_sec") == 302
    assert browser.send(f"{b}/roster/")[0] == 200
    assert browser.post(f"{b}/auth/logout", {})[0] == 302
    assert browser.send(f"{a}/roster/")[0] == 302  # logged out on B is logged out on A


def test_the_login_throttle_counts_failures_on_both_servers(servers):
    a, b = servers["a"], servers["b"]
    guesser = Browser()
    # 4 wrong passwords on A and 3 on B: past the 5 free failures only when counted together.
    for base in [a] * 4 + [b] * 3:
        assert guesser.login(base, "so_thr", "wrong-password") == 200
    assert Browser().login(a, "so_thr") == 200  # the right password waits too: refused
    assert Browser().login(b, "so_thr") == 200


def test_a_public_form_limit_is_one_count_on_both_servers(servers):
    if not servers["redis"]:
        pytest.skip(f"no Redis at {REDIS_URL}: each server counts in its own memory")
    a, b = servers["a"], servers["b"]
    browser = Browser()
    codes = [browser.post(f"{s}/guide/track", {"code": "X", "phone": "1"})[0] for s in (a, a, b, b)]
    assert codes == [200, 200, 200, 429]  # three a minute per address, over both servers


def _roster(name: str, seq: int) -> bytes:
    return make_xlsx([HEADER, [name, make_id_number(seq=seq), "甲党支部", "", "", "", "正式党员"]])


def test_an_upload_previewed_on_one_server_is_confirmed_on_the_other(servers):
    a, b, app = servers["a"], servers["b"], servers["app"]
    browser = Browser()
    assert browser.login(a, "so_sec") == 302
    status, html = browser.upload(a, _roster("跨机导入", 701))
    assert status == 200 and "/roster/import/commit" in html  # a clean preview
    assert browser.post(f"{b}/roster/import/commit", {})[0] == 302
    assert _members(app, "跨机导入") == 1


def test_without_a_shared_folder_the_upload_has_expired_on_the_other_server(servers):
    a, elsewhere, app = servers["a"], servers["elsewhere"], servers["app"]
    browser = Browser()
    assert browser.login(a, "so_sec") == 302
    assert browser.upload(a, _roster("单机导入", 702))[0] == 200
    status, _ = browser.post(f"{elsewhere}/roster/import/commit", {})
    assert status == 302  # back to the upload page, told to upload again: no error
    assert _members(app, "单机导入") == 0
