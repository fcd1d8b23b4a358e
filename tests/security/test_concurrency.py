"""Many clients at once against the app under gunicorn on PostgreSQL (R-H1, R-H2, issue 11):
sign-offs of the same records by two clients each, grades at the 优秀 cap, and edits of the
same roster entry, all at the same moment. No 5xx, no lost update (every accepted edit is in
the database, every refused one got 409), the cap held, and the counts reconcile.

Run by ``.ci/run`` with the PostgreSQL suite (TEST_DATABASE_URL); skipped on SQLite, where one
writer at a time is the rule. Bounded: 8 client threads, 30 seconds of requests at most."""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from app.appraisal import services as ap
from app.appraisal.cap import excellent_cap
from app.appraisal.models import Appraisal, Grade
from app.appraisal.workflow import apply, dimensions_for
from app.auth.models import Role
from app.common.timeutil import today
from app.extensions import db
from app.roster.models import Member
from tests.conftest import build_app, fresh_database, is_postgres
from tests.factories import PASSWORD, make_member, make_tree, make_user
from tests.servers import free_port, wait_up

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.skipif(not is_postgres(), reason="gunicorn against PostgreSQL (TEST_DATABASE_URL)"),
]

CLIENTS = 8
BUDGET_S = 30
SIGNED = 9  # branch A's records waiting for the branch opinion: 3 may be excellent
SUBMITTED = 6  # group A's records waiting for the leader's sign-off
EDITED = 4  # roster entries each edited by two clients at once


# --- the server ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory, worker_id):
    with fresh_database(f"{worker_id}_gunicorn") as url:
        app = build_app(url)
        with app.app_context():
            data = _seed()
            db.session.remove()
            db.engine.dispose()
        here = tmp_path_factory.mktemp("gunicorn")
        (here / "conc_wsgi.py").write_text(
            textwrap.dedent(
                """
                import os
                from app import create_app
                app = create_app("testing", SQLALCHEMY_DATABASE_URI=os.environ["CONC_DB"])
                """
            )
        )
        port = free_port()
        repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        log = open(here / "gunicorn.log", "w+")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [
                os.path.join(os.path.dirname(sys.executable), "gunicorn"),
                "--chdir",
                repo,
                "--pythonpath",
                f"{here},{repo}",
                "--workers",
                "4",
                "--threads",
                "2",
                "--timeout",
                "60",
                "--bind",
                f"127.0.0.1:{port}",
                "conc_wsgi:app",
            ],
            env={**os.environ, "CONC_DB": url},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_up(base, proc)
            yield base, app, data
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
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            if "Traceback" in tail:
                print(tail)


# --- the data --------------------------------------------------------------------------------


def _seed() -> dict:
    t = make_tree()
    secretary = make_user("c_sec", (Role.BRANCH_SECRETARY, t.branch_a))
    leader = make_user("c_leader", (Role.GROUP_LEADER, t.group_a))
    cmte = make_user("c_cmte", (Role.COMMITTEE, t.committee))
    signed = [make_member(t.group_a, name=f"待评{i}") for i in range(SIGNED)]
    submitted = [make_member(t.group_a, name=f"待签{i}") for i in range(SUBMITTED)]
    edited = [make_member(t.group_b, name=f"待改{i}") for i in range(EDITED)]
    db.session.commit()
    d = today()
    quarter = (d.month - 1) // 3 + 1
    due = d + timedelta(days=30)
    period = ap.open_period(cmte, t.committee, d.year, quarter, ap.Deadlines(due, due, due, due))
    db.session.commit()
    records = {}
    for m in signed + submitted:
        a = db.session.scalar(
            select(Appraisal).where(Appraisal.member_id == m.id, Appraisal.period_id == period.id)
        )
        a.self_record = {dim["key"]: {"text": "本季度情况"} for dim in dimensions_for(a)}
        apply(a, "submit", secretary, expected_version=None)
        if m in signed:
            apply(a, "sign", leader, expected_version=None, comment="属实")
        records[m.id] = a.id
    db.session.commit()
    cap = excellent_cap(period, t.branch_a).allowed
    assert 0 < cap < SIGNED  # the signed records compete for the places
    return {
        "signed": [records[m.id] for m in signed],
        "submitted": [records[m.id] for m in submitted],
        "edited": [m.id for m in edited],
        "period_id": period.id,
        "cap": cap,
        "users": {"secretary": "c_sec", "leader": "c_leader", "committee": "c_cmte"},
    }


