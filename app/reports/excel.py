"""The periodic report and the townships' comparison as Excel in an official layout: a title,
the unit and period, bordered tables on A4, the signature row. Each export is audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app import audit
from app.appraisal.labels import GRADE_LABELS
from app.auth.models import User
from app.common.excel import new_workbook, temp_path, write_text
from app.reports.comparison import Comparison
from app.reports.labels import RATE_NAMES, definitions
from app.reports.periodic import GRADES, SPOT_LABELS, SPOT_RESULTS, AppraisalFigures, PeriodicReport
from app.reports.rates import RATE_CODES, Rate

RATE_HEADERS = ["序号", "指标", "本期", "分子", "分母", "上期", "增减（百分点）", "口径"]


class _Sheet:
    """A worksheet with the formats of the official layout and a row cursor."""

    def __init__(self, wb, name: str, widths: list[int]) -> None:
        self.ws = wb.add_worksheet(name)
        self.ws.set_paper(9)  # A4
        self.ws.fit_to_pages(1, 0)
        for col, width in enumerate(widths):
            self.ws.set_column(col, col, width)
        self.cols = len(widths)
        self.row = 0
        self.title = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
        self.head = wb.add_format(
            {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        self.cell = wb.add_format({"border": 1, "valign": "vcenter", "text_wrap": True})
        self.quoted = wb.add_format({"border": 1, "valign": "vcenter", "quote_prefix": True})
        self.num = wb.add_format({"border": 1, "valign": "vcenter", "align": "right"})

    def heading(self, text: str, sub: str) -> None:
        self.ws.merge_range(self.row, 0, self.row, self.cols - 1, "", self.title)
        write_text(self.ws, self.row, 0, text, self.title, self.quoted)
        self.ws.merge_range(self.row + 1, 0, self.row + 1, self.cols - 1, "")
        write_text(self.ws, self.row + 1, 0, sub, None, self.quoted)
        self.row += 2

    def line(self, values: list, header: bool = False) -> None:
        for col, v in enumerate(values):
            if isinstance(v, int | float) and not isinstance(v, bool) and not header:
                self.ws.write_number(self.row, col, v, self.num)
            else:
                fmt = self.head if header else self.cell
                write_text(self.ws, self.row, col, str(v), fmt, self.quoted)
        self.row += 1

    def signatures(self, unit: str) -> None:
        self.row += 1
        self.ws.write_string(self.row, 0, f"{unit}（盖章）")
        self.ws.write_string(self.row, max(self.cols - 2, 1), "日期：    年    月    日")


def _rate_lines(now: dict[str, Rate], before: dict[str, Rate], words) -> list[list]:
    return [
        [
            i,
            str(RATE_NAMES[c]),
            now[c].text,
            now[c].num,
            now[c].den,
            before[c].text,
            now[c].change_text(before[c]),
            f"{words[c][0]} ／ {words[c][1]}",
        ]
        for i, c in enumerate(RATE_CODES, start=1)
    ]


def _appraisal_lines(now: AppraisalFigures, before: AppraisalFigures) -> list[list]:
    def diff(a: int, b: int) -> str:
        return f"{a - b:+d}"

    rows = [["考核记录（人次）", now.records, before.records, diff(now.records, before.records)]]
    for g in GRADES:
        a, b = now.grades.get(g, 0), before.grades.get(g, 0)
        rows.append([str(GRADE_LABELS[g]), a, b, diff(a, b)])
    ex, ex0 = now.share("excellent"), before.share("excellent")
    rows.append(["优秀率", ex.text, ex0.text, ex.change_text(ex0)])
    rows.append(["一票否决", now.vetoed, before.vetoed, diff(now.vetoed, before.vetoed)])
    rows.append(["抽查（人次）", now.sampled, before.sampled, diff(now.sampled, before.sampled)])
    for s in SPOT_RESULTS:
        a, b = now.spot.get(s, 0), before.spot.get(s, 0)
        rows.append([f"抽查：{SPOT_LABELS[s]}", a, b, diff(a, b)])
    return rows


def export_periodic(actor: User, r: PeriodicReport) -> tuple[str, str]:
    """The periodic report as a workbook (六率, 考核结果, 下属单位). Returns (path, download
    name); the caller sends and removes the file. Audited."""
    title = f"{r.subject.name}{r.period.label}为民服务代理制{r.period.report_title}"
    sub = (
        f"报告期：{r.period.start} 至 {r.period.last_day}；"
        f"对比期：{r.previous.label}；制表日期：{r.made_on}"
    )
    words = definitions(r.rules)
    path = temp_path()
    try:
        wb = new_workbook(path, title=title, constant_memory=False)
        s = _Sheet(wb, "六率", [6, 18, 10, 8, 8, 10, 12, 70])
        s.heading(title, sub)
        s.line(RATE_HEADERS, header=True)
        for line in _rate_lines(r.rates, r.previous_rates, words):
            s.line(line)
        s.ws.write_string(s.row + 1, 0, "注：分母为零时记“—”，不计为0%或100%。")
        s.row += 2
        s.signatures(r.subject.name)
        if r.appraisal is not None and r.previous_appraisal is not None:
            a = _Sheet(wb, "考核结果", [24, 12, 12, 14])
            a.heading(f"{r.subject.name}{r.period.label}党员写实考核结果", sub)
            a.line(["项目", "本期", "上期", "增减"], header=True)
            for line in _appraisal_lines(r.appraisal, r.previous_appraisal):
                a.line(line)
        if r.units:
            u = _Sheet(wb, "下属单位", [24] + [11] * len(RATE_CODES) + [10, 8, 8, 8])
            u.heading(f"{r.subject.name}{r.period.label}下属单位情况", sub)
            u.line(
                [
                    "单位",
                    *(str(RATE_NAMES[c]) for c in RATE_CODES),
                    "考核人次",
                    "优秀",
                    "不合格",
                    "否决",
                ],
                header=True,
            )
            for row in r.units:
                f = row.appraisal
                counts = [f.records, f.grades.get("excellent", 0), f.grades.get("unqualified", 0)]
                u.line([row.org.name, *(row.rates[c].text for c in RATE_CODES), *counts, f.vetoed])
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    target = r.subject.point if r.subject.point is not None else r.subject.org
    audit.record(actor, "report.export", target, period=r.period.key)
    return path, f"{r.period.key}-{r.subject.name}-{r.period.report_title}.xlsx"


def export_comparison(actor: User, c: Comparison, today: date) -> tuple[str, str]:
    """The townships' comparison as a workbook, ranked. Audited."""
    title = f"{c.year}年各乡镇推行为民服务代理制情况评比通报"
    sub = (
        f"评比单位：{c.root.name}；数据期间：{c.period.start} 至 {c.period.last_day}；"
        f"排名规则：六率平均值（百分制）减去每件查实投诉扣{c.rules.complaint_penalty:g}分"
        + ("；无可计算数据的比率按0计" if c.rules.empty_rate_rule == "zero" else "")
    )
    path = temp_path()
    try:
        wb = new_workbook(path, title=title, constant_memory=False)
        widths = [6, 22] + [11] * len(RATE_CODES) + [10, 10, 10]
        s = _Sheet(wb, "评比结果", widths)
        s.heading(title, sub)
        s.line(
            [
                "名次",
                "乡镇",
                *(str(RATE_NAMES[code]) for code in RATE_CODES),
                "投诉件数",
                "查实件数",
                "得分",
            ],
            header=True,
        )
        for row in c.rows:
            s.line(
                [
                    row.rank if row.rank is not None else "—",
                    row.org.name,
                    *(row.rates[code].text for code in RATE_CODES),
                    row.complaints,
                    row.upheld,
                    round(row.score, 1) if row.score is not None else "—",
                ]
            )
        s.ws.write_string(s.row + 1, 0, "注：分母为零的指标记“—”，不参与平均；查实含部分查实。")
        s.row += 2
        s.signatures(c.root.name)
        wb.close()
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    audit.record(actor, "report.comparison_export", c.root, year=c.year)
    return path, f"{c.year}-各乡镇为民服务代理制评比.xlsx"
