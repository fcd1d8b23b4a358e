"""Printing (issue 14): each printable page prints to clean A4 in Chromium.

For every page (appraisal book, probation review form, materials receipt, handling card, duty
rota, the 七一 公示 notice, the inspection notice, the reports and dashboards) the test prints it
to PDF as Chromium's print dialog would (print media, A4) and checks the page count, that the
printed text holds what the sheet is for and none of the screen's chrome, and that no table is
cut at the paper's edge: laid out at the A4 printable width under print media, no table and
nothing else runs wider than it. Chromium cannot give the PDF's text back without an extra
library, so the text is read from the DOM under print media (``innerText`` leaves out what
``display: none`` hides).
"""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.e2e.support import login, need_browser

need_browser()

pytestmark = pytest.mark.e2e

# The @page box of static/css/app.css: A4 less 15 mm each side, in CSS pixels (96 per inch).
A4_PRINTABLE_WIDTH = round((210 - 2 * 15) / 25.4 * 96)  # 680
# A4 in PDF points (1/72 inch); Chromium writes it from whole CSS pixels (595.92 x 842.88).
A4_POINTS = (595.28, 841.89)


@dataclass
class Sheet:
    url: str
    texts: list[str]  # what the printed page must say
    max_pages: int
    min_pages: int = 1


def _open_the_notice() -> None:
    """Take the demo's 七一 round to its public notice (公示) the way the committee does:
    close the nominations, approve the waiting ones, publish the notice from today."""
    from sqlalchemy import select

    from app.auth.services import find_user
    from app.common import timeutil
    from app.extensions import db
    from app.selection import services
    from app.selection.models import Nomination, NominationStatus, SelectionRound
    from app.selection.nomination_workflow import apply_nomination
    from app.selection.workflow import apply_round

    committee = find_user("committee")
    r = db.session.scalars(select(SelectionRound).order_by(SelectionRound.id)).first()
    if r.status == "nominating":
        apply_round(r, "close_nominations", committee, expected_version=r.version)
    waiting = select(Nomination).where(
        Nomination.round_id == r.id, Nomination.status == NominationStatus.NOMINATED
    )
    for n in db.session.scalars(waiting):
        apply_nomination(n, "approve", committee, expected_version=n.version)
    today = timeutil.today()
    apply_round(
        r,
        "publish_notice",
        committee,
        expected_version=r.version,
        data={"notice_starts": today, "notice_ends": services.notice_end(today)},
    )
    db.session.commit()


def _sheets() -> dict[str, Sheet]:
    """The printable pages of the demo, each with what it must print."""
    from sqlalchemy import func, select

    from app.appraisal.models import Appraisal
    from app.cases.models import ServiceCase
    from app.extensions import db
    from app.network.models import DutyRota, Inspection
    from app.orgs.models import ServicePoint
    from app.roster.models import Member
    from app.selection.models import Nomination, NominationStatus, SelectionRound

    def busiest_member(*where) -> tuple[Member, int]:
        row = db.session.execute(
            select(Appraisal.member_id, func.count())
            .where(*where)
            .group_by(Appraisal.member_id)
            .order_by(func.count().desc(), Appraisal.member_id)
            .limit(1)
        ).one()
        return db.session.get(Member, row[0]), row[1]

    member, quarters = busiest_member()
    probationer, probation_quarters = busiest_member(Appraisal.is_probationary.is_(True))
    case = db.session.scalars(
        select(ServiceCase).where(ServiceCase.status == "evaluated").order_by(ServiceCase.id)
    ).first()
    rota = db.session.scalars(select(DutyRota).order_by(DutyRota.id)).first()
    point = db.session.get(ServicePoint, case.service_point_id)
    inspection = db.session.scalars(select(Inspection).order_by(Inspection.id)).first()
    r = db.session.scalars(select(SelectionRound).order_by(SelectionRound.id)).first()
    listed = db.session.scalars(
        select(Nomination).where(
            Nomination.round_id == r.id, Nomination.status == NominationStatus.APPROVED
        )
    ).all()
    return {
        # Two quarters a sheet; a quarter is never split.
        "book": Sheet(
            f"/appraisal/members/{member.id}/book",
            ["党员写实考核簿", member.name, "政治思想"],
            max_pages=(quarters + 1) // 2 + 1,
        ),
        "probation": Sheet(
            f"/appraisal/members/{probationer.id}/probation",
            ["预备党员考察表", probationer.name],
            max_pages=(probation_quarters + 1) // 2 + 1,
        ),
        "receipt": Sheet(f"/cases/{case.id}/receipt", ["材料接收单", case.number], 1),
        "card": Sheet(f"/cases/{case.id}/card", ["承办卡", case.number], 1),
        "rota": Sheet(f"/network/rotas/{rota.id}/print", [rota.service_point.name, "星期一"], 1),
        "notice": Sheet(f"/selection/{r.id}/notice", ["公示", *[n.member.name for n in listed]], 1),
        "periodic": Sheet("/reports/periodic", ["六率", "党员写实考核结果"], 3),
        "comparison": Sheet("/reports/comparison", ["评比"], 2),
        "rates": Sheet("/reports/rates", ["六率", "群众评价满意率"], 2),
        "dashboard": Sheet("/reports/", ["数据看板", "各组织各环节考核进度"], 10),
        "point": Sheet(f"/reports/points/{point.id}", ["数据看板", point.name], 6),
        "inspection": Sheet(f"/network/inspections/{inspection.id}/notice", [inspection.title], 2),
    }


