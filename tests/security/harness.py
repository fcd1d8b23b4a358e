"""Drive the access matrix: one CSRF-protected app on its own database, one logged-in client
per identity, a request per (route, method, identity) classified into a status class, and the
site rebuilt whenever a request changed it (so that no case depends on another's order)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from flask_babel import gettext
from sqlalchemy import text

from app.extensions import db, limiter
from tests.conftest import _empty_tables
from tests.security.world import IDENTITIES, Site, build_site, login_client, route_url

# Tables that every request or every login may touch: not business state.
VOLATILE = {"audit_event", "user_session", "login_attempt", "job"}


def rule_key(rule, method: str) -> str:
    return f"{method} {rule.rule}"


def classify(response, method: str, csrf_message: str) -> str:
    """The status class of a response: "ok" (the handler ran: 2xx, a redirect elsewhere than
    the login page, or a 400/409 about the form's content), "403", "404", "login" (sent to the
    login page), or what went wrong ("csrf", "500")."""
    code = response.status_code
    if code >= 500:
        return "500"
    if code in (301, 302, 303) and response.location.split("?")[0].endswith("/auth/login"):
        return "login"
    if code in (403, 404):
        return str(code)
    if code == 400 and csrf_message in response.get_data(as_text=True):
        return "csrf"
    if code < 400 or code in (400, 409):
        return "ok"
    return str(code)


@dataclass
class Matrix:
    app: Flask
    site: Site = None  # type: ignore[assignment]
    clients: dict = field(default_factory=dict)
    rebuilds: int = 0

    def __post_init__(self) -> None:
        with self.app.test_request_context():
            self.csrf_message = gettext(
                "The form expired or was not sent from this site. Reload and try again."
            )
        self.rules = {
            rule_key(r, m): r
            for r in self.app.url_map.iter_rules()
            for m in sorted(r.methods - {"HEAD", "OPTIONS"})
        }
        self.build()

    def build(self) -> None:
        limiter.enabled = False
        with self.app.app_context():
            self.site = build_site()
            self.clients = {who: self.login(who) for who in IDENTITIES}

    def rebuild(self) -> None:
        self.rebuilds += 1
        _empty_tables(self.app)
        self.build()

    def login(self, who: str):
        return login_client(self.app, self.site.users.get(who))

    def url(self, key: str) -> str:
        return route_url(self.app, self.rules[key], self.site.ids)

    def fingerprint(self) -> tuple[tuple, int]:
        """(row counts and version sums of the business tables, audit rows): one query."""
        parts, audit = [], "0"
        for table in db.metadata.sorted_tables:
            if table.name == "audit_event":
                audit = 'SELECT count(*) FROM "audit_event"'
            if table.name in VOLATILE:
                continue
            parts.append(f'(SELECT count(*) FROM "{table.name}")')
            if "version" in table.c:
                parts.append(f'(SELECT coalesce(sum(version), 0) FROM "{table.name}")')
            if "is_active" in table.c:
                parts.append(
                    f'(SELECT count(*) FROM "{table.name}" WHERE is_active = {_true(self.app)})'
                )
        with self.app.app_context():
            row = db.session.execute(text("SELECT " + ", ".join(parts))).one()
            n = db.session.execute(text(audit)).scalar()
            db.session.remove()
        return tuple(row), int(n or 0)

    def request(self, key: str, who: str) -> tuple[str, bool]:
        """(status class, whether the request changed the site) of ``key`` as ``who``."""
        limiter.enabled = False
        method = key.split(" ", 1)[0]
        url = self.url(key)
        if self.rules[key].endpoint == "auth.logout":
            client = self.login(who if who != "anonymous" else "anonymous")
        else:
            client = self.clients[who]
        before = self.fingerprint() if method == "POST" else None
        if method == "GET":
            r = client.get(url)
        else:
            r = client.post(url, data={"csrf_token": client.token})
        outcome = classify(r, method, self.csrf_message)
        changed = False
        if before is not None:
            after = self.fingerprint()
            changed = after[0] != before[0]
            if changed:  # audit rows alone leave the site as it was
                self.rebuild()
        return outcome, changed


def _true(app: Flask) -> str:
    return "true" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql") else "1"
