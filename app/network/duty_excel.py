"""A rota as Excel: a title, then one row per shift (日期 / 星期 / 班次 / 姓名 / 是否到岗), A4."""

from __future__ import annotations

from pathlib import Path

from app import audit
from app.auth.models import User
from app.common.excel import new_workbook, temp_path, write_text
from app.network.models import DutyRota

HEADERS = [("日期", 12), ("星期", 8), ("班次", 10), ("姓名", 14), ("是否到岗", 10), ("备注", 24)]
KINDS = {"duty": "党员干部值班表", "reception": "领导接待日安排表", "rotation": "村干部轮流坐班表"}
WEEKDAYS = "一二三四五六日"
SLOTS = {"day": "全天", "morning": "上午", "afternoon": "下午"}
KEPT = {True: "到岗", False: "缺岗", None: ""}


def title_of(rota: DutyRota) -> str:
    return f"{rota.service_point.name}{rota.year}年{rota.month}月{KINDS[rota.kind]}"


def export_rota(actor: User, rota: DutyRota) -> tuple[str, str]:
    """The rota's shifts as a workbook. Returns (path, download name); the caller sends and
    removes the file. Audited."""
    title = title_of(rota)
    path = temp_path()
    try:
        wb = new_workbook(path, title=title)
        big = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
        big_quoted = wb.add_format(
            {"bold": True, "font_size": 14, "align": "center", "quote_prefix": True}
        )
        head = wb.add_format({"bold": True, "border": 1, "align": "center"})
        cell = wb.add_format({"border": 1})
        quoted = wb.add_format({"border": 1, "quote_prefix": True})
        ws = wb.add_worksheet("值班表")
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.merge_range(0, 0, 0, len(HEADERS) - 1, "", big)
        write_text(ws, 0, 0, title, big, big_quoted)
        for col, (h, width) in enumerate(HEADERS):
            ws.write_string(1, col, h, head)
            ws.set_column(col, col, width)
        ws.repeat_rows(1)
        ws.freeze_panes(2, 0)
        row = 2
        for s in rota.shifts:
            ws.write_string(row, 0, s.day.isoformat(), cell)
            ws.write_string(row, 1, f"周{WEEKDAYS[s.day.weekday()]}", cell)
            ws.write_string(row, 2, SLOTS.get(s.slot, s.slot), cell)
            write_text(ws, row, 3, s.member.name, cell, quoted)
            ws.write_string(row, 4, KEPT[s.kept], cell)
            write_text(ws, row, 5, s.note or "", cell, quoted)
            row += 1
        ws.autofilter(1, 0, max(row - 1, 1), len(HEADERS) - 1)
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    audit.record(
        actor,
        "duty_rota.export",
        rota,
        org_path=rota.service_point.org.path,
        rows=len(rota.shifts),
    )
    return path, f"{rota.year}-{rota.month:02d}-{KINDS[rota.kind]}.xlsx"
