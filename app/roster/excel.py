"""Roster spreadsheets: the columns, the export (default and official layouts) and the import
template. Reading them back is app/roster/importer.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit, policy
from app.auth.models import User
from app.common.crypto import decrypt
from app.common.excel import new_workbook, temp_path, write_text
from app.common.idcard import mask_id, mask_phone
from app.common.timeutil import to_local, utcnow
from app.errors import PermissionDenied
from app.extensions import db
from app.orgs.models import Org
from app.roster import search
from app.roster.fields import (
    AGENT_SOURCE_LABELS,
    GENDER_LABELS,
    MEMBERSHIP_LABELS,
    PARTY_STATUS_LABELS,
    POST_KIND_LABELS,
)
from app.roster.models import EDUCATION_LEVELS, Member

# (key, Chinese header, column width). Headers are always Chinese: the sheet is a 花名册.
COLUMNS: list[tuple[str, str, int]] = [
    ("id", "系统编号", 9),
    ("name", "姓名", 10),
    ("gender", "性别", 6),
    ("ethnicity", "民族", 8),
    ("birth_date", "出生日期", 12),
    ("id_number", "身份证号", 21),
    ("phone", "联系电话", 14),
    ("education", "学历", 10),
    ("work_unit", "工作单位", 22),
    ("job_title", "职务", 14),
    ("joined_on", "入党时间", 12),
    ("full_member_on", "转正时间", 12),
    ("membership", "党员类别", 10),
    ("branch", "所在党支部", 20),
    ("group", "所在党小组", 14),
    ("post_kind", "人员类别", 10),
    ("agent_source", "代理员来源", 12),
    ("service_point", "服务点", 20),
    ("skills", "专长", 22),
    ("party_status", "党籍状态", 10),
    ("is_mobile", "流动党员", 9),
    ("mobile_destination", "流出去向", 16),
    ("is_lost_contact", "失联党员", 9),
    ("lost_contact_since", "失联时间", 12),
    ("is_hardship", "困难党员", 9),
]
DATE_KEYS = {"birth_date", "joined_on", "full_member_on", "lost_contact_since"}
BOOL_KEYS = {"is_mobile", "is_lost_contact", "is_hardship"}
CHOICES = {
    "gender": GENDER_LABELS,
    "membership": MEMBERSHIP_LABELS,
    "post_kind": POST_KIND_LABELS,
    "agent_source": AGENT_SOURCE_LABELS,
    "party_status": PARTY_STATUS_LABELS,
}
# Other names real spreadsheets use for the same columns.
ALIASES = {
    "序号": None,
    "公民身份号码": "id_number",
    "身份证号码": "id_number",
    "身份证": "id_number",
    "手机号": "phone",
    "手机号码": "phone",
    "联系方式": "phone",
    "出生年月": "birth_date",
    "文化程度": "education",
    "工作单位及职务": "work_unit",
    "入党日期": "joined_on",
    "转正日期": "full_member_on",
    "党支部": "branch",
    "所在支部": "branch",
    "党小组": "group",
    "特长": "skills",
    "专长特长": "skills",
}
HEADER_TO_KEY = {h: k for k, h, _ in COLUMNS} | ALIASES


def _zh_labels() -> dict[str, dict[str, str]]:
    with force_locale("zh_Hans"):
        return {
            k: {code: str(lbl) for code, lbl in labels.items()} for k, labels in CHOICES.items()
        }


# --- export -------------------------------------------------------------------------------------


@dataclass
class ExportResult:
    path: str
    rows: int
    filename: str


def _formats(wb):
    return {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center"}),
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


def _add_options_sheet(wb, labels: dict[str, dict[str, str]]) -> dict[str, str]:
    """A hidden sheet of choice lists, referenced by data validations (inline lists over 255
    characters are refused by Excel)."""
    ws = wb.add_worksheet("选项")
    refs: dict[str, str] = {}
    lists = {
        **{k: list(v.values()) for k, v in labels.items()},
        "education": list(EDUCATION_LEVELS),
        "bool": ["是", "否"],
    }
    for col, (key, values) in enumerate(lists.items()):
        ws.write_string(0, col, key)
        for r, v in enumerate(values, start=1):
            ws.write_string(r, col, v)
        letter = chr(ord("A") + col)
        refs[key] = f"=选项!${letter}$2:${letter}${len(values) + 1}"
    ws.hide()
    return refs


def _add_validations(ws, first_row: int, last_row: int, refs: dict[str, str]) -> None:
    for col, (key, _h, _w) in enumerate(COLUMNS):
        source = refs.get("bool") if key in BOOL_KEYS else refs.get(key)
        if source:
            ws.data_validation(
                first_row, col, max(last_row, first_row), col,
                {"validate": "list", "source": source, "ignore_blank": True},
            )  # fmt: skip


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
        ws.merge_range(0, 0, 0, len(COLUMNS) - 1, title, fmts["title"])
        row = 1
    for col, (key, header, width) in enumerate(COLUMNS):
        ws.write_string(row, col, header, fmts["header"])
        ws.set_column(col, col, width, fmts["text"] if key in ("id_number", "phone") else None)
    ws.freeze_panes(row + 1, 2)
    return ws, row + 1


def _cell_values(m: Member, orgs: dict[int, Org], labels, unmasked: bool) -> dict[str, Any]:
    org = orgs.get(m.org_id)
    if org is not None and org.branch_id != org.id:
        branch, group = orgs.get(org.branch_id), org
    else:
        branch, group = org, None
    id_number = decrypt(m.id_number_enc)
    phone = decrypt(m.phone_enc) if m.phone_enc else ""
    return {
        "id": m.id,
        "name": m.name,
        "gender": labels["gender"].get(m.gender, m.gender),
        "ethnicity": m.ethnicity,
        "birth_date": m.birth_date,
        "id_number": id_number if unmasked else mask_id(id_number),
        "phone": phone if unmasked or not phone else mask_phone(phone),
        "education": m.education,
        "work_unit": m.work_unit,
        "job_title": m.job_title,
        "joined_on": m.joined_on,
        "full_member_on": m.full_member_on,
        "membership": labels["membership"].get(m.membership, m.membership),
        "branch": branch.name if branch else "",
        "group": group.name if group else "",
        "post_kind": labels["post_kind"].get(m.post_kind, m.post_kind),
        "agent_source": labels["agent_source"].get(m.agent_source or "", ""),
        "service_point": m.service_point.name if m.service_point else "",
        "skills": "，".join(s.name for s in m.skills),
        "party_status": labels["party_status"].get(m.party_status, m.party_status),
        "is_mobile": m.is_mobile,
        "mobile_destination": m.mobile_destination,
        "is_lost_contact": m.is_lost_contact,
        "lost_contact_since": m.lost_contact_since,
        "is_hardship": m.is_hardship,
    }


def _write_row(ws, row: int, values: dict[str, Any], fmts) -> None:
    for col, (key, _h, _w) in enumerate(COLUMNS):
        value = values[key]
        if key == "id":
            ws.write_number(row, col, value)
        elif key in DATE_KEYS:
            if value:
                ws.write_datetime(row, col, value, fmts["date"])
        elif key in BOOL_KEYS:
            ws.write_string(row, col, "是" if value else "否")
        elif value:
            write_text(ws, row, col, str(value), fmts["text"], fmts["quoted"])


def export_members(
    actor: User | None,
    filters: search.MemberFilters,
    *,
    unmasked: bool = False,
    official: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write the members the actor may see (honouring the list's filters) to an .xlsx file.

    Default layout: one sheet, one header row. Official layout: a title row naming the
    organisation, one sheet per branch, a signature and date row at the foot. Full ID numbers
    only with the committee right. Rows stream in order (constant memory). Audited.
    """
    if actor is not None and not policy.can(actor, "roster.export"):
        raise PermissionDenied(_l("You may not export the roster."))
    if unmasked and actor is not None and not policy.can(actor, "roster.export_unmasked"):
        raise PermissionDenied(_l("Only the party committee may export full ID numbers."))
    labels = _zh_labels()
    orgs = {o.id: o for o in db.session.scalars(select(Org))}
    base = search.filtered_stmt(actor, filters)
    if unmasked and actor is not None:
        # Full numbers only for members under the actor's committee grants.
        paths = policy.subtrees(actor, "roster.unmask")
        base = base.where(policy.in_subtrees(Member.org_id, paths))
    stmt = (
        base.join(Org, Org.id == Member.org_id)
        .order_by(Org.path, Member.surname_strokes, Member.name_pinyin, Member.id)
        .options(selectinload(Member.skills), selectinload(Member.service_point))
        .execution_options(yield_per=1000)
    )
    path = temp_path()
    try:
        wb = new_workbook(path, title="党员花名册")
        fmts = _formats(wb)
        refs: dict[str, str] = {}
        count = 0
        ws = None
        row = 0
        first_data_row = 0
        current_branch: int | None = None
        used_names: set[str] = {"选项"}
        roots = policy.subtrees(actor, "roster.read") if actor is not None else []
        root_orgs = [o for o in orgs.values() if o.parent_id is None]
        if len(roots) == 1:
            scope_name = orgs[int(roots[0].strip("/").split("/")[-1])].name
        else:
            scope_name = root_orgs[0].name if len(root_orgs) == 1 and actor is None else ""

        def finish_official(ws, row):
            ws.write_string(row + 1, 0, "填表人（签字）：", fmts["foot"])
            ws.write_string(row + 1, 6, "党组织书记（签字）：", fmts["foot"])
            ws.write_string(
                row + 1, 13, "日期：" + to_local(utcnow()).strftime("%Y年%m月%d日"), fmts["foot"]
            )

        for m in db.session.scalars(stmt):
            values = _cell_values(m, orgs, labels, unmasked)
            if official:
                org = orgs.get(m.org_id)
                branch_id = org.branch_id if org is not None else m.org_id
                if branch_id != current_branch:
                    if ws is not None:
                        finish_official(ws, row)
                    current_branch = branch_id
                    branch_name = values["branch"] or "未分配"
                    ws, row = _start_sheet(wb, branch_name, fmts, f"{branch_name}党员花名册",
                                           used_names)  # fmt: skip
                    first_data_row = row
            elif ws is None:
                ws, row = _start_sheet(wb, "花名册", fmts, None)
                refs = _add_options_sheet(wb, labels)
                first_data_row = row
            _write_row(ws, row, values, fmts)
            row += 1
            count += 1
            if progress and count % 1000 == 0:
                progress(count)
        if ws is None:
            ws, row = _start_sheet(
                wb, "花名册", fmts, f"{scope_name}党员花名册" if official else None
            )
            if not official:
                refs = _add_options_sheet(wb, labels)
            first_data_row = row
        if official:
            finish_official(ws, row)
        else:
            ws.autofilter(0, 0, max(row - 1, 0), len(COLUMNS) - 1)
            _add_validations(ws, first_data_row, row - 1, refs)
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


def import_template() -> str:
    """An empty import sheet: the header row, choice lists and one example row to overwrite."""
    labels = _zh_labels()
    path = temp_path()
    wb = new_workbook(path, title="党员花名册导入模板", constant_memory=False)
    fmts = _formats(wb)
    ws, row = _start_sheet(wb, "花名册", fmts, None)
    refs = _add_options_sheet(wb, labels)
    ws.autofilter(0, 0, 0, len(COLUMNS) - 1)
    _add_validations(ws, 1, 2000, refs)
    ws.write_comment(0, 0, "新增党员请留空；修改已有党员时保留导出文件中的编号。")
    ws.write_comment(0, 5, "请设置为文本格式，18位，末位可为X。")
    wb.close()
    return path
