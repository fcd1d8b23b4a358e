"""The case ledger (台账): rows and columns as Excel, masked phones, scope, audit, queries."""

from __future__ import annotations

import io
from datetime import datetime, time

import openpyxl
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.audit import AuditEvent
from app.cases import ledger, workflow
from app.cases.labels import KIND_LABELS, RATING_LABELS, STATUS_LABELS
from app.common import timeutil
from app.errors import PermissionDenied
from app.extensions import db

HEADERS = ["编号", "登记日期", "服务点", "申办人", "联系电话", "事项", "申办内容", "类型", "状态",
           "代理员", "承诺期限", "办结日期", "是否按期", "评价"]  # fmt: skip


def zh(label) -> str:
    with force_locale("zh_Hans"):
        return str(label)


def read(data: bytes) -> list[list]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def download(client, **args):
    r = client.get("/cases/ledger.xlsx", query_string=args)
    assert r.status_code == 200, r.data[:300]
    assert r.mimetype.endswith("spreadsheetml.sheet")
    return r.data


@pytest.fixture
def cases(net):
    """Two cases at room 甲 (one done on the spot and rated), one at room 乙."""
    done = net.case(net.direct, name="李四", phone="13912345678", request="开具居住证明")
    workflow.apply(
        done,
        "accept_immediate",
        net.agent,
        expected_version=done.version,
        data={"result": "已开具"},
    )
    workflow.apply(done, "evaluate", None, expected_version=done.version, data={"level": 5})
    waiting = net.case(request='=HYPERLINK("http://x","点我")')
    other = net.case(point=net.room_b, actor=net.agent_b, name="外村人", phone="13700000000")
    db.session.commit()
    return done, waiting, other


def test_the_ledger_of_a_point_has_one_row_per_case_with_the_columns(net, cases, login_as):
    done, waiting, _other = cases
    rows = read(download(login_as(net.agent), service_point_id=net.room.id))
    assert rows[0][0].startswith("甲村为民服务室为民服务代理事项台账（")
    assert rows[1] == HEADERS
    body = {r[0]: r for r in rows[2:]}
    assert set(body) == {done.number, waiting.number}  # room 乙's case is not in it
    row = body[done.number]
    assert row[1] == datetime.combine(timeutil.today(), time.min)
    assert row[2:7] == ["甲村为民服务室", "李*", "139****5678", "开具证明", "开具居住证明"]
    assert row[7:10] == [
        zh(KIND_LABELS["immediate"]),
        zh(STATUS_LABELS["evaluated"]),
        "代理员agent",
    ]
    assert row[10] == row[11]  # due and done the same day
    assert row[12:] == ["是", zh(RATING_LABELS[5])]
    open_row = body[waiting.number]
    assert open_row[4] == "138****1234"
    assert open_row[7] is None and open_row[11] is None and open_row[13] is None
    assert open_row[8] == zh(STATUS_LABELS["applied"])


def test_a_formula_looking_request_stays_text(net, cases, login_as):
    _done, waiting, _other = cases
    data = download(login_as(net.agent), service_point_id=net.room.id)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cell = next(r[6] for r in ws.iter_rows(min_row=3) if r[0].value == waiting.number)
    assert cell.value == '=HYPERLINK("http://x","点我")'
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_the_export_is_audited_with_its_filters_and_no_personal_data(net, cases, login_as):
    download(login_as(net.agent), service_point_id=net.room.id, start="2026-01-01")
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "case.ledger_export"))
    assert ev.actor_id == net.agent.id
    assert ev.org_path == net.room.org.path
    assert ev.details["rows"] == 2
    assert ev.details["filters"]["service_point"] == "甲村为民服务室"
    assert ev.details["filters"]["period"].startswith("2026-01-01 – ")
    text = str(ev.details)
    assert "李四" not in text and "5678" not in text and "HYPERLINK" not in text


