"""Property-based hostile input (R-E2, R-I1): random and hostile values in every form and in the
roster import never answer 5xx, never log an error, and a refused request writes nothing.

The forms are found as tests/test_fuzz.py finds them: every page each identity may open (from the
access matrix) is rendered and its forms read, so a new form is fuzzed without a list to keep.
Every POST goes as an identity the matrix allows, with a valid CSRF token."""

from __future__ import annotations

import io
import itertools
import logging
import re
from collections import defaultdict

import openpyxl
import pytest
import xlsxwriter
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import build_app, fresh_database
from tests.factories import make_id_number
from tests.security.access_matrix import TABLE, expected
from tests.security.harness import Matrix

pytestmark = pytest.mark.fuzz

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e反向\u202c",
    "\u200f\u200e",
    "😀👨‍👩‍👧",
    "x" * 10_000,
    "长" * 10_000,
    "'\";--",
    "' OR '1'='1",
    "1; DROP TABLE member;--",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '=HYPERLINK("http://x","y")',
    "0",
    "-1",
    "1e308",
    "NaN",
    "99999999999999999999999999",
    "2026-02-30",
    "１２３",
    "\t\n",
]
VALUE = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
)

# Never fuzzed here: they end the session or count towards a login delay (tests/auth has them).
SKIP = {"auth.login", "auth.logout", "auth.change_password"}
FAMILIES = [
    "appraisal",
    "auth",
    "cases",
    "guide",
    "lang",
    "orgs",
    "roster",
    "selection",
    "volunteers",
]

# Who posts (an identity the matrix allows), in this order of preference.
POSTERS = ["secretary", "committee", "admin", "agent", "member", "anonymous"]
_NOT_PAGES = (".xlsx", ".json", "/download", ".css")


def _poster(key: str) -> str | None:
    return next((w for w in POSTERS if expected(key)[w] == "ok"), None)


_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_ACTION = re.compile(r'action="([^"]*)"')
_NAME = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"')
_OPTION = re.compile(r'<option\b[^>]*value="([^"]*)"')


class Fuzz:
    """The matrix's site and clients, with the fields of each POST route read off the pages."""

    def __init__(self, matrix: Matrix) -> None:
        self.m = matrix
        fields: dict[str, set[str]] = defaultdict(set)
        options: set[str] = set()
        for key in TABLE:  # each page once, as the first identity of POSTERS that may open it
            who = _poster(key)
            url = matrix.url(key)
            if not key.startswith("GET ") or who is None or url.endswith(_NOT_PAGES):
                continue
            r = matrix.clients[who].get(url)
            if r.status_code != 200 or r.mimetype != "text/html":
                continue
            for attrs, body in _FORM.findall(r.get_data(as_text=True)):
                action = _ACTION.search(attrs)
                path = (action.group(1) if action else url).split("?")[0] or url
                fields[path] |= set(_NAME.findall(body)) - {"csrf_token"}
                options |= set(_OPTION.findall(body))
        self.fields = fields
        self.options = sorted(options)
        every = sorted(set().union(*fields.values()))
        self.cases: dict[str, list[tuple[str, str, list[str]]]] = defaultdict(list)
        for key, rule in matrix.rules.items():
            if not key.startswith("POST ") or rule.endpoint in SKIP:
                continue
            allowed = [w for w in POSTERS if expected(key)[w] == "ok"]
            names = sorted(fields.get(matrix.url(key), ())) or every
            for who in allowed[:2]:
                self.cases[key.split("/")[1]].append((key, who, names))


@pytest.fixture(scope="module")
def fuzz(worker_id):
    with fresh_database(f"{worker_id}_fuzz") as url:
        app = build_app(url, WTF_CSRF_ENABLED=True)
        yield Fuzz(Matrix(app))
        from app.extensions import db

        with app.app_context():
            db.session.remove()
            db.engine.dispose()


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def logged_errors(fuzz):
    handler = _Errors()
    fuzz.m.app.logger.addHandler(handler)
    yield handler.records
    fuzz.m.app.logger.removeHandler(handler)


def _post(fuzz: Fuzz, key: str, who: str, data: dict) -> tuple[int, bool]:
    """POST ``data`` as ``who``: (status, whether the business tables changed)."""
    client = fuzz.m.clients[who]
    before = fuzz.m.fingerprint()[0]
    r = client.post(fuzz.m.url(key), data={**data, "csrf_token": client.token})
    return r.status_code, fuzz.m.fingerprint()[0] != before


