"""Writing each user's reminder (in Chinese) and mailing it over SMTP when mail is configured
(``MAIL_SERVER`` and ``MAIL_FROM``; ``MAIL_PORT``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
``MAIL_USE_TLS`` from the environment, see config.py)."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable, Mapping
from datetime import date
from email.message import EmailMessage
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.reminders.collect import KINDS, UserReminders

KIND_LABELS = {
    "self": _l("Self-record to file"),
    "sign": _l("Self-record to sign"),
    "assess": _l("Branch opinion to give"),
    "spot": _l("Spot check to make"),
    "talk": _l("Key person to talk with"),
    "case": _l("Service case due"),
    "complaint": _l("Complaint to settle"),
    "duty": _l("Duty shift"),
}


def mail_configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("MAIL_SERVER") and config.get("MAIL_FROM"))


def item_lines(r: UserReminders) -> list[str]:
    """The summary by kind, then one line per item (call inside ``force_locale``)."""
    counts = r.counts()
    lines = ["；".join(f"{KIND_LABELS[k]} {counts[k]}" for k in KINDS if k in counts)]
    for i in r.items:
        flag = _("[overdue]") + " " if i.overdue else ""
        due = _("due %(day)s", day=i.due.isoformat())
        lines.append(f"- {flag}{KIND_LABELS[i.kind]}：{i.text}（{due}）")
    return lines


def render(r: UserReminders, day: date) -> tuple[str, str]:
    """The subject and the body of ``r``'s reminder, in Simplified Chinese."""
    with force_locale("zh_Hans"):
        subject = _(
            "%(day)s: %(n)d to do, %(late)d overdue",
            day=day.isoformat(),
            n=len(r.items),
            late=r.overdue,
        )
        lines = [
            _("Hello %(name)s,", name=r.user.display_name),
            "",
            _("What is due or overdue for you on %(day)s:", day=day.isoformat()),
            *item_lines(r),
            "",
            _("This reminder is sent by the party-member service and appraisal system."),
        ]
    return str(subject), "\n".join(str(x) for x in lines)


def send_all(
    config: Mapping[str, Any], messages: Iterable[tuple[str, str, str]]
) -> tuple[int, list[str]]:
    """Send (to, subject, body) messages over one SMTP connection. Returns how many were sent
    and the addresses that failed (the others are still tried)."""
    sent, failed = 0, []
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 587), timeout=30) as s:
        if config.get("MAIL_USE_TLS"):
            s.starttls()
        if config.get("MAIL_USERNAME"):
            s.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for to, subject, body in messages:
            msg = EmailMessage()
            msg["From"] = config["MAIL_FROM"]
            msg["To"] = to
            msg["Subject"] = subject
            msg.set_content(body)
            try:
                s.send_message(msg)
                sent += 1
            except smtplib.SMTPException:
                failed.append(to)
    return sent, failed
