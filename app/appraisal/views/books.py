"""The member's appraisal book (写实考核簿) and probation review form (预备党员考察表),
on screen and as Excel."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from app.appraisal import bp
from app.appraisal.book import book_of, glance_of
from app.appraisal.excel import member_book
from app.appraisal.labels import TEMPLATE_LABELS
from app.appraisal.workflow import dimensions_for
from app.common.excel import send_xlsx
from app.extensions import db


@bp.route("/members/<int:member_id>/book")
@login_required
def book(member_id: int):
    """Every quarter of the member with its timeline, printable."""
    return _page(member_id, probation=False)


@bp.route("/members/<int:member_id>/probation")
@login_required
def probation(member_id: int):
    """The quarters of the probation year with the mentor's and the branch's opinions."""
    return _page(member_id, probation=True)


@bp.route("/members/<int:member_id>/book.xlsx")
@login_required
def book_xlsx(member_id: int):
    return _xlsx(member_id, probation=False)


@bp.route("/members/<int:member_id>/probation.xlsx")
@login_required
def probation_xlsx(member_id: int):
    return _xlsx(member_id, probation=True)


def _page(member_id: int, *, probation: bool):
    b = book_of(current_user, member_id, probation=probation)
    return render_template(
        "appraisal/book.html",
        glance=glance_of(b.records, request.args.get("year", type=int)),
        probation=probation,
        member=b.member,
        records=b.records,
        steps=b.steps,
        dims_of=dimensions_for,
        **TEMPLATE_LABELS,
    )


def _xlsx(member_id: int, *, probation: bool):
    b = book_of(current_user, member_id, probation=probation)
    path, filename = member_book(current_user, b.records, b.steps, probation=probation)
    db.session.commit()  # the audit row
    return send_xlsx(path, filename)
