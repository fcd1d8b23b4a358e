"""The staff's case lists: my cases (the default page of /cases) and a service point's board,
every open case by state and agent."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from app import policy
from app.cases import bp, pages
from app.cases.forms import CaseFilterForm
from app.cases.labels import KIND_LABELS, STATUS_LABELS
from app.common import timeutil
from app.common.labels import page_labels


def _filters() -> CaseFilterForm:
    form = CaseFilterForm()
    form.validate()  # a bad value in the query string falls back to the default
    return form


@bp.route("/")
@login_required
def case_list():
    policy.require(current_user, "case.list")
    form = _filters()
    rows = pages.my_cases(current_user, form.state.data or "", form.page.data or 1)
    return render_template(
        "cases/list.html",
        rows=rows,
        form=form,
        points=pages.board_points(current_user),
        can_intake=pages.can_intake(current_user),
        today=timeutil.today(),
        **page_labels({"status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS}),
    )


@bp.route("/points/<int:sp_id>")
@login_required
def point_board(sp_id: int):
    sp = pages.get_point(current_user, sp_id)
    form = _filters()
    board = pages.board(
        current_user, sp, form.state.data or "", form.agent.data, form.page.data or 1
    )
    return render_template(
        "cases/board.html",
        board=board,
        form=form,
        today=timeutil.today(),
        **page_labels({"status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS}),
    )
