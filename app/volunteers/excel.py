"""The catalogue and the volunteer team as spreadsheets."""

from __future__ import annotations

from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import select

from app import audit
from app.auth.models import User
from app.common.excel import new_workbook, temp_path, write_text
from app.extensions import db
from app.roster.models import Skill
from app.volunteers.labels import CATEGORY_LABELS, HANDLING_LABELS, LEVEL_LABELS, WEEKDAY_LABELS


def _sheet(title: str, headers: list[tuple[str, int]], rows: list[list]) -> str:
    path = temp_path()
    try:
        wb = new_workbook(path, title=title, constant_memory=False)
        head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        quoted = wb.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
        ws = wb.add_worksheet(title[:31])
        for col, (h, width) in enumerate(headers):
            ws.write_string(0, col, h, head)
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 1)
        for r, values in enumerate(rows, start=1):
            for c, v in enumerate(values):
                if isinstance(v, int):
                    ws.write_number(r, c, v)
                else:
                    write_text(ws, r, c, str(v or ""), wrap, quoted)
        ws.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    return path


def catalogue_sheet(actor: User, items) -> tuple[str, str]:
    with force_locale("zh_Hans"):
        cat = {k: str(v) for k, v in CATEGORY_LABELS.items()}
        lvl = {k: str(v) for k, v in LEVEL_LABELS.items()}
        how = {k: str(v) for k, v in HANDLING_LABELS.items()}
    rows = [
        [
            i.name,
            cat.get(i.category),
            lvl.get(i.level),
            how.get(i.handling),
            i.promised_days,
            i.materials,
            i.steps,
            "，".join(s.name for s in i.skills),
            i.legal_basis,
            "是" if i.is_published else "否",
        ]
        for i in items
    ]
    headers = [("代理事项", 24), ("类别", 14), ("办理层级", 14), ("代理方式", 20),
               ("承诺时限（工作日）", 10), ("所需材料", 36), ("办理流程", 36), ("所需专长", 18),
               ("依据", 20), ("已公开", 8)]  # fmt: skip
    path = _sheet("代理事项一览表", headers, rows)
    audit.record(actor, "volunteers.export_catalogue", None, rows=len(rows))
    return path, "代理事项一览表.xlsx"


def team_sheet(actor: User, candidates) -> tuple[str, str]:
    skills = dict(db.session.execute(select(Skill.id, Skill.name)).all())
    with force_locale("zh_Hans"):
        cat = {k: str(v) for k, v in CATEGORY_LABELS.items()}
        day = {k: str(v) for k, v in WEEKDAY_LABELS.items()}
    rows = [
        [
            c.name,
            "，".join(f"{skills.get(s, s)}({lv})" for s, lv in c.skills.items()),
            "，".join(cat.get(x, x) for x in sorted(c.categories)),
            "，".join(day[d] for d in day if d in c.availability),
            c.open_cases,
            c.max_cases,
        ]
        for c in sorted(candidates, key=lambda c: c.name)
    ]
    headers = [("姓名", 10), ("专长（已确认，等级）", 30), ("愿意承办的类别", 36),
               ("可服务时间", 22), ("在办事项", 10), ("最多同时承办", 12)]  # fmt: skip
    path = _sheet("为民服务代理队伍", headers, rows)
    audit.record(actor, "volunteers.export_team", None, rows=len(rows))
    return path, "为民服务代理队伍花名册.xlsx"
