"""The access matrix's rows for the network routes: same columns as tests/security/access_matrix.py
(anonymous, member, group leader, mentor, other mentor, secretary, agent, committee, admin,
other branch's secretary); the ids behind them come from tests/security/world_network.py."""

from __future__ import annotations

# fmt: off
# ruff: noqa: E501
#                                                                                ano mem ldr mnt omt sec agt cmt adm osc
TABLE: dict[str, str] = {
}
# fmt: on
