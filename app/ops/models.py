"""The key canary: one value sealed with the keys of the first start, so a wrong key is found
when the app starts (or a backup is restored), not on a member page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.common.timeutil import UTCDateTime, utcnow
from app.extensions import db


class KeyCanary(db.Model):
    __tablename__ = "key_canary"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A known text encrypted under FIELD_ENCRYPTION_KEY, and its blind index (BLIND_INDEX_KEY).
    sealed: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