@pytest.fixture(scope="module")
def printed_demo(demo_db, tmp_path_factory) -> Iterator[tuple[str, dict[str, Sheet]]]:
    """The demo served as conftest's ``live_server`` does, with the 七一 round on notice."""
    from werkzeug.serving import make_server

    from app.extensions import db, limiter
    from tests.conftest import build_app

    path = tmp_path_factory.mktemp("e2e-print") / "demo.sqlite3"
    shutil.copyfile(demo_db, path)
    app = build_app(f"sqlite:///{path}", WTF_CSRF_ENABLED=True)
    limiter.enabled = False
    with app.app_context():
        _open_the_notice()
        sheets = _sheets()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", sheets
    finally:
        server.shutdown()
        thread.join(5)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(printed_demo) -> str:
    """This module's server (conftest's ``new_page`` opens pages on it)."""
    return printed_demo[0]


@pytest.fixture
def committee(new_page):
    page = new_page("desktop")
    login(page, "committee")
    return page


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _is_a4(pdf: bytes) -> bool:
    """Every page's MediaBox is A4, portrait, within a point."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return bool(boxes) and all(
        abs(float(w) - A4_POINTS[0]) < 1 and abs(float(h) - A4_POINTS[1]) < 1 for w, h in boxes
    )


# What lies wider than the page: tables whose right edge passes it, tables whose own content
# overflows them (cut inside a scroll box), and the document itself.
_OVERFLOW = """(limit) => {
  const out = [];
  for (const t of document.querySelectorAll("table")) {
    if (!t.offsetParent) continue;
    const box = t.getBoundingClientRect();
    if (box.right > limit + 1 || t.scrollWidth > t.clientWidth + 1) {
      out.push(`${t.className}: right ${Math.round(box.right)}, content ${t.scrollWidth}`);
    }
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > limit + 1) out.push(`document: ${doc.scrollWidth}`);
  return out;
}"""

# Rows kept whole and header rows repeated on each page, as the print stylesheet says.
_TABLE_RULES = """() => {
  const bad = [];
  for (const tr of document.querySelectorAll("table tr")) {
    if (tr.offsetParent && getComputedStyle(tr).breakInside !== "avoid") bad.push("row");
  }
  for (const th of document.querySelectorAll("thead")) {
    if (getComputedStyle(th).display !== "table-header-group") bad.push("thead");
  }
  return [...new Set(bad)];
}"""


@pytest.mark.parametrize(
    "name",
    [
        "book",
        "probation",
        "receipt",
        "card",
        "rota",
        "notice",
        "periodic",
        "comparison",
        "rates",
        "dashboard",
        "point",
        "inspection",
    ],
)
def test_the_page_prints_as_clean_a4(committee, printed_demo, name):
    sheet = printed_demo[1][name]
    page = committee
    assert page.goto(sheet.url).ok
    page.wait_for_load_state("networkidle")

    # On screen: a Print button that opens the print dialog, once.
    button = page.locator("[data-print]")
    assert button.count() == 1 and button.is_visible()
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed++; }; }")
    button.click()
    assert page.evaluate("() => window.__printed") == 1

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    pages = _pdf_pages(pdf)
    assert sheet.min_pages <= pages <= sheet.max_pages, f"{name}: {pages} pages"
    assert _is_a4(pdf)

    # The text on paper: what the sheet is for, none of the screen's chrome.
    printed = page.evaluate("() => document.body.innerText")
    for text in sheet.texts:
        assert text in printed, f"{name}: {text!r} is not printed"
    for chrome in ("修改密码", "退出登录", "打印", "时间均为北京时间"):
        assert chrome not in printed, f"{name}: {chrome!r} is printed"

    # Laid out at the A4 printable width: nothing runs past the paper's edge.
    page.set_viewport_size({"width": A4_PRINTABLE_WIDTH, "height": 1000})
    page.wait_for_timeout(100)  # the charts redraw at the new width
    assert page.evaluate(_OVERFLOW, A4_PRINTABLE_WIDTH) == []
    assert page.evaluate(_TABLE_RULES) == []


def test_the_book_keeps_each_quarter_whole(committee, printed_demo):
    """A quarter of the book is one block on paper: never split between two sheets."""
    page = committee
    page.goto(printed_demo[1]["book"].url)
    page.emulate_media(media="print")
    styles = page.evaluate(
        """() => [...document.querySelectorAll(".book-quarter")]
             .map(q => getComputedStyle(q).breakInside)"""
    )
    assert styles and set(styles) == {"avoid"}


def test_the_dashboard_charts_fit_the_paper(committee, printed_demo):
    """Each chart prints as a picture inside the printable width, above its own table."""
    page = committee
    page.goto(printed_demo[1]["dashboard"].url)
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.wait_for_timeout(100)
    widths = page.evaluate(
        """() => [...document.querySelectorAll(".chart-canvas canvas")]
             .map(c => Math.round(c.getBoundingClientRect().width))"""
    )
    assert widths and max(widths) <= A4_PRINTABLE_WIDTH + 1
