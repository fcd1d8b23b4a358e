"""`flask remind`: the items due for each user from hand-made data, listing without mail,
mailing through a fake SMTP server, --dry-run, and no phone or ID number in the output."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.appraisal import services as ap
from app.appraisal.models import Appraisal
from app.auth.models import Role
from app.extensions import db
from app.reminders.collect import collect
from tests.factories import make_user
from tests.network.assessment_world import World, build

DAY = date(2026, 9, 29)  # a Tuesday; two working days on: Thursday 1 October is a holiday


class FakeSMTP:
    sent: list = []
    instances: list = []

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port
        self.tls = False
        self.logged_in = None
        FakeSMTP.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.tls = True

    def login(self, user, password):
        self.logged_in = user

    def send_message(self, msg):
        FakeSMTP.sent.append(msg)


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.sent, FakeSMTP.instances = [], []
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    return FakeSMTP


@pytest.fixture
def w(app) -> World:
    world = build()
    a = world.agent_member
    world.case(a, due_on=date(2026, 9, 28), status="handling")  # overdue
    world.case(a, due_on=date(2026, 9, 30), status="handling")  # due tomorrow
    world.case(a, due_on=date(2026, 10, 20), status="handling")  # not yet
    world.case(a, due_on=date(2026, 9, 1), done_on=date(2026, 9, 1), status="evaluated")
    world.case(world.colleague, due_on=date(2026, 9, 28), status="handling")  # no login
    world.complaint(None, date(2026, 9, 20), status="handling", handler_id=world.sec.id,
                    due_on=date(2026, 9, 29))  # fmt: skip
    world.complaint(None, date(2026, 9, 20), status="handling", handler_id=world.sec.id,
                    due_on=date(2026, 12, 1))  # fmt: skip
    rota = world.rota(2026, 9)
    world.shift(rota, a, date(2026, 9, 30))
    world.shift(rota, a, date(2026, 9, 25))  # past
    draft = world.rota(2026, 10, status="draft", kind="reception")
    world.shift(draft, a, date(2026, 9, 30))
    db.session.commit()
    return world


def _texts(r) -> list[str]:
    return [f"{i.kind}:{i.text}:{i.due}:{i.overdue}" for i in r.items]


def test_the_items_due_for_each_user(w):
    found = {r.user.username: r for r in collect(DAY)}
    assert set(found) == {"a_agent", "a_sec"}
    agent = found["a_agent"]
    assert [(i.kind, i.due, i.overdue) for i in agent.items] == [
        ("case", date(2026, 9, 28), True),
        ("case", date(2026, 9, 30), False),
        ("duty", date(2026, 9, 30), False),
    ]
    assert agent.counts() == {"case": 2, "duty": 1}
    sec = found["a_sec"]
    assert [(i.kind, i.due, i.overdue) for i in sec.items] == [
        ("complaint", date(2026, 9, 29), False)
    ]


def test_appraisal_to_dos_come_from_the_inbox(w):
    leader = make_user("a_leader", (Role.GROUP_LEADER, w.t.group_a))
    deadlines = ap.Deadlines(
        date(2026, 9, 25), date(2026, 9, 30), date(2026, 10, 9), date(2026, 10, 20)
    )
    period = ap.open_period(w.cmte, w.t.committee, 2026, 3, deadlines)
    db.session.commit()
    # The agent's own record is still a draft: its self-record was due on the 25th.
    found = {r.user.username: r for r in collect(DAY)}
    own = [i for i in found["a_agent"].items if i.kind == "self"]
    assert len(own) == 1 and own[0].overdue and own[0].text.startswith("钱代理")
    record = db.session.scalar(
        select(Appraisal).where(Appraisal.period_id == period.id, Appraisal.member_id == w.plain.id)
    )
    assert record is not None
    assert "a_leader" not in found  # nothing submitted yet, nothing to sign
    assert leader.id


def test_listing_without_mail(w, app):
    result = app.test_cli_runner().invoke(args=["remind", "--date", "2026-09-29"])
    assert result.exit_code == 0, result.output
    assert "== a_agent" in result.output and "== a_sec" in result.output
    assert "测试〔2026〕" in result.output
    assert "2 users with something due on 2026-09-29" in result.output
    assert "listed only" in result.output
    assert not re.search(r"1[3-9]\d{9}", result.output)  # no phone
    assert not re.search(r"\d{17}[\dX]", result.output)  # no ID number


def test_mailing_through_smtp(w, app, fake_smtp):
    agent = db.session.get(type(w.agent), w.agent.id)
    agent.email = "agent@example.com"
    db.session.commit()
    app.config.update(
        MAIL_SERVER="smtp.example.com",
        MAIL_PORT=2525,
        MAIL_FROM="noreply@example.com",
        MAIL_USERNAME="bot",
        MAIL_PASSWORD="pw",
        MAIL_USE_TLS=True,
    )
    try:
        result = app.test_cli_runner().invoke(args=["remind", "--date", "2026-09-29"])
    finally:
        app.config.update(MAIL_SERVER="", MAIL_FROM="")
    assert result.exit_code == 0, result.output
    assert "1 mails sent" in result.output
    (smtp,) = fake_smtp.instances
    assert (smtp.host, smtp.port, smtp.tls, smtp.logged_in) == (
        "smtp.example.com",
        2525,
        True,
        "bot",
    )
    (msg,) = fake_smtp.sent  # the secretary has no address: listed, not mailed
    assert msg["To"] == "agent@example.com" and msg["From"] == "noreply@example.com"
    body = msg.get_content()
    assert "测试〔2026〕" in body and "2026-09-28" in body
    assert "agent@example.com" not in result.output


def test_dry_run_sends_nothing(w, app, fake_smtp):
    db.session.get(type(w.agent), w.agent.id).email = "agent@example.com"
    db.session.commit()
    app.config.update(MAIL_SERVER="smtp.example.com", MAIL_FROM="noreply@example.com")
    try:
        result = app.test_cli_runner().invoke(args=["remind", "--date", "2026-09-29", "--dry-run"])
    finally:
        app.config.update(MAIL_SERVER="", MAIL_FROM="")
    assert result.exit_code == 0
    assert "dry run" in result.output
    assert fake_smtp.instances == [] and fake_smtp.sent == []


def test_an_unreachable_mail_server_still_exits_0(w, app, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no server")

    monkeypatch.setattr("smtplib.SMTP", refuse)
    db.session.get(type(w.agent), w.agent.id).email = "agent@example.com"
    db.session.commit()
    app.config.update(MAIL_SERVER="smtp.example.com", MAIL_FROM="noreply@example.com")
    try:
        result = app.test_cli_runner().invoke(args=["remind", "--date", "2026-09-29"])
    finally:
        app.config.update(MAIL_SERVER="", MAIL_FROM="")
    assert result.exit_code == 0
    assert "mail server unavailable" in result.output


def test_an_email_address_is_validated_on_the_account_form(app, login_as):
    from tests.factories import make_org

    root = make_org("邮件党委")
    admin = make_user("mail_admin", (Role.ADMIN, root))
    clerk = make_user("mail_clerk", (Role.MEMBER, root))
    c = login_as(admin)
    data = {"edit-display_name": "办事员", "edit-version": clerk.version}
    r = c.post(f"/auth/users/{clerk.id}/edit", data={**data, "edit-email": "not an address"})
    assert r.status_code == 200 and "invalid-feedback" in r.get_data(as_text=True)
    r = c.post(f"/auth/users/{clerk.id}/edit", data={**data, "edit-email": " Clerk@Example.com "})
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(clerk), clerk.id).email == "clerk@example.com"