# --- a small browser -------------------------------------------------------------------------

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_INPUT = re.compile(r"<input\b([^>]*)>")
_TEXTAREA = re.compile(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', re.S)
_SELECT = re.compile(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


class Browser:
    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        status, _ = self.post("/auth/login", {"username": username, "password": PASSWORD})
        assert status == 302, status

    def _open(self, req) -> tuple[int, str]:
        try:
            with self.opener.open(req, timeout=BUDGET_S) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 - http only

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        req = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310
        return self._open(req)

    def form(self, path: str, action_end: str) -> dict[str, str]:
        """The fields of the form on ``path`` whose action ends with ``action_end``, as the
        page fills them in."""
        status, html = self.get(path)
        assert status == 200, (path, status)
        for attrs, body in _FORM.findall(html):
            action = dict(_ATTR.findall(attrs)).get("action") or path
            if not action.split("?")[0].endswith(action_end):
                continue
            fields = {}
            for attrs_ in _INPUT.findall(body):
                a = dict(_ATTR.findall(attrs_))
                if "name" not in a:
                    continue
                if a.get("type") not in ("checkbox", "radio"):
                    fields[a["name"]] = unescape(a.get("value", ""))
                elif "checked" in attrs_:
                    fields[a["name"]] = unescape(a.get("value", "y"))
            for name, text in _TEXTAREA.findall(body):
                fields[name] = unescape(text.strip())
            for name, options in _SELECT.findall(body):
                # As a browser: the selected option, else the first.
                chosen = re.search(r'<option\b[^>]*value="([^"]*)"[^>]*selected', options)
                chosen = chosen or re.search(r'<option\b[^>]*value="([^"]*)"', options)
                fields[name] = unescape(chosen.group(1)) if chosen else ""
            return fields
        raise AssertionError(f"no form for {action_end} on {path}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def _set(fields: dict[str, str], **by_suffix: str) -> dict[str, str]:
    out = dict(fields)
    for name in fields:
        suffix = name.rsplit("-", 1)[-1]
        if suffix in by_suffix:
            out[name] = by_suffix[suffix]
    return out


# --- the run ---------------------------------------------------------------------------------


def test_many_clients_at_once_lose_nothing_and_keep_the_cap(server):
    base, app, data = server
    secretaries = [Browser(base, data["users"]["secretary"]) for _ in range(CLIENTS // 2)]
    leaders = [Browser(base, data["users"]["leader"]) for _ in range(2)]
    editors = [Browser(base, data["users"]["committee"]) for _ in range(2)]
    day = today().isoformat()
    # Every form is read first, so two clients post the same version: a true race.
    jobs = []
    for i, aid in enumerate(data["signed"]):
        who = secretaries[i % len(secretaries)]
        fields = _set(
            who.form(f"/appraisal/{aid}", "/step/assess"),
            grade=Grade.EXCELLENT,
            meeting_on=day,
            attendees="张书记、李委员、王委员",
            masses="群众反映该同志工作认真，乐于助人。",
            comment="同意",
        )
        jobs.append(("assess", aid, who, f"/appraisal/{aid}/step/assess", fields))
    for aid in data["submitted"]:
        for who in leaders:  # the same record signed by two clients at once
            fields = _set(who.form(f"/appraisal/{aid}", "/step/sign"), comment="属实")
            jobs.append(("sign", aid, who, f"/appraisal/{aid}/step/sign", fields))
    for mid in data["edited"]:
        for n, who in enumerate(editors):  # the same entry saved by two clients at once
            fields = _set(who.form(f"/roster/{mid}/edit", f"/roster/{mid}/edit"))
            fields["work_unit"] = f"单位{n}"
            jobs.append(("edit", mid, who, f"/roster/{mid}/edit", {**fields, "_n": str(n)}))

    start = threading.Barrier(CLIENTS)
    results: list[tuple[str, int, int, str]] = []
    lock = threading.Lock()
    queue = list(jobs)

    def worker() -> None:
        start.wait(timeout=BUDGET_S)
        stop = time.monotonic() + BUDGET_S
        while time.monotonic() < stop:
            with lock:
                if not queue:
                    return
                kind, oid, who, path, fields = queue.pop(0)
            body = {k: v for k, v in fields.items() if k != "_n"}
            status, _html = who.post(path, body)
            with lock:
                results.append((kind, oid, status, fields.get("_n", "")))

    with ThreadPoolExecutor(CLIENTS) as pool:
        for f in [pool.submit(worker) for _ in range(CLIENTS)]:
            f.result(timeout=BUDGET_S * 3)

    assert len(results) == len(jobs), "the run did not finish within its time budget"
    assert [r for r in results if r[2] >= 500] == []
    with app.app_context():
        db.session.expire_all()
        # The cap held, and every accepted opinion is in the database.
        assessed = {r[1] for r in results if r[0] == "assess" and r[2] == 302}
        excellent = set(
            db.session.scalars(
                select(Appraisal.id).where(
                    Appraisal.id.in_(data["signed"]), Appraisal.grade == Grade.EXCELLENT
                )
            )
        )
        assert len(excellent) <= data["cap"], (excellent, data["cap"])
        assert excellent == assessed
        assert len(assessed) == data["cap"], [r for r in results if r[0] == "assess"]
        # Each record signed by two clients at once: one signed, the other was told 409.
        for aid in data["submitted"]:
            codes = sorted(r[2] for r in results if r[0] == "sign" and r[1] == aid)
            assert codes == [302, 409], (aid, codes)
            assert db.session.get(Appraisal, aid).status == "signed"
        # Each roster entry saved by two clients at once: one save is kept, the other 409.
        for mid in data["edited"]:
            mine = [r for r in results if r[0] == "edit" and r[1] == mid]
            assert sorted(r[2] for r in mine) == [302, 409], (mid, mine)
            kept = next(r[3] for r in mine if r[2] == 302)
            assert db.session.get(Member, mid).work_unit == f"单位{kept}"
        db.session.remove()
