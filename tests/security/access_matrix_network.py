"""The access matrix's rows for the network routes: same columns as tests/security/access_matrix.py
(anonymous, member, group leader, mentor, other mentor, secretary, agent, committee, admin,
other branch's secretary); the ids behind them come from tests/security/world_network.py."""

from __future__ import annotations

# fmt: off
# ruff: noqa: E501
#                                                                                ano mem ldr mnt omt sec agt cmt adm osc
TABLE: dict[str, str] = {
    # Duty rotas and the letters-and-visits register (app/network/views/duty.py, visits.py).
    "GET /network/":                                                            "L   403 403 403 403 ok  ok  ok  403 ok",
    "GET /network/points/<int:sp_id>/duty":                                     "L   404 404 404 404 ok  ok  ok  404 404",
    "POST /network/points/<int:sp_id>/duty":                                    "L   404 404 404 404 ok  403 ok  404 404",
    "GET /network/rotas/<int:rota_id>":                                         "L   404 404 404 404 ok  ok  ok  404 404",
    "GET /network/rotas/<int:rota_id>/print":                                   "L   404 404 404 404 ok  ok  ok  404 404",
    "GET /network/rotas/<int:rota_id>/rota.xlsx":                               "L   404 404 404 404 ok  ok  ok  404 404",
    "POST /network/rotas/<int:rota_id>/publish":                                "L   404 404 404 404 ok  403 ok  404 404",
    "POST /network/rotas/<int:rota_id>/withdraw":                               "L   404 404 404 404 ok  403 ok  404 404",
    "POST /network/rotas/<int:rota_id>/regenerate":                             "L   404 404 404 404 ok  403 ok  404 404",
    "POST /network/rotas/<int:rota_id>/delete":                                 "L   404 404 404 404 ok  403 ok  404 404",
    "POST /network/rotas/<int:rota_id>/shifts":                                 "L   404 404 404 404 ok  403 ok  404 404",
    "POST /network/rotas/<int:rota_id>/shifts/<int:shift_id>/replace":          "L   404 404 404 404 ok  403 ok  404 404",
    "POST /network/rotas/<int:rota_id>/shifts/<int:shift_id>/remove":           "L   404 404 404 404 ok  403 ok  404 404",
    "POST /network/rotas/<int:rota_id>/shifts/<int:shift_id>/kept":             "L   404 404 404 404 ok  ok  ok  404 404",
    "GET /network/points/<int:sp_id>/visits":                                   "L   404 404 404 404 ok  ok  ok  404 404",
    "GET /network/points/<int:sp_id>/visits/new":                               "L   404 404 404 404 ok  ok  ok  404 404",
    "POST /network/points/<int:sp_id>/visits/new":                              "L   404 404 404 404 ok  ok  ok  404 404",
    "GET /network/visits/<int:visit_id>":                                       "L   404 404 404 404 ok  ok  ok  404 404",
    "POST /network/visits/<int:visit_id>/handle":                               "L   404 404 404 404 ok  ok  ok  404 404",
    "GET /network/visits/<int:visit_id>/case":                                  "L   404 404 404 404 ok  ok  ok  404 404",
    "POST /network/visits/<int:visit_id>/case":                                 "L   404 404 404 404 ok  ok  ok  404 404",
    "GET /network/complaints":                                                  "L   403 403 403 403 ok  403 ok  403 ok",
    "GET /network/complaints/new":                                              "L   403 403 403 403 ok  ok  ok  403 403",
    "POST /network/complaints/new":                                             "L   403 403 403 403 ok  ok  ok  403 403",
    "GET /network/complaints/<int:complaint_id>":                               "L   404 404 404 404 ok  404 ok  404 404",
    "POST /network/complaints/<int:complaint_id>/phone":                        "L   404 404 404 404 ok  404 ok  404 404",
    "POST /network/complaints/<int:complaint_id>/step/<action>":                "L   404 404 404 404 ok  404 ok  404 404",
    "GET /network/inspections":                                                 "L   403 403 403 403 ok  ok  ok  403 ok",
    "GET /network/inspections/new":                                             "L   403 403 403 403 403 403 ok  403 403",
    "POST /network/inspections/new":                                            "L   403 403 403 403 403 403 ok  403 403",
    "GET /network/inspections/<int:inspection_id>":                             "L   404 404 404 404 ok  ok  ok  404 404",
    "POST /network/inspections/<int:inspection_id>/edit":                       "L   404 404 404 404 403 403 ok  404 404",
    "POST /network/inspections/<int:inspection_id>/findings":                   "L   404 404 404 404 403 403 ok  404 404",
    "GET /network/inspections/<int:inspection_id>/findings.xlsx":               "L   404 404 404 404 ok  ok  ok  404 404",
    "GET /network/inspections/<int:inspection_id>/notice":                      "L   404 404 404 404 ok  ok  ok  404 404",
    "POST /network/inspections/<int:inspection_id>/publish":                    "L   404 404 404 404 403 403 ok  404 404",
    "POST /network/inspections/findings/<int:finding_id>/rectify":              "L   404 404 404 404 ok  403 ok  404 404",
    "GET /network/accountability":                                              "L   404 404 404 404 404 404 ok  404 404",
    "GET /network/accountability/new":                                          "L   404 404 404 404 404 404 ok  404 404",
    "POST /network/accountability/new":                                         "L   404 404 404 404 404 404 ok  404 404",
    "GET /network/accountability/<int:accountability_id>":                      "L   404 404 404 404 404 404 ok  404 404",
    "GET /guide/complaint":                                                     "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "POST /guide/complaint":                                                    "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "GET /guide/complaint/track":                                               "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
    "POST /guide/complaint/track":                                              "ok  ok  ok  ok  ok  ok  ok  ok  ok  ok",
}
# fmt: on
