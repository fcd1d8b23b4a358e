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
    # The six rates, the rows behind a figure and the periodic reports: whoever opens a
    # dashboard (an agent: their point's figures); the comparison and the settings: committee.
    "GET /reports/rates":                                                       "L   403 403 403 403 ok  ok  ok  403 ok",
    "GET /reports/rates/<rate_code>/<rate_part>":                               "L   403 403 403 403 ok  ok  ok  403 ok",
    "GET /reports/periodic":                                                    "L   403 403 403 403 ok  ok  ok  403 ok",
    "GET /reports/periodic.xlsx":                                               "L   403 403 403 403 ok  ok  ok  403 ok",
    "GET /reports/comparison":                                                  "L   403 403 403 403 403 403 ok  403 403",
    "GET /reports/comparison.xlsx":                                             "L   403 403 403 403 403 403 ok  403 403",
    "GET /reports/settings":                                                    "L   403 403 403 403 403 403 ok  403 403",
    "POST /reports/settings":                                                   "L   403 403 403 403 403 403 ok  403 403",
}
# fmt: on
