"""Branch A's supervision objects for the security proofs (see world.py): a complaint about
branch A's village room, an inspection of the general branch with a finding there and its
notice published, and an accountability record against a member of branch A."""

from __future__ import annotations

from datetime import date

from app.auth.models import User
from app.cases.models import ServiceCase
from app.extensions import db
from app.network import accountability, complaints, inspections
from tests.factories import Tree, make_member


def build_supervision(
    t: Tree, users: dict[str, User], case: ServiceCase
) -> tuple[dict[str, int], list[str]]:
    """Return the ids by URL argument name and the names no other branch may see."""
    cmte = users["committee"]
    accused = make_member(t.group_a, name="甲村被投诉代理员")
    accused.service_point_id = t.room_a.id
    db.session.flush()
    complaint, _code = complaints.register_complaint(
        users["agent"],
        t.room_a,
        complaints.ComplaintData(
            content="代理员推诿，不给办理",
            name="甲村投诉人",
            phone="13700001234",
            agent_member_id=accused.id,
        ),
    )
    inspection = inspections.create_inspection(
        cmte,
        t.general,
        inspections.InspectionData(title="甲总支代理服务督查", inspected_on=date(2026, 1, 8)),
    )
    finding = inspections.add_finding(
        cmte,
        inspection,
        inspections.FindingData(t.room_a.id, "台账不全", "补齐台账", date(2026, 2, 1)),
    )
    inspections.update_inspection(
        cmte,
        inspection,
        inspections.InspectionData(title=inspection.title, inspected_on=date(2026, 1, 8)),
        "经督查，甲村为民服务室台账不全，限期整改。",
        None,
    )
    inspections.publish_notice(cmte, inspection, None)
    record = accountability.record_accountability(
        cmte,
        accountability.AccountabilityData(
            member_id=accused.id,
            measure="criticism",
            reason="推诿群众办事，经核实属实",
            decided_on=date(2026, 1, 10),
            complaint_id=complaint.id,
        ),
    )
    db.session.commit()
    ids = {
        "complaint_id": complaint.id,
        "inspection_id": inspection.id,
        "finding_id": finding.id,
        "accountability_id": record.id,
    }
    return ids, ["甲村被投诉代理员", "甲村投诉人"]
