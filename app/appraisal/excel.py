"""Appraisal spreadsheets: the branch's quarterly summary and the member's appraisal book."""

from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale

from app import audit
from app.appraisal.inbox import branch_overview
from app.appraisal.labels import ACTION_LABELS, GRADE_LABELS, STATUS_LABELS, VETO_LABELS
from app.appraisal.models import AppraisalPeriod
from app.appraisal.workflow import dimensions_for
from app.auth.models import User
from app.common.excel import new_workbook, temp_path, write_text
from app.common.timeutil import to_local
from app.orgs.models import Org
from app.orgs.tree import org_labels

HEADERS = [("姓名", 10), ("所在党组织", 24), ("党员类别", 10), ("状态", 14), ("考核等次", 10),
           ("一票否决", 16), ("支委会会议日期", 14), ("抽查", 8), ("典型", 8)]  # fmt: skip


def branch_summary(actor: User, period: AppraisalPeriod, org: Org) -> tuple[str, str]:
    """The branch's quarter as one sheet: every member's state and grade, and the totals.
    Returns (path, download name); the caller sends and removes the file. Audited."""
    ov = branch_overview(actor, period, org)
    names = org_labels({a.org for a in ov.rows})
    path = temp_path()
    try:
        wb = new_workbook(path, title=f"{org.name}{period.label}写实考核汇总")
        head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
        title = wb.add_format({"bold": True, "font_size": 14})
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        quoted = wb.add_format({"quote_prefix": True})
        ws = wb.add_worksheet("汇总")
        quoted_title = wb.add_format({"bold": True, "font_size": 14, "quote_prefix": True})
        write_text(ws, 0, 0, f"{org.name} {period.label} 党员写实考核汇总", title, quoted_title)
        for col, (h, width) in enumerate(HEADERS):
            ws.write_string(1, col, h, head)
            ws.set_column(col, col, width)
        ws.freeze_panes(2, 1)
        with force_locale("zh_Hans"):
            status = {k: str(v) for k, v in STATUS_LABELS.items()}
            grade = {k: str(v) for k, v in GRADE_LABELS.items()}
            veto = {k: str(v) for k, v in VETO_LABELS.items()}
        row = 2
        for a in ov.rows:
            write_text(ws, row, 0, a.member.name, None, quoted)
            write_text(ws, row, 1, names.get(a.org_id, ""), None, quoted)
            ws.write_string(row, 2, "预备党员" if a.is_probationary else "正式党员")
            ws.write_string(row, 3, status.get(a.status, a.status))
            ws.write_string(row, 4, grade.get(a.grade or "", ""))
            ws.write_string(row, 5, veto.get(a.veto_category or "", "") if a.is_vetoed else "")
            if a.branch_meeting_on:
                ws.write_datetime(row, 6, a.branch_meeting_on, date_fmt)
            ws.write_string(row, 7, "是" if a.is_sampled else "")
            ws.write_string(row, 8, "是" if a.is_exemplary else "")
            row += 1
        ws.autofilter(1, 0, max(row - 1, 1), len(HEADERS) - 1)
        row += 1
        ws.write_string(
            row, 0, f"合计 {len(ov.rows)} 人；优秀 {ov.excellent} 人（参评 {ov.graded} 人）"
        )
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    audit.record(
        actor,
        "appraisal.export_summary",
        org,
        rows=len(ov.rows),
        year=period.year,
        quarter=period.quarter,
    )
    return path, f"{org.name}-{period.year}Q{period.quarter}-写实考核汇总.xlsx"


def member_book(
    actor: User, records: list, steps: dict[int, list], *, probation: bool
) -> tuple[str, str]:
    """The appraisal book (or probation review form) as a workbook: one row per quarter with
    each dimension, the opinions, the grade and the timeline. Audited like every export."""
    member = records[0].member
    keys: list[tuple[str, str]] = []
    for a in records:
        for d in dimensions_for(a):
            if d["key"] not in [k for k, _ in keys]:
                keys.append((d["key"], d["label"]))
    title_text = "预备党员考察表" if probation else "党员写实考核簿"
    path = temp_path()
    try:
        wb = new_workbook(path, title=f"{member.name}{title_text}", constant_memory=False)
        head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "text_wrap": True})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        quoted = wb.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
        title = wb.add_format({"bold": True, "font_size": 14})
        ws = wb.add_worksheet(title_text)
        quoted_title = wb.add_format({"bold": True, "font_size": 14, "quote_prefix": True})
        write_text(ws, 0, 0, f"{member.name} {title_text}", title, quoted_title)
        headers = [
            "季度",
            *[label for _k, label in keys],
            "培养联系人意见" if probation else "党小组意见",
            "群众反映",
            "支委会会议",
            "支委会考核意见",
            "考核等次",
            "一票否决",
            "办理记录",
        ]
        for col, h in enumerate(headers):
            ws.write_string(1, col, h, head)
            ws.set_column(col, col, 12 if col == 0 else 28)
        ws.freeze_panes(2, 1)
        for r, a in enumerate(records, start=2):
            _book_row(ws, r, a, keys, steps.get(a.id, []), wrap, quoted)
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    audit.record(
        actor,
        "appraisal.export_book",
        member,
        org_path=records[-1].org.path,
        probation=probation,
        quarters=len(records),
    )
    return path, f"{member.name}-{title_text}.xlsx"


def _book_row(ws, r: int, a, keys: list[tuple[str, str]], steps: list, wrap, quoted) -> None:
    """One quarter of the book: each dimension, the opinions, grade, veto and timeline (its
    dates in the configured zone, labels in Chinese whatever the reader's language)."""
    with force_locale("zh_Hans"):
        grade = str(GRADE_LABELS.get(a.grade or "", ""))
        veto = str(VETO_LABELS.get(a.veto_category or "", "")) if a.is_vetoed else ""
        timeline = "；".join(
            f"{to_local(s.created_at):%Y-%m-%d} {ACTION_LABELS.get(s.action, s.action)}"
            for s in steps
        )
    record = a.self_record or {}
    ws.write_string(r, 0, a.period.label, wrap)
    for c, (key, _label) in enumerate(keys, start=1):
        write_text(ws, r, c, str((record.get(key) or {}).get("text", "")), wrap, quoted)
    c = len(keys) + 1
    write_text(ws, r, c, a.sign_opinion or "", wrap, quoted)
    write_text(ws, r, c + 1, a.masses_opinion or "", wrap, quoted)
    write_text(ws, r, c + 2, meeting_text(a), wrap, quoted)
    write_text(ws, r, c + 3, a.branch_comment or "", wrap, quoted)
    ws.write_string(r, c + 4, grade, wrap)
    ws.write_string(r, c + 5, veto)
    ws.write_string(r, c + 6, timeline, wrap)


def meeting_text(a) -> str:
    """The branch committee meeting that decided the record, in one cell: date, who
    attended, the decision (only the date for records from before meetings were kept)."""
    m = a.branch_meeting
    if m is None:
        return a.branch_meeting_on.isoformat() if a.branch_meeting_on else ""
    lines = [m.held_on.isoformat(), f"参会人员：{m.attendees}"]
    if m.decision:
        lines.append(f"会议决定：{m.decision}")
    return "\n".join(lines)