@pytest.mark.parametrize("family", FAMILIES)
def test_hostile_values_in_every_form(fuzz, logged_errors, family):
    cases = fuzz.cases[family]
    assert cases, f"no form found for /{family}"
    value = st.one_of(VALUE, st.sampled_from(fuzz.options or [""]))

    @given(data=st.data())
    def post_one(data):
        key, who, names = data.draw(st.sampled_from(cases), label="route")
        form = data.draw(
            st.fixed_dictionaries({}, optional=dict.fromkeys(names, value)), label="form"
        )
        status, changed = _post(fuzz, key, who, form)
        assert status < 500, f"{key} as {who}: {status}"
        if 400 <= status < 500:
            assert not changed, f"{key} as {who} answered {status} but wrote"

    post_one()
    assert [r.getMessage() for r in logged_errors] == []


def test_control_characters_are_a_400_with_a_message(fuzz):
    """NUL (which PostgreSQL cannot store) and other C0 characters in any field are refused
    before any handler, with the error page's message, on either database."""
    client = fuzz.m.clients["secretary"]
    r = client.post("/roster/new", data={"name": "甲\x00乙", "csrf_token": client.token})
    assert r.status_code == 400
    assert "<h1" in r.get_data(as_text=True)  # the error page, not a bare response
    r = client.get("/roster/?q=%00")
    assert r.status_code == 400


# --- the roster import -----------------------------------------------------------------------

_seq = itertools.count(1)
CELL = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20), st.integers(), st.floats())


def _headers(fuzz: Fuzz) -> list[str]:
    data = fuzz.m.clients["secretary"].get("/roster/import/template.xlsx").data
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [c for c in next(ws.iter_rows(values_only=True)) if c]


def _valid_row() -> dict[str, object]:
    n = next(_seq)
    return {
        "姓名": f"导入{n}",
        "身份证号": make_id_number(born=f"19{50 + n % 40}0101", seq=n % 1000),
        "所在党支部": "甲党支部",
        "所在党小组": "甲第一党小组",
        "入党时间": "2005-07-01",
        "转正时间": "2006-07-01",
        "党员类别": "正式党员",
    }


def _workbook(headers: list[str], rows: list[dict[str, object]]) -> bytes:
    """An xlsx as a person's spreadsheet program writes it; XlsxWriter escapes control
    characters as _xHHHH_, which the reader turns back into the characters."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    ws = wb.add_worksheet()
    for c, h in enumerate(headers):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, h in enumerate(headers):
            v = row.get(h)
            if v is None:
                continue
            if isinstance(v, str):
                ws.write_string(r, c, v[:32767])
            elif isinstance(v, float) and v != v:  # NaN: an empty cell
                continue
            else:
                ws.write(r, c, v)
    wb.close()
    return buf.getvalue()


def test_hostile_cells_in_the_import(fuzz, logged_errors):
    """Random cells in a generated sheet: the upload and its commit never answer 5xx, and the
    import is all or nothing (the member count grows by every row or by none)."""
    headers = _headers(fuzz)
    assert "身份证号" in headers
    client = fuzz.m.clients["secretary"]

    @given(
        spoil=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(headers), CELL), max_size=4),
        count=st.integers(1, 3),
        filename=st.sampled_from(["a.xlsx", "\u202egsl.xlsx", "名单😀.xlsx", "x" * 300 + ".xlsx"]),
    )
    def import_one(spoil, count, filename):
        rows = [_valid_row() for _ in range(count)]
        for i, header, cell in spoil:
            if i < count:
                rows[i][header] = cell
        before = fuzz.m.fingerprint()[0]
        members_before = _members(fuzz)
        r = client.post(
            "/roster/import",
            data={
                "file": (io.BytesIO(_workbook(headers, rows)), filename),
                "csrf_token": client.token,
            },
            content_type="multipart/form-data",
        )
        assert r.status_code < 500, r.status_code
        if r.status_code >= 400:
            assert fuzz.m.fingerprint()[0] == before
        r = client.post("/roster/import/commit", data={"csrf_token": client.token})
        assert r.status_code < 500, r.status_code
        client.post("/roster/import/cancel", data={"csrf_token": client.token})
        assert _members(fuzz) - members_before in (0, count)

    import_one()
    assert [r.getMessage() for r in logged_errors] == []


def _members(fuzz: Fuzz) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.roster.models import Member

    with fuzz.m.app.app_context():
        n = db.session.scalar(select(func.count(Member.id)))
        db.session.remove()
    return n
