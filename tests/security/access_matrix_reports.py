"""The access matrix's rows for the reports routes: same columns as tests/security/access_matrix.py
(anonymous, member, group leader, mentor, other mentor, secretary, agent, committee, admin,
other branch's secretary); the ids behind them come from tests/security/world_reports.py."""

from __future__ import annotations

# fmt: off
# ruff: noqa: E501
#                                                                                ano mem ldr mnt omt sec agt cmt adm osc
TABLE: dict[str, str] = {
    # Dashboards: an org's for the committee and secretaries (an agent is sent to their point's).
    "GET /reports/":                                                            "L   403 403 403 403 ok  ok  ok  403 ok",
    "GET /reports/points/<int:sp_id>":                                          "L   404 404 404 404 ok  ok  ok  404 404",
}
# fmt: on
