"""The case ledger (台账): the register of one service point, or of the points under an org,
for a period, as an Excel sheet with one row per case (plan 三.4; the issue's "ledgers")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import lazyload

from app import audit, policy
from app.auth.models import User
from app.cases.labels import KIND_LABELS, RATING_LABELS, STATUS_LABELS
from app.cases.models import Evaluation, ServiceCase, Status
from app.common import timeutil
from app.common.crypto import decrypt
from app.common.excel import new_workbook, temp_path, write_text
from app.common.idcard import mask_phone
from app.errors import FieldErrors, NotFound, PermissionDenied
from app.extensions import db
from app.orgs.models import Org, ServicePoint

# (header, width); the cells follow in ``_cells``.
COLUMNS = [("编号", 22), ("登记日期", 12), ("服务点", 18), ("申办人", 10), ("联系电话", 14),
           ("事项", 24), ("申办内容", 36), ("类型", 10), ("状态", 14), ("代理员", 10),
           ("承诺期限", 12), ("办结日期", 12), ("是否按期", 10), ("评价", 12)]  # fmt: skip
_DATE_COLUMNS = {1, 10, 11}
_LEVEL_ORDER = {"district": 0, "township": 1, "village": 2}
_CLOSED_UNDONE = (Status.REFUSED, Status.WITHDRAWN, Status.NEW)


@dataclass(frozen=True)
class LedgerFilters:
    """One point (``service_point_id``) or the points under an org (``org_id``), and the
    registration dates from ``start`` to ``end`` inclusive (local calendar days)."""

    service_point_id: int = 0
    org_id: int = 0
    start: date | None = None
    end: date | None = None

    def period(self) -> tuple[date, date]:
        """The period asked for; this year so far by default."""
        today = timeutil.today()
        return self.start or date(today.year, 1, 1), self.end or today


@dataclass
class LedgerResult:
    path: str
    rows: int
    filename: str


def ledger_points(user: User) -> list[ServicePoint]:
    """The service points whose ledger ``user`` may read, the higher levels first."""
    points = db.session.scalars(select(ServicePoint).order_by(ServicePoint.name)).all()
    allowed = [sp for sp in points if policy.can(user, "case.ledger", sp)]
    return sorted(allowed, key=lambda sp: (_LEVEL_ORDER.get(sp.level, 9), sp.name))


def ledger_orgs(user: User) -> list[Org]:
    """The orgs in ``user``'s scope with at least one of those points under them, in tree
    order: their ledger covers those points."""
    points = ledger_points(user)
    orgs = db.session.scalars(policy.scope(select(Org), user, Org).order_by(Org.path)).all()
    return [o for o in orgs if any(sp.org.is_within(o) for sp in points)]


@dataclass
class LedgerScope:
    """What a ledger covers: its points, the name it is titled with, the org path audited."""

    points: list[ServicePoint]
    title: str
    org_path: str
    audit_key: str  # "service_point" or "org"


def resolve(user: User, filters: LedgerFilters) -> LedgerScope:
    """The points the ledger covers. Raises FieldErrors for a bad period or no choice,
    NotFound for an org out of scope, PermissionDenied for a point."""
    start, end = filters.period()
    if start > end:
        raise FieldErrors({"end": str(_l("The end date is before the start date."))})
    earliest, latest = date(2000, 1, 1), timeutil.today() + timedelta(days=366)
    for name, day in (("start", start), ("end", end)):
        if not earliest <= day <= latest:
            raise FieldErrors({name: str(_l("Give a date from 2000 to next year."))})
    if filters.service_point_id:
        sp = db.session.get(ServicePoint, filters.service_point_id)
        if sp is None or not policy.can(user, "case.ledger", sp):
            raise PermissionDenied(_l("You may not read this service point's ledger."))
        return LedgerScope([sp], sp.name, sp.org.path, "service_point")
    if filters.org_id:
        org = next((o for o in ledger_orgs(user) if o.id == filters.org_id), None)
        if org is None:
            raise NotFound(_l("No such organisation in your scope."))
        points = [sp for sp in ledger_points(user) if sp.org.is_within(org)]
        return LedgerScope(points, org.name, org.path, "org")
    raise FieldErrors({"service_point_id": str(_l("Choose a service point or an organisation."))})


def _cases_stmt(user: User, points: list[ServicePoint], start: date, end: date) -> Select:
    """The cases in scope registered at, or now owned by, ``points`` from ``start`` to ``end``."""
    ids = [sp.id for sp in points]
    return policy.scope(select(ServiceCase), user, ServiceCase).where(
        or_(ServiceCase.origin_point_id.in_(ids), ServiceCase.service_point_id.in_(ids)),
        ServiceCase.created_at >= timeutil.utc_midnight(start),
        ServiceCase.created_at < timeutil.utc_midnight(end + timedelta(days=1)),
    )


def ledger_stmt(user: User, points: list[ServicePoint], start: date, end: date) -> Select:
    """Those cases with their latest rating, in registration order: one query, whatever the
    number of rows (the case's item, points, applicant and agent come joined)."""
    latest = (
        select(Evaluation.level)
        .where(Evaluation.case_id == ServiceCase.id)
        .order_by(Evaluation.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        _cases_stmt(user, points, start, end)
        .add_columns(latest.label("rating"))
        .options(lazyload(ServiceCase.parts))  # the ledger shows no parts
        .order_by(ServiceCase.created_at, ServiceCase.id)
        .execution_options(yield_per=500)
    )


def count_cases(user: User, filters: LedgerFilters) -> int:
    """How many rows the ledger holds (shown before the download)."""
    covered = resolve(user, filters)
    start, end = filters.period()
    stmt = _cases_stmt(user, covered.points, start, end).with_only_columns(func.count())
    return db.session.scalar(stmt.order_by(None)) or 0


def _on_time(c: ServiceCase, today: date) -> str:
    if c.status in _CLOSED_UNDONE:
        return ""
    if c.done_on is not None:
        return "是" if c.due_on is None or c.done_on <= c.due_on else "否"
    if c.is_overdue(today):
        return "否（逾期）"
    return ""


def _cells(c: ServiceCase, rating: int | None, labels: dict[str, dict], today: date) -> list[Any]:
    phone = decrypt(c.applicant.phone_enc) if c.applicant.phone_enc else ""
    return [
        c.number,
        timeutil.to_local(c.created_at).date(),
        c.service_point.name,
        mask_name(c.applicant.name),
        mask_phone(phone) if phone else "",
        c.item.name,
        c.request,
        labels["kind"].get(c.kind or "", ""),
        labels["status"].get(c.status, c.status),
        c.agent.name if c.agent is not None else "",
        c.due_on,
        c.done_on,
        _on_time(c, today),
        labels["rating"].get(rating, "") if rating else "",
    ]


def _zh_labels() -> dict[str, dict]:
    with force_locale("zh_Hans"):
        return {
            "kind": {k: str(v) for k, v in KIND_LABELS.items()},
            "status": {k: str(v) for k, v in STATUS_LABELS.items()},
            "rating": {k: str(v) for k, v in RATING_LABELS.items()},
        }


def export_ledger(user: User, filters: LedgerFilters) -> LedgerResult:
    """Write the ledger ``filters`` ask for to an .xlsx file (rows streamed: constant memory).
    Names and phones are masked (the register circulates; the case page has them in full).
    Raises as ``resolve``. Audited with the filters, never a person's data."""
    covered = resolve(user, filters)
    start, end = filters.period()
    heading = f"{covered.title}为民服务代理事项台账（{start:%Y-%m-%d}至{end:%Y-%m-%d}）"
    rows = db.session.execute(ledger_stmt(user, covered.points, start, end))
    path = temp_path()
    try:
        count = _write(path, heading, rows)
    except BaseException:
        Path(path).unlink(missing_ok=True)  # no half-written file with personal data left
        raise
    audit.record(
        user,
        "case.ledger_export",
        None,
        org_path=covered.org_path,
        rows=count,
        # Which ledger and which period; nothing about the people in it.
        filters={covered.audit_key: covered.title, "period": f"{start} – {end}"},
    )
    filename = f"{covered.title}代理事项台账-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"
    return LedgerResult(path=path, rows=count, filename=filename)


def _write(path: str, heading: str, rows) -> int:
    labels, today = _zh_labels(), timeutil.today()
    wb = new_workbook(path, title="为民服务代理事项台账")
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format({"bold": True, "bg_color": "#F2DCDB", "border": 1, "align": "center"})
    text = wb.add_format({"num_format": "@"})
    quoted = wb.add_format({"num_format": "@", "quote_prefix": True})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("台账")
    quoted_title = wb.add_format({"bold": True, "font_size": 14, "quote_prefix": True})
    write_text(ws, 0, 0, heading, title_fmt, quoted_title)  # it names a point or an org
    for col, (header, width) in enumerate(COLUMNS):
        ws.write_string(1, col, header, head)
        ws.set_column(col, col, width)
    ws.freeze_panes(2, 1)
    r = 1
    for c, rating in rows:
        r += 1
        for col, value in enumerate(_cells(c, rating, labels, today)):
            if col in _DATE_COLUMNS:
                if value is not None:
                    ws.write_datetime(r, col, datetime.combine(value, time.min), day)
            elif value:
                write_text(ws, r, col, str(value), text, quoted)
    ws.autofilter(1, 0, max(r, 2), len(COLUMNS) - 1)
    wb.close()
    return r - 1


def mask_name(name: str) -> str:
    """胡兰 → 胡*, 欧阳明华 → 欧***: the surname's first character and one star a character."""
    return name[:1] + "*" * (len(name) - 1) if name else ""
