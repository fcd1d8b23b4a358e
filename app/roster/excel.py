"""Roster spreadsheets: the export (default and official layouts) and the import template.
The columns are app/roster/columns.py; reading them back is app/roster/importer.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit, policy
from app.auth.models import User
from app.common.excel import new_workbook, temp_path, write_text
from app.common.timeutil import to_local, utcnow
from app.errors import PermissionDenied
from app.extensions import db
from app.orgs.models import Org
from app.roster import search
from app.roster.columns import COLUMNS, sheet_choices
from app.roster.export_rows import ROW_COLUMNS, Cells, row_writer, skill_names
from app.roster.models import Member

_OPTIONS_SHEET = "选项"

# --- export -------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    path: str
    rows: int
    filename: str


def _formats(wb):
    return {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "quoted_title": wb.add_format(
            {"bold": True, "font_size": 16, "align": "center", "quote_prefix": True}
        ),
        "header": wb.add_format(
            {
                "bold": True,
                "bg_color": "#F2DCDB",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "text": wb.add_format({"num_format": "@"}),
        "quoted": wb.add_format({"num_format": "@", "quote_prefix": True}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "foot": wb.add_format({"italic": True}),
    }


def _add_options_sheet(wb) -> dict[str, str]:
    """A hidden sheet of choice lists, one column per list, and column key -> the range its
    data validation refers to (inline lists over 255 characters are refused by Excel).

    Written row by row: an export workbook streams (constant memory), and a streamed sheet
    drops any cell written above a row it has moved past."""
    ws = wb.add_worksheet(_OPTIONS_SHEET)
    lists: dict[tuple[str, ...], list[str]] = {}
    for key, values in sheet_choices().items():
        lists.setdefault(tuple(values), []).append(key)
    columns = list(lists)
    refs: dict[str, str] = {}
    for col, values in enumerate(columns):
        letter = chr(ord("A") + col)
        for key in lists[values]:
            refs[key] = f"={_OPTIONS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    ws.write_row(0, 0, ["、".join(lists[v]) for v in columns])
    for r in range(max(len(v) for v in columns)):
        for col, values in enumerate(columns):
            if r < len(values):
                ws.write_string(r + 1, col, values[r])
    ws.hide()
    return refs


def _add_validations(ws, first_row: int, last_row: int, refs: dict[str, str]) -> None:
    for col, (key, _h, _w) in enumerate(COLUMNS):
        if key in refs:
            ws.data_validation(
                first_row,
                col,
                max(last_row, first_row),
                col,
                {"validate": "list", "source": refs[key], "ignore_blank": True},
            )


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    """A legal, unique worksheet name (31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "Sheet"
    candidate, n = base[:31], 2
    while candidate.lower() in used:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate


def _start_sheet(wb, name: str, fmts, title: str | None, used: set[str] | None = None):
    ws = wb.add_worksheet(_sheet_name(name, used if used is not None else set()))
    row = 0
    if title:
        # The title names an organisation, which anyone with the right may call "=…".
        ws.merge_range(0, 0, 0, len(COLUMNS) - 1, "", fmts["title"])
        write_text(ws, 0, 0, title, fmts["title"], fmts["quoted_title"])
        row = 1
    for col, (key, header, width) in enumerate(COLUMNS):
        ws.write_string(row, col, header, fmts["header"])
        ws.set_column(col, col, width, fmts["text"] if key in ("id_number", "phone") else None)
    ws.freeze_panes(row + 1, 2)
    return ws, row + 1


def export_members(
    actor: User | None,
    filters: search.MemberFilters,
    *,
    unmasked: bool = False,
    official: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write the members the actor may see (honouring the list's filters) to an .xlsx file.

    Default layout: one sheet, one header row, drop-down lists. Official layout: a title row
    naming the organisation, one sheet per branch, a signature and date row at the foot. Full
    ID numbers, phones and addresses only with the committee right. Rows stream in order
    (constant memory). Audited.
    """
    if actor is not None and not policy.can(actor, "roster.export"):
        raise PermissionDenied(_l("You may not export the roster."))
    if unmasked and actor is not None and not policy.can(actor, "roster.export_unmasked"):
        raise PermissionDenied(_l("Only the party committee may export full ID numbers."))
    orgs = {o.id: o for o in db.session.scalars(select(Org))}
    roots = policy.subtrees(actor, "roster.read") if actor is not None else []
    cells = Cells(orgs, unmasked)
    path = temp_path()
    try:
        wb = new_workbook(path, title="党员花名册")
        sheets = _Sheets(wb, official=official, scope_name=_scope_name(actor, orgs, roots))
        count = 0
        result = db.session.execute(_export_stmt(actor, filters, unmasked))
        for batch in result.partitions():
            skills = skill_names([m.id for m in batch])
            for m in batch:
                branch_id, branch, _group = cells.place(m.org_id)
                sheets.add(cells(m, skills.get(m.id, "")), branch_id, branch)
            count += len(batch)
            if progress and count // 1000 > (count - len(batch)) // 1000:
                progress(count)
        sheets.close()
        wb.close()
    except BaseException:
        # A failed export leaves no half-written file with personal data behind.
        Path(path).unlink(missing_ok=True)
        raise
    audit.record(
        actor,
        "roster.export",
        None,
        org_path=roots[0] if len(roots) == 1 else "",
        rows=count,
        unmasked=unmasked,
        official=official,
        # The search text may be an ID number or phone: never in the audit trail.
        filters={k: ("…" if k == "q" else str(v)) for k, v in filters.as_dict().items()},
    )
    stamp = to_local(utcnow()).strftime("%Y%m%d-%H%M")
    return ExportResult(path=path, rows=count, filename=f"党员花名册-{stamp}.xlsx")


def count_members(actor: User | None, filters: search.MemberFilters, *, unmasked: bool) -> int:
    """How many rows export_members would write (one indexed count)."""
    stmt = _export_stmt(actor, filters, unmasked).order_by(None)
    return db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _export_stmt(actor: User | None, filters: search.MemberFilters, unmasked: bool):
    """The list's query in the customary order (organisation, surname strokes, pinyin)."""
    base = search.filtered_stmt(actor, filters)
    if unmasked and actor is not None:
        # Full numbers only for members under the actor's committee grants.
        paths = policy.subtrees(actor, "roster.unmask")
        base = base.where(policy.in_subtrees(Member.org_id, paths))
    return (
        base.with_only_columns(*ROW_COLUMNS)
        .join(Org, Org.id == Member.org_id)
        .order_by(Org.path, Member.surname_strokes, Member.name_pinyin, Member.id)
        .execution_options(yield_per=1000)
    )


def _scope_name(actor: User | None, orgs: dict[int, Org], roots: list[str]) -> str:
    """The organisation an official layout is titled with: the actor's one subtree, if one."""
    if len(roots) == 1:
        return orgs[int(roots[0].strip("/").split("/")[-1])].name
    root_orgs = [o for o in orgs.values() if o.parent_id is None]
    return root_orgs[0].name if len(root_orgs) == 1 and actor is None else ""


class _Sheets:
    """The export's worksheets: one (with drop-down lists) or one per branch (official)."""

    def __init__(self, wb, *, official: bool, scope_name: str) -> None:
        self.wb, self.official, self.scope_name = wb, official, scope_name
        self.fmts = _formats(wb)
        self.used_names = {_OPTIONS_SHEET}
        self.ws = None
        self.write: Callable[[int, tuple[Any, ...]], None] | None = None  # set per sheet
        self.row = self.first_row = 0
        self.branch_id: int | None = None

    def add(self, cells: tuple[Any, ...], branch_id: int | None, branch: str) -> None:
        if self.official and (self.ws is None or branch_id != self.branch_id):
            self._finish()
            self.branch_id = branch_id
            name = branch or "未分配"
            self._start(name, f"{name}党员花名册")
        elif self.ws is None:
            self._start("花名册", None)
        self.write(self.row, cells)
        self.row += 1

    def close(self) -> None:
        if self.ws is None:  # no member: the header row (and title) still
            self._start("花名册", f"{self.scope_name}党员花名册" if self.official else None)
        self._finish()

    def _start(self, name: str, title: str | None) -> None:
        self.ws, self.row = _start_sheet(self.wb, name, self.fmts, title, self.used_names)
        self.write = row_writer(self.ws, self.fmts)
        self.first_row = self.row

    def _finish(self) -> None:
        if self.ws is None:
            return
        if self.official:
            foot = self.fmts["foot"]
            self.ws.write_string(self.row + 1, 0, "填表人（签字）：", foot)
            self.ws.write_string(self.row + 1, 6, "党组织书记（签字）：", foot)
            today = to_local(utcnow()).strftime("%Y年%m月%d日")
            self.ws.write_string(self.row + 1, 13, "日期：" + today, foot)
        else:
            refs = _add_options_sheet(self.wb)
            self.ws.autofilter(0, 0, max(self.row - 1, 0), len(COLUMNS) - 1)
            _add_validations(self.ws, self.first_row, self.row - 1, refs)


def import_template() -> str:
    """An empty import sheet: the header row, choice lists and one example row to overwrite."""
    path = temp_path()
    wb = new_workbook(path, title="党员花名册导入模板", constant_memory=False)
    fmts = _formats(wb)
    ws, row = _start_sheet(wb, "花名册", fmts, None)
    refs = _add_options_sheet(wb)
    ws.autofilter(0, 0, 0, len(COLUMNS) - 1)
    _add_validations(ws, 1, 2000, refs)
    ws.write_comment(0, 0, "新增党员请留空；修改已有党员时保留导出文件中的编号。")
    ws.write_comment(0, 5, "请设置为文本格式，18位，末位可为X。")
    wb.close()
    return path
