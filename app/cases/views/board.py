"""The staff's case lists: my cases (the default page of /cases) and a service point's board,
every open case by state and agent. Each list is rendered once per change of what it reads
(the cases, the catalogue, the points and the roster) for the user, the query and the day;
who may open a board is asked of policy on every view."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from app import policy
from app.cases import bp, pages
from app.cases.forms import CaseFilterForm
from app.cases.labels import KIND_LABELS, STATUS_LABELS
from app.common import timeutil, versions
from app.common.labels import page_labels

# What a case list reads: its cases and their applicants, the items' names, the points and
# who staffs them, the agents' names and the reader's grants.
TOPICS = ("cases", "catalogue", "network", "points", "roster")


def _filters() -> CaseFilterForm:
    form = CaseFilterForm()
    form.validate()  # a bad value in the query string falls back to the default
    return form


def _key(*parts) -> tuple:
    today = timeutil.today()
    return (*parts, current_user.id, current_user.is_active, request.query_string, today)


def _labels() -> dict:
    return page_labels({"status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS})


@bp.route("/")
@login_required
def case_list():
    policy.require(current_user, "case.list")
    form = _filters()

    def rows() -> str:
        return render_template(
            "cases/_list_rows.html",
            rows=pages.my_cases(current_user, form.state.data or "", form.page.data or 1),
            today=timeutil.today(),
            **_labels(),
        )

    return render_template(
        "cases/list.html",
        rows_html=versions.fragment(TOPICS, _key("cases.list"), rows),
        form=form,
        points=pages.board_points(current_user),
        can_intake=pages.can_intake(current_user),
    )


@bp.route("/points/<int:sp_id>")
@login_required
def point_board(sp_id: int):
    sp = pages.get_point(current_user, sp_id)
    form = _filters()

    def body() -> str:
        board = pages.board(
            current_user, sp, form.state.data or "", form.agent.data, form.page.data or 1
        )
        return render_template(
            "cases/_board.html", board=board, form=form, today=timeutil.today(), **_labels()
        )

    html = versions.fragment(TOPICS, _key("cases.board", sp.id), body)
    return render_template("cases/board.html", sp=sp, body=html)