def test_another_points_ledger_is_refused(net, cases, login_as):
    client = login_as(net.agent)
    assert client.get(f"/cases/ledger.xlsx?service_point_id={net.room_b.id}").status_code == 403
    with pytest.raises(PermissionDenied):
        ledger.export_ledger(net.agent, ledger.LedgerFilters(service_point_id=net.room_b.id))
    assert [sp.id for sp in ledger.ledger_points(net.agent)] == [net.room.id]


def test_an_org_ledger_covers_the_points_under_it_in_scope(net, cases, login_as):
    done, waiting, other = cases
    assert net.tree.branch_a in ledger.ledger_orgs(net.secretary)
    assert net.tree.branch_b not in ledger.ledger_orgs(net.secretary)
    rows = read(download(login_as(net.secretary), org_id=net.tree.branch_a.id))
    assert {r[0] for r in rows[2:]} == {done.number, waiting.number}
    everything = read(download(login_as(net.cmte), org_id=net.tree.committee.id))
    assert {r[0] for r in everything[2:]} == {done.number, waiting.number, other.number}
    assert (
        login_as(net.secretary).get(f"/cases/ledger.xlsx?org_id={net.tree.branch_b.id}").status_code
        == 404
    )


def test_the_period_filters_by_registration_date(net, cases, login_as):
    client = login_as(net.agent)
    rows = read(
        download(client, service_point_id=net.room.id, start="2020-01-01", end="2020-12-31")
    )
    assert rows[2:] == []


def test_the_page_shows_the_count_and_the_download_link(net, cases, login_as):
    client = login_as(net.agent)
    first = client.get("/cases/ledger").get_data(as_text=True)
    assert f'<option selected value="{net.room.id}">' in first  # an agent's own point
    assert "乙村为民服务室" not in first
    page = client.get(f"/cases/ledger?service_point_id={net.room.id}").get_data(as_text=True)
    assert "/cases/ledger.xlsx?" in page
    assert f"service_point_id={net.room.id}" in page


def test_an_end_before_the_start_is_shown_beside_the_end(net, cases, login_as):
    client = login_as(net.agent)
    page = client.get(
        f"/cases/ledger?service_point_id={net.room.id}&start=2026-05-01&end=2026-04-01"
    ).get_data(as_text=True)
    assert "invalid-feedback" in page
    assert "/cases/ledger.xlsx?" not in page


def test_the_export_runs_a_fixed_number_of_queries(net, cases, count_queries):
    filters = ledger.LedgerFilters(service_point_id=net.room.id)
    db.session.expire_all()
    with count_queries() as few:
        ledger.export_ledger(net.agent, filters)
    for i in range(6):
        net.case(name=f"申办人{i}", phone=f"1360000{i:04d}")
    db.session.expire_all()
    with count_queries() as many:
        result = ledger.export_ledger(net.agent, filters)
    assert result.rows == 8
    assert many.count == few.count, many.statements


def test_a_date_out_of_any_sensible_range_is_a_field_error_not_a_500(net, login_as):
    c = login_as(net.agent)
    for start, end in (("1900-01-01", "9999-12-31"), ("0001-01-01", "2026-01-01")):
        r = c.get(f"/cases/ledger?service_point_id={net.room.id}&start={start}&end={end}")
        assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
        r = c.get(f"/cases/ledger.xlsx?service_point_id={net.room.id}&start={start}&end={end}")
        assert r.status_code == 400  # no file, and the error page says why


def test_a_formula_looking_title_stays_text(net, cases, login_as):
    net.room.name = '=HYPERLINK("http://x","y")'
    db.session.commit()
    ws = openpyxl.load_workbook(
        io.BytesIO(download(login_as(net.agent), service_point_id=net.room.id))
    ).active
    cell = ws["A1"]
    assert cell.value.startswith('=HYPERLINK("http://x","y")') and cell.data_type == "s"
    assert cell.quotePrefix
