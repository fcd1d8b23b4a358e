"""The append-only audit log: ``record()`` writes an event, ``AuditEvent`` is its row.

Only the model and the writer load here, so any service may ``from app import audit`` without
pulling in the log page (``views``), its query (``search``) or its labels (``labels``).
"""

from app.audit import chain  # noqa: F401 - chains every appended event at flush
from app.audit.models import AuditEvent
from app.audit.writer import record

__all__ = ["AuditEvent", "record"]
