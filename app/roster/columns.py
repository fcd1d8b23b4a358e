"""The roster spreadsheet's columns: our headers, the other names real spreadsheets give them,
and the choice lists a column accepts. The export (excel.py) writes them, the import
(importer.py, import_rows.py) reads them back: one table for both directions."""

from __future__ import annotations

from flask_babel import force_locale

from app.roster.fields import (
    AGENT_SOURCE_LABELS,
    GENDER_LABELS,
    MEMBERSHIP_LABELS,
    PARTY_STATUS_LABELS,
    POST_KIND_LABELS,
    YES_NO_LABELS,
)
from app.roster.models import EDUCATION_LEVELS, OCCUPATIONS

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
    # Added later, so at the end: sheets made from older exports keep their column letters.
    ("occupation", "职业", 12),
    ("address", "家庭住址", 24),
]
DATE_KEYS = {"birth_date", "joined_on", "full_member_on", "lost_contact_since"}
BOOL_KEYS = {"is_mobile", "is_lost_contact", "is_hardship"}
# Kept as typed (no whitespace folding): the cleaning routine reads them digit by digit.
VERBATIM_KEYS = DATE_KEYS | {"id_number", "phone"}

# The other names real spreadsheets (the national member system, township rosters) give our
# columns. None: a column we know and deliberately skip. The only alias table.
ALIASES: dict[str, str | None] = {
    "序号": None,
    "公民身份号码": "id_number",
    "身份证号码": "id_number",
    "身份证": "id_number",
    "手机号": "phone",
    "手机号码": "phone",
    "联系方式": "phone",
    "电话": "phone",
    "家庭地址": "address",
    "住址": "address",
    "现居住地": "address",
    "出生年月": "birth_date",
    "文化程度": "education",
    "工作单位及职务": "work_unit",
    "工作岗位": "job_title",
    "现任职务": "job_title",
    "岗位": "job_title",
    "入党日期": "joined_on",
    "加入党组织日期": "joined_on",
    "转正日期": "full_member_on",
    "转为正式党员日期": "full_member_on",
    "党支部": "branch",
    "所在支部": "branch",
    "所属党支部": "branch",
    "党小组": "group",
    "特长": "skills",
    "专长特长": "skills",
    "是否流动党员": "is_mobile",
    "外出流向": "mobile_destination",
    "是否失联党员": "is_lost_contact",
    "失去联系日期": "lost_contact_since",
    "是否困难党员": "is_hardship",
}
HEADER_TO_KEY: dict[str, str | None] = {h: k for k, h, _ in COLUMNS} | ALIASES

# Keys the import reads that are not member fields: they name things to look up.
_LOOKUP_HEADERS = {"org_id": "所在党支部", "service_point_id": "服务点"}


def header_of(key: str) -> str:
    """Our header for a field key (problems are reported under it)."""
    for k, header, _w in COLUMNS:
        if k == key:
            return header
    return _LOOKUP_HEADERS.get(key, key)


_LABELLED = {
    "gender": GENDER_LABELS,
    "membership": MEMBERSHIP_LABELS,
    "post_kind": POST_KIND_LABELS,
    "agent_source": AGENT_SOURCE_LABELS,
    "party_status": PARTY_STATUS_LABELS,
}


def zh_labels() -> dict[str, dict[str, str]]:
    """code -> Chinese label for each coded column: what the sheet shows and reads back."""
    with force_locale("zh_Hans"):
        return {
            key: {str(code): str(label) for code, label in labels.items()}
            for key, labels in _LABELLED.items()
        }


def sheet_choices() -> dict[str, list[str]]:
    """Column key -> the values its drop-down offers: exactly the labels the import accepts
    for that column, so an exported sheet edited in Excel or WPS imports again."""
    choices = {key: list(labels.values()) for key, labels in zh_labels().items()}
    with force_locale("zh_Hans"):
        yes_no = [str(YES_NO_LABELS[True]), str(YES_NO_LABELS[False])]
    choices["education"] = list(EDUCATION_LEVELS)
    choices["occupation"] = list(OCCUPATIONS)
    for key in BOOL_KEYS:
        choices[key] = yes_no
    return choices
