"""An inspection's findings as Excel (督查问题清单): a title, the inspection's facts, one row per
finding the reader may see (point, problem, requirement, deadline, rectification, date), and
the signature row. Audited."""

from __future__ import annotations

from pathlib import Path

from app import audit
from app.auth.models import User
from app.common.excel import new_workbook, temp_path, write_text
from app.network.inspections import visible_findings
from app.network.models import Inspection

HEADERS = [("序号", 6), ("服务点", 24), ("发现的问题", 40), ("整改要求", 36), ("整改期限", 12),
           ("整改情况", 36), ("整改完成日期", 14)]  # fmt: skip


def _day(d) -> str:
    return d.isoformat() if d else ""


def export_findings(actor: User, i: Inspection) -> tuple[str, str]:
    """The findings of ``i`` that ``actor`` sees. Returns (path, download name); the caller
    sends and removes the file."""
    rows = visible_findings(actor, i)
    title = f"{i.title}问题整改清单"
    path = temp_path()
    try:
        wb = new_workbook(path, title=title)
        fmt_title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
        quoted_title = wb.add_format(
            {"bold": True, "font_size": 16, "align": "center", "quote_prefix": True}
        )
        head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter"})
        cell = wb.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
        quoted = wb.add_format(
            {"border": 1, "valign": "vcenter", "text_wrap": True, "quote_prefix": True}
        )
        ws = wb.add_worksheet("问题清单")
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.merge_range(0, 0, 0, len(HEADERS) - 1, "", fmt_title)
        write_text(ws, 0, 0, title, fmt_title, quoted_title)
        facts = (
            f"督查范围：{i.org.name}　督查日期：{_day(i.inspected_on)}　督查人员：{i.inspectors}"
        )
        write_text(ws, 1, 0, facts, None, quoted_title)
        for col, (h, width) in enumerate(HEADERS):
            ws.write_string(2, col, h, head)
            ws.set_column(col, col, width)
        ws.repeat_rows(2)
        for n, f in enumerate(rows, start=1):
            row = n + 2
            ws.write_number(row, 0, n, cell)
            write_text(ws, row, 1, f.service_point.name if f.service_point else "", cell, quoted)
            write_text(ws, row, 2, f.problem, cell, quoted)
            write_text(ws, row, 3, f.requirement, cell, quoted)
            ws.write_string(row, 4, _day(f.due_on), cell)
            write_text(ws, row, 5, f.rectification, cell, quoted)
            ws.write_string(row, 6, _day(f.rectified_on), cell)
        last = len(rows) + 4
        ws.write_string(last, 0, f"合计：{len(rows)} 个问题")
        ws.write_string(last + 2, 1, "督查单位（盖章）：")
        ws.write_string(last + 2, 5, "日期：    年    月    日")
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    audit.record(actor, "inspection.export", i, org_path=i.org.path, rows=len(rows))
    return path, f"{_day(i.inspected_on)}-督查问题清单.xlsx"
