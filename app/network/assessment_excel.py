"""The agents' quarter as an Excel sheet: one row per agent in the reader's scope, the same
figures as the page; audited with the quarter and the row count, never a name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app import audit
from app.auth.models import User
from app.common.excel import new_workbook, temp_path, write_text
from app.network.assessment import Figures, Quarter
from app.network.assessment_pages import all_agents
from app.policy.assessment import assessment_paths

COLUMNS = [("姓名", 10), ("所在组织", 22), ("办结件数", 10), ("按期办结", 10),
           ("按期办结率", 11), ("平均评价", 10), ("满意件数", 10), ("满意率", 9),
           ("被投诉属实", 11), ("值班到岗", 10), ("值班记录", 10), ("到岗率", 9),
           ("培训参加", 10), ("应参加", 9), ("参训率", 9), ("奖励", 7), ("惩处", 7)]  # fmt: skip
_SHARES = {4, 7, 11, 14}


@dataclass
class ExportResult:
    path: str
    rows: int
    filename: str


def _cells(f: Figures) -> list:
    mean = round(f.rating_mean, 2) if f.rating_mean is not None else None
    return [
        f.cases_done,
        f.on_time,
        f.on_time_share,
        mean,
        f.satisfied,
        f.satisfied_share,
        f.complaints_upheld,
        f.shifts_kept,
        f.shifts_recorded,
        f.duty_share,
        f.trainings_attended,
        f.trainings_expected,
        f.training_share,
        f.rewards,
        f.penalties,
    ]


def export_quarter(user: User, q: Quarter, org_id: int | None = None) -> ExportResult:
    """Write the quarter's table for ``user`` (within ``org_id``'s subtree when given).
    Raises NotFound for an org out of scope. The caller commits the audit row."""
    members, figs, org = all_agents(user, q, org_id)
    heading = f"{org.name if org else ''}代理员{q.year}年第{q.quarter}季度考核情况"
    path = temp_path()
    try:
        wb = new_workbook(path, title="代理员考核情况")
        bold = wb.add_format({"bold": True, "font_size": 14})
        bold_quoted = wb.add_format({"bold": True, "font_size": 14, "quote_prefix": True})
        head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "align": "center"})
        text = wb.add_format({"num_format": "@"})
        quoted = wb.add_format({"num_format": "@", "quote_prefix": True})
        share = wb.add_format({"num_format": "0%"})
        ws = wb.add_worksheet("考核情况")
        write_text(ws, 0, 0, heading, bold, bold_quoted)
        for col, (header, width) in enumerate(COLUMNS):
            ws.write_string(1, col, header, head)
            ws.set_column(col, col, width)
        ws.freeze_panes(2, 1)
        for r, m in enumerate(members, start=2):
            write_text(ws, r, 0, m.name, text, quoted)
            write_text(ws, r, 1, m.org.name, text, quoted)
            for col, value in enumerate(_cells(figs[m.id]), start=2):
                if value is not None:
                    ws.write_number(r, col, value, share if col in _SHARES else None)
        ws.autofilter(1, 0, max(len(members) + 1, 2), len(COLUMNS) - 1)
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    audit.record(
        user,
        "assessment.export",
        org,
        org_path=org.path if org else next(iter(assessment_paths(user)), ""),
        year=q.year,
        quarter=q.quarter,
        rows=len(members),
    )
    name = f"{org.name if org else ''}代理员考核-{q.year}Q{q.quarter}.xlsx"
    return ExportResult(path=path, rows=len(members), filename=name)
