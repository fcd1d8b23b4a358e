"""The selection's lists as Excel in the official layout: a title, the columns 姓名 / 性别 /
出生年月 / 入党时间 / 所在党支部 / 职务 / 主要事迹, one row per nominee, and the signature row."""

from __future__ import annotations

from pathlib import Path

from app import audit, policy
from app.auth.models import User
from app.common.excel import new_workbook, temp_path, write_text
from app.selection import services
from app.selection.models import NominationStatus, SelectionRound

HEADERS = [("序号", 6), ("姓名", 10), ("性别", 6), ("出生年月", 10), ("入党时间", 10),
           ("所在党支部", 26), ("职务", 16), ("主要事迹", 60)]  # fmt: skip
GENDERS = {"male": "男", "female": "女"}
# Every nomination the committee has not refused is on the nominee list.
NOMINEE_STATUSES = (
    NominationStatus.NOMINATED,
    NominationStatus.SENT_BACK,
    NominationStatus.APPROVED,
)


def _month(d) -> str:
    return f"{d.year}.{d.month:02d}" if d else ""


def export_list(actor: User, r: SelectionRound, *, final: bool) -> tuple[str, str]:
    """The nominee list, or the approved (final) list, of the branches ``actor`` sees.
    Returns (path, download name); the caller sends and removes the file. Audited."""
    statuses = (NominationStatus.APPROVED,) if final else NOMINEE_STATUSES
    rows = services.nominations_of(actor, r, statuses)
    kind = "表彰名单" if final else "推荐对象名单"
    title = f"{r.title}{kind}"
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
        ws = wb.add_worksheet(kind)
        ws.set_paper(9)  # A4
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.merge_range(0, 0, 0, len(HEADERS) - 1, "", fmt_title)
        write_text(ws, 0, 0, title, fmt_title, quoted_title)
        # A branch's own list names the branch: it is not the committee's whole list.
        unit = (
            r.org.name
            if policy.can(actor, "selection.lists", r)
            else "、".join(sorted({n.branch.name for n in rows}))
        )
        write_text(ws, 1, 0, f"填报单位：{unit}", None, quoted_title)
        for col, (h, width) in enumerate(HEADERS):
            ws.write_string(2, col, h, head)
            ws.set_column(col, col, width)
        ws.repeat_rows(2)
        row = 3
        for i, n in enumerate(rows, start=1):
            m = n.member
            ws.write_number(row, 0, i, cell)
            write_text(ws, row, 1, m.name, cell, quoted)
            ws.write_string(row, 2, GENDERS.get(m.gender, ""), cell)
            ws.write_string(row, 3, _month(m.birth_date), cell)
            ws.write_string(row, 4, _month(m.joined_on), cell)
            write_text(ws, row, 5, n.branch.name, cell, quoted)
            write_text(ws, row, 6, m.job_title or "", cell, quoted)
            write_text(ws, row, 7, n.deeds, cell, quoted)
            row += 1
        row += 1
        ws.write_string(row, 0, f"合计：{len(rows)} 人")
        ws.write_string(row + 2, 1, "党委（盖章）：")
        ws.write_string(row + 2, 5, "负责人（签字）：")
        ws.write_string(row + 2, 7, "日期：    年    月    日")
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    audit.record(actor, "selection.export", r, org_path=r.org.path, rows=len(rows), final=final)
    return path, f"{r.year}-七一-{kind}.xlsx"
